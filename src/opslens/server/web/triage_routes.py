"""New triage from the browser: upload files or one archive, follow the job, open the incident.

With the worker running (what `opslens serve` does), the upload takes the API's background
path: spooled on this host, queued as an `upload` job (`POST /api/v1/triage` with
`background=true` does the same), and the browser goes to `/jobs/{id}`, which refreshes itself
until the job is done and then redirects to the new incident. Without a worker
(`--no-worker`) nobody would run the job, so the triage runs inline and the browser goes
straight to the incident. The page's script adds drag and drop and an upload progress bar;
the plain form works without it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from opslens.pipeline import TriageOptions
from opslens.server.state import AppState
from opslens.server.uploads import ArchiveLimits, UploadRejected, check_archive, write_upload
from opslens.server.web.deps import CheckedForm, CurrentSession, PageError, State
from opslens.server.web.render import incident_url, page

__all__ = ["router"]

router = APIRouter()
JOB_REFRESH_SECONDS = 1


@router.get("/triage")
def triage_form(request: Request, state: State, session: CurrentSession) -> Response:
    return page(request, "triage.html", session, llm=state.settings.llm,
                background=state.settings.worker)


def _uploads(form: FormData) -> list[UploadFile]:
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not files:
        raise PageError(400, "Choose at least one file or archive to triage.")
    return files


def _save(files: list[UploadFile], directory: Path) -> list[Path]:
    try:
        saved = [write_upload(f.file, directory, f.filename, i) for i, f in enumerate(files)]
        for path in saved:
            check_archive(path, ArchiveLimits())
    except UploadRejected as exc:
        raise PageError(exc.status, str(exc)) from None
    return saved


@router.post("/triage")
def start_triage(request: Request, state: State, session: CurrentSession,
                 form: CheckedForm) -> Response:
    """Queue (or, without a worker, run) the triage of the uploaded files."""
    files = _uploads(form)
    llm = state.settings.llm if form.get("narrative") == "model" else "none"
    options = TriageOptions(paths=[], llm=llm, model=state.settings.model)
    if state.settings.worker:
        return RedirectResponse(f"/jobs/{_queue(state, files, options)}", status_code=303)
    return RedirectResponse(incident_url(_run_inline(state, files, options)), status_code=303)


def _queue(state: AppState, files: list[UploadFile], options: TriageOptions) -> int:
    from opslens.server.jobs import host_affinity
    from opslens.server.upload_jobs import new_spool, spool_root, upload_params
    from opslens.store.jobs import enqueue_upload

    spool = new_spool(spool_root(state.settings.spool_dir))
    try:
        params = upload_params(spool, _save(files, spool), options, state.clock())
        return enqueue_upload(state.store, params, host_affinity(), state.now())
    except BaseException:
        shutil.rmtree(spool, ignore_errors=True)
        raise


def _run_inline(state: AppState, files: list[UploadFile], options: TriageOptions) -> str:
    """Triage now and save the report as a new incident; its ref."""
    from opslens.report.models import Report
    from opslens.server.upload_jobs import file_entries
    from opslens.store import InputFile, InputManifest

    with tempfile.TemporaryDirectory(prefix="opslens-web-") as tmp:
        directory = Path(tmp)
        saved = _save(files, directory)
        options.paths = [str(directory)]
        outcome = state.triage(options)
        prefix = str(directory) + "/"
        if outcome.report is None:
            raise PageError(422, (outcome.error or "no usable input").replace(prefix, ""))
        # Cite files by their uploaded names, as the upload job does.
        report = Report.model_validate_json(
            outcome.report.model_dump_json(by_alias=True).replace(prefix, ""))
        entries = file_entries(saved)
    manifest = InputManifest(files=[InputFile(**e) for e in entries],
                             stats=report.stats.model_dump(mode="json"))
    return str(state.store.save_report(report, manifest).ref)


@router.get("/jobs/{job_id}")
def job(request: Request, state: State, session: CurrentSession, job_id: int) -> Response:
    """A triage job: refreshes itself while queued or running; done -> its incident."""
    from opslens.store.jobs import JobStatus, get_job

    found = get_job(state.store, job_id)
    if found is None:
        raise PageError(404, f"There is no job {job_id}.")
    if found.status is JobStatus.DONE and found.incident_ref:
        return RedirectResponse(incident_url(found.incident_ref), status_code=303)
    files = [entry["name"] for entry in (found.params or {}).get("files", [])]
    running = found.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    elapsed = (state.now() - found.created_at).total_seconds()
    return page(request, "job.html", session, job=found, files=files, running=running,
                elapsed=elapsed, refresh=JOB_REFRESH_SECONDS if running else None)
