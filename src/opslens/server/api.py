"""The REST API under `/api/v1` (JSON; described by the OpenAPI document at `/docs`).

Thin: request -> `Store` / `opslens.pipeline.run_triage` -> JSON. The bearer-token dependency
is added by `create_app` on the whole router. Errors: an unknown incident is 404, a bad value
400 (one line), an unusable input 422, the database unreachable 503.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import OperationalError

from opslens.errors import OpslensError
from opslens.server.state import AppState, app_state
from opslens.server.uploads import (
    ArchiveLimits,
    UploadRejected,
    check_archive,
    strip_directory,
    write_upload,
)
from opslens.store.records import IncidentNotFound, NoteKind

__all__ = ["router"]

log = logging.getLogger("opslens.server.api")

router = APIRouter(prefix="/api/v1")
State = Annotated[AppState, Depends(app_state)]
_MARKDOWN = "text/markdown; charset=utf-8"


class LLMChoice(StrEnum):
    none = "none"
    auto = "auto"
    ollama = "ollama"
    openai = "openai"


class DocFormat(StrEnum):
    json = "json"
    markdown = "markdown"


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=20_000)
    kind: NoteKind = NoteKind.NOTE


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    score: int = Field(ge=1, le=5, description="1 (wrong) to 5 (spot on).")
    hypothesis: str | None = Field(None, description="Its number (1 = top) or category.")
    comment: str | None = Field(None, max_length=20_000)


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: str = Field(description="Root-cause category from the taxonomy.")
    summary: str = Field(min_length=1, max_length=20_000)
    culprit: str | None = Field(None, description="KIND/NAMESPACE/NAME or KIND/NAME.")
    at: datetime | None = None


def _fail(exc: Exception) -> HTTPException:
    """The HTTP error for an exception of the store or of a checked value."""
    if isinstance(exc, IncidentNotFound):
        return HTTPException(404, f"unknown incident {exc.ref!r}")
    if isinstance(exc, OperationalError):
        log.warning("database unavailable: %s", type(exc.orig).__name__)
        return HTTPException(503, "the database is unavailable")
    return HTTPException(400, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def _since(value: str | None, field: str) -> datetime | None:
    from opslens.timeparse.options import parse_time

    try:
        seconds = parse_time(value, UTC, field)
    except OpslensError as exc:
        raise _fail(exc) from None
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


# --- triage -------------------------------------------------------------------------------


@router.post(
    "/triage", tags=["triage"],
    responses={200: {"description": "The report (JSON), for inputs triaged inline"},
               202: {"description": "Queued: large inputs (or `background`) become a job whose "
                                    "report is saved as a new incident; poll the `Location`"}},
)
def triage(
    state: State,
    files: Annotated[list[UploadFile], File(description="Files or one archive; repeatable.")],
    llm: Annotated[LLMChoice, Form()] = LLMChoice.auto,
    model: Annotated[str | None, Form()] = None,
    since: Annotated[str | None, Form(description="ISO 8601, or a duration like 2h.")] = None,
    until: Annotated[str | None, Form()] = None,
    tz: Annotated[str, Form()] = "UTC",
    runbooks: Annotated[list[str] | None, Form(description="Configured runbook dirs.")] = None,
    background: Annotated[bool, Form(description="Queue it whatever its size.")] = False,
) -> Response:
    """Triage uploaded inputs as `opslens triage` does and return the report JSON; inputs over
    `inline_max_bytes` (or with `background`) are queued instead: 202 and the job's id."""
    from opslens.pipeline import TriageOptions
    from opslens.timeparse.options import parse_time, parse_tz

    try:
        zone = parse_tz(tz)
        options = TriageOptions(
            paths=[], tz=zone, since=parse_time(since, zone, "since"),
            until=parse_time(until, zone, "until"), llm=llm.value, model=model or None,
            runbook_dirs=_runbook_dirs(runbooks or []),
        )
    except (OpslensError, ValueError) as exc:
        raise _fail(exc) from None
    size = sum(upload.size or 0 for upload in files)
    if state.settings.worker and (background or size > state.settings.inline_max_bytes):
        return _queue_upload(state, files, options)
    with tempfile.TemporaryDirectory(prefix="opslens-upload-") as tmp:
        directory = Path(tmp)
        _save_uploads(files, directory)
        options.paths = [str(directory)]
        skipped: list[str] = []
        outcome = state.triage(options, on_skip=lambda s: skipped.append(f"{s.source}: {s.reason}"))
        if outcome.report is None:
            reason = strip_directory(outcome.error or "no usable input", directory)
            raise HTTPException(422, reason.replace(str(directory), "upload"))
        body = outcome.report.model_dump_json(by_alias=True, exclude_none=False)
        return Response(strip_directory(body, directory), media_type="application/json")


