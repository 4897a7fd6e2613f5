"""The incidents list: status, severity, start, duration, top hypothesis, alerts; filtered by
status and namespace, refreshed by the page itself every `REFRESH_SECONDS` (meta refresh: no
script needed)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from opslens.server.web.deps import CurrentSession, PageError, State
from opslens.server.web.render import page
from opslens.store.listing import incident_rows, namespaces
from opslens.store.records import IncidentStatus

__all__ = ["REFRESH_SECONDS", "router"]

router = APIRouter()
REFRESH_SECONDS = 30


@router.get("/")
def home(session: CurrentSession) -> Response:
    return RedirectResponse("/incidents", status_code=303)


@router.get("/incidents")
def incidents(
    request: Request, state: State, session: CurrentSession, status: str = "",
    namespace: str = "",
) -> Response:
    """Incidents, latest first; `status` and `namespace` filter (empty: all)."""
    if status and status not in {s.value for s in IncidentStatus}:
        raise PageError(400, f"Unknown status {status!r}.")
    rows = incident_rows(state.store, status=status or None, namespace=namespace or None)
    now = state.now()
    durations = {
        row.ref: ((row.ended_at or now) - row.started_at).total_seconds()
        for row in rows if row.started_at
    }
    return page(
        request, "incidents.html", session, rows=rows, durations=durations,
        statuses=[s.value for s in IncidentStatus], namespaces=namespaces(state.store),
        status=status, namespace=namespace, refresh=REFRESH_SECONDS,
    )
