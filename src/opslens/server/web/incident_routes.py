"""One incident: its page, and the forms that add to it (note, feedback, status, resolve)
and its post-incident export.

Every POST is checked for its CSRF token (`CheckedForm`) and answered with a redirect back to
the page (post/redirect/get), or the page again with the error when a value is refused.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from sqlalchemy.exc import OperationalError
from starlette.datastructures import FormData

from opslens.errors import OpslensError
from opslens.server.state import AppState
from opslens.server.web.charts import sparkline_svg, timeline_svg
from opslens.server.web.deps import CheckedForm, CurrentSession, PageError, State
from opslens.server.web.render import incident_url, page
from opslens.server.web.session import Session
from opslens.server.web.views import (
    alert_views,
    check_views,
    general_feedback,
    hypothesis_views,
)
from opslens.store.records import IncidentDetail, IncidentNotFound, IncidentStatus, NoteKind
from opslens.taxonomy import Category

__all__ = ["router"]

router = APIRouter()
# Messages after a successful form, chosen by a fixed key (never text from the request).
DONE = {
    "note": "Note added.", "feedback": "Thanks: feedback recorded.",
    "status": "Status changed.", "resolved": "Resolved, with the root cause recorded.",
}


def _load(state: AppState, ref: str) -> IncidentDetail:
    try:
        return state.store.get_incident(ref)
    except IncidentNotFound:
        raise PageError(404, f"There is no incident {ref!r}.") from None
    except OperationalError:
        raise PageError(503, "The database is unavailable.") from None


def _incident_page(
    request: Request, state: AppState, session: Session, ref: str, *, error: str | None = None,
    status_code: int = 200, done: str = "",
) -> Response:
    from opslens.store.alert_links import incident_alerts
    from opslens.store.show import stored_report

    detail = _load(state, ref)
    report = stored_report(detail)
    context: dict[str, Any] = {
        "detail": detail, "report": report, "similar": state.store.similar(detail.ref),
        "alerts": alert_views(incident_alerts(state.store, detail.ref)),
        "general_feedback": general_feedback(detail), "error": error,
        "done": DONE.get(done), "categories": [c.value for c in Category],
        "note_kinds": [k.value for k in NoteKind],
    }
    if report is not None:
        context |= {
            "hypotheses": hypothesis_views(report, detail.feedback),
            "checks": check_views(report.commands),
            "approval": check_views(report.needs_approval),
            "timeline": timeline_svg(report),
            "sparks": [(a, sparkline_svg(a, report)) for a in report.anomalies],
        }
    return page(request, "incident.html", session, status_code=status_code, **context)


@router.get("/incidents/{ref}")
def incident(request: Request, state: State, session: CurrentSession, ref: str,
             done: str = "") -> Response:
    """The incident page."""
    return _incident_page(request, state, session, ref, done=done)


def _back(ref: str, done: str, anchor: str) -> Response:
    return RedirectResponse(incident_url(ref, f"?done={done}#{anchor}"), status_code=303)


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _refused(
    request: Request, state: AppState, session: Session, ref: str, exc: Exception,
) -> Response:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return _incident_page(request, state, session, ref, error=message, status_code=400)


@router.post("/incidents/{ref}/notes")
def add_note(request: Request, state: State, session: CurrentSession, form: CheckedForm,
             ref: str) -> Response:
    """Add a note, action item or decision, by the logged-in token's name."""
    detail = _load(state, ref)
    text = _field(form, "text")
    try:
        if not text:
            raise ValueError("The note is empty.")
        state.store.add_note(detail.ref, text, kind=_field(form, "kind") or "note",
                             author=f"web:{session.token_name}")
    except (OpslensError, ValueError) as exc:
        return _refused(request, state, session, detail.ref, exc)
    return _back(detail.ref, "note", "notes")


@router.post("/incidents/{ref}/feedback")
def add_feedback(request: Request, state: State, session: CurrentSession, form: CheckedForm,
                 ref: str) -> Response:
    """Thumbs up (5) or down (1), with an optional comment, on one hypothesis or the report."""
    detail = _load(state, ref)
    hypothesis = _field(form, "hypothesis") or None
    try:
        score = int(_field(form, "score"))
        if score not in range(1, 6):
            raise ValueError("score: 1 (wrong) to 5 (spot on)")
        count = len((detail.report or {}).get("hypotheses") or [])
        if hypothesis is not None and not (hypothesis.isdigit() and 1 <= int(hypothesis) <= count):
            raise ValueError(f"hypothesis: the report has {count} hypotheses")
        state.store.add_feedback(detail.ref, score, hypothesis=hypothesis,
                                 comment=_field(form, "comment") or None)
    except (OpslensError, ValueError) as exc:
        return _refused(request, state, session, detail.ref, exc)
    anchor = f"h{hypothesis}" if hypothesis else "feedback"
    return _back(detail.ref, "feedback", anchor)


@router.post("/incidents/{ref}/status")
def set_status(request: Request, state: State, session: CurrentSession, form: CheckedForm,
               ref: str) -> Response:
    """Mitigate, reopen or close (resolving has its own form: it needs the root cause)."""
    detail = _load(state, ref)
    wanted = _field(form, "status")
    try:
        if wanted == IncidentStatus.RESOLVED.value:
            raise ValueError("Resolve with the root-cause form.")
        state.store.set_status(detail.ref, wanted, by=f"web:{session.token_name}")
    except (OpslensError, ValueError) as exc:
        return _refused(request, state, session, detail.ref, exc)
    return _back(detail.ref, "status", "status")


@router.post("/incidents/{ref}/resolve")
def resolve(request: Request, state: State, session: CurrentSession, form: CheckedForm,
            ref: str) -> Response:
    """Record the human root cause (taxonomy category, summary, culprit) and resolve."""
    detail = _load(state, ref)
    culprit = _field(form, "culprit") or None
    try:
        summary = _field(form, "summary")
        if not summary:
            raise ValueError("summary: say what the root cause was.")
        if culprit is not None:
            parts = culprit.split("/")
            if len(parts) not in (2, 3) or not all(p.strip() for p in parts):
                raise ValueError(f"culprit: {culprit!r} is not KIND/NAMESPACE/NAME")
        state.store.resolve(detail.ref, _field(form, "category"), culprit, summary,
                            at=_utc(_field(form, "at")))
    except (OpslensError, ValueError) as exc:
        return _refused(request, state, session, detail.ref, exc)
    return _back(detail.ref, "resolved", "status")


def _utc(value: str) -> datetime | None:
    """A `datetime-local` field's value, read as UTC (the page shows every time in UTC)."""
    if not value:
        return None
    at = datetime.fromisoformat(value)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


@router.get("/incidents/{ref}/export.md")
def export(state: State, session: CurrentSession, ref: str) -> Response:
    """The post-incident review draft as a Markdown download."""
    from opslens.store.postmortem import draft, to_markdown

    detail = _load(state, ref)
    text = to_markdown(draft(detail, state.store.similar(detail.ref)))
    name = f"{detail.ref}-postmortem.md".replace('"', "")
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})