def _save_uploads(files: list[UploadFile], directory: Path) -> list[Path]:
    """Write the uploads under safe names and vet archives; HTTPException when refused."""
    saved = []
    try:
        for index, upload in enumerate(files):
            path = write_upload(upload.file, directory, upload.filename, index)
            check_archive(path, ArchiveLimits())
            saved.append(path)
    except UploadRejected as exc:
        raise HTTPException(exc.status, str(exc)) from None
    return saved


def _queue_upload(state: AppState, files: list[UploadFile], options: Any) -> Response:
    """Spool the upload on this host and queue its triage: 202 with the job's id and URL."""
    import shutil

    from opslens.server.jobs import host_affinity
    from opslens.server.upload_jobs import new_spool, spool_root, upload_params
    from opslens.store.jobs import enqueue_upload

    spool = new_spool(spool_root(state.settings.spool_dir))
    try:
        saved = _save_uploads(files, spool)
        params = upload_params(spool, saved, options, state.clock())
        job_id = enqueue_upload(state.store, params, host_affinity(), state.now())
    except BaseException as exc:
        shutil.rmtree(spool, ignore_errors=True)
        if isinstance(exc, OperationalError):
            raise _fail(exc) from None
        raise
    url = f"/api/v1/jobs/{job_id}"
    return JSONResponse({"job": job_id, "status": "queued", "url": url}, status_code=202,
                        headers={"Location": url})


def _runbook_dirs(names: list[str]) -> list[str]:
    """Only runbook directories the server is configured with (`[runbooks] dirs`) may be
    named: a client must not make the service read arbitrary server paths."""
    if not names:
        return []
    from opslens.runbooks.config import load_config

    configured = {str(p.expanduser()): str(p.expanduser()) for p in load_config().dirs}
    configured |= {Path(k).name: v for k, v in list(configured.items())}
    unknown = [n for n in names if n not in configured]
    if unknown:
        raise ValueError(f"runbooks: {unknown[0]!r} is not a configured runbook directory")
    return [configured[n] for n in names]


# --- incidents ----------------------------------------------------------------------------


@router.get("/incidents", tags=["incidents"])
def list_incidents(
    state: State,
    status: str | None = None,
    since: Annotated[str | None, Query(description="ISO 8601, or 7d = 7 days ago.")] = None,
    namespace: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Incidents, latest start first."""
    from opslens.store.queries import refs_in_namespace

    start = _since(since, "since")
    try:
        rows = state.store.list_incidents(status=status, since=start)
        wanted = refs_in_namespace(state.store, namespace) if namespace else None
    except (OpslensError, ValueError, OperationalError) as exc:
        raise _fail(exc) from None
    return [r.to_dict() for r in rows if wanted is None or r.ref in wanted][:limit]


@router.get("/incidents/{ref}", tags=["incidents"], response_model=None)
def show_incident(state: State, ref: str, format: DocFormat = DocFormat.json) -> Any:  # noqa: A002
    """One incident as `opslens incidents show` prints it (JSON, or `?format=markdown`)."""
    from opslens.store.show import show_json, show_markdown

    try:
        detail = state.store.get_incident(ref)
        similar = state.store.similar(ref)
    except (OpslensError, OperationalError) as exc:
        raise _fail(exc) from None
    if format is DocFormat.markdown:
        return PlainTextResponse(show_markdown(detail, similar), media_type=_MARKDOWN)
    return show_json(detail, similar)


@router.post("/incidents/{ref}/notes", tags=["incidents"], status_code=201)
def add_note(state: State, request: Request, ref: str, note: NoteIn) -> dict[str, Any]:
    """Add a note, action item or decision (redacted before storing)."""
    if not note.text.strip():
        raise HTTPException(400, "the note is empty")
    try:
        note_id = state.store.add_note(ref, note.text, kind=note.kind, author=_author(request))
    except (OpslensError, ValueError, OperationalError) as exc:
        raise _fail(exc) from None
    return {"id": note_id, "incident": ref, "kind": note.kind.value}


@router.post("/incidents/{ref}/feedback", tags=["incidents"], status_code=201)
def add_feedback(state: State, ref: str, feedback: FeedbackIn) -> dict[str, Any]:
    """Score the latest report (optionally one hypothesis of it)."""
    try:
        if feedback.hypothesis is not None:
            _check_hypothesis(feedback.hypothesis, state.store.get_incident(ref).report)
        feedback_id = state.store.add_feedback(
            ref, feedback.score, hypothesis=feedback.hypothesis, comment=feedback.comment
        )
    except (OpslensError, ValueError, OperationalError) as exc:
        raise _fail(exc) from None
    return {"id": feedback_id, "incident": ref, "score": feedback.score}


def _check_hypothesis(key: str, report: dict[str, Any] | None) -> None:
    hypotheses = (report or {}).get("hypotheses", [])
    if key.isdigit():
        if not 1 <= int(key) <= len(hypotheses):
            raise ValueError(f"hypothesis: the report has {len(hypotheses)} hypotheses, not {key}")
    elif key not in [h.get("category") for h in hypotheses]:
        raise ValueError(f"hypothesis: {key!r} is not a hypothesis of the latest report")


@router.post("/incidents/{ref}/resolve", tags=["incidents"])
def resolve(state: State, ref: str, body: ResolveIn) -> dict[str, Any]:
    """Record the human root cause and mark the incident resolved."""
    if body.culprit is not None:
        parts = body.culprit.split("/")
        if len(parts) not in (2, 3) or not all(p.strip() for p in parts):
            raise HTTPException(400, f"culprit: {body.culprit!r} is not KIND/NAMESPACE/NAME")
    try:
        state.store.resolve(ref, body.category, body.culprit, body.summary, at=body.at)
    except (OpslensError, ValueError, OperationalError) as exc:
        raise _fail(exc) from None
    return {"incident": ref, "status": "resolved", "category": body.category}


@router.get("/incidents/{ref}/export", tags=["incidents"], response_model=None)
def export(state: State, ref: str, format: DocFormat = DocFormat.markdown) -> Any:  # noqa: A002
    """The post-incident review draft (Markdown, or JSON with the times tools import)."""
    import json

    from opslens.store.postmortem import draft, to_json, to_markdown

    try:
        pm = draft(state.store.get_incident(ref), state.store.similar(ref))
    except (OpslensError, OperationalError) as exc:
        raise _fail(exc) from None
    if format is DocFormat.json:
        return json.loads(to_json(pm))
    return PlainTextResponse(to_markdown(pm), media_type=_MARKDOWN)


def _author(request: Request) -> str:
    return f"api:{getattr(request.state, 'token_name', 'unknown')}"


# --- jobs and alerts ----------------------------------------------------------------------


@router.get("/jobs/{job_id}", tags=["jobs"])
def get_job(state: State, job_id: int) -> dict[str, Any]:
    """A background triage job: status queued|running|done|failed, attempts, last error."""
    from opslens.store.jobs import get_job as find_job

    try:
        job = find_job(state.store, job_id)
    except OperationalError as exc:
        raise _fail(exc) from None
    if job is None:
        raise HTTPException(404, f"unknown job {job_id}")
    result: dict[str, Any] = job.to_dict()
    # An upload job's params name a directory on the server's disk: show only the file names.
    params = result.pop("params", None) or {}
    if "files" in params:
        result["files"] = [entry["name"] for entry in params["files"]]
    return result


@router.get("/alerts", tags=["alerts"])
def list_alerts(
    state: State,
    status: Annotated[str | None, Query(pattern="^(firing|resolved)$")] = None,
    since: Annotated[str | None, Query(description="Received at or after T.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Received Alertmanager alerts, newest first, with the incident each joined."""
    from opslens.store.queries import list_alerts as query

    start = _since(since, "since")
    try:
        return query(state.store, status=status, since=start, limit=limit)
    except OperationalError as exc:
        raise _fail(exc) from None
