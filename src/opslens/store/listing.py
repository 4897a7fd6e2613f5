"""Reads the web UI's pages need that `Store` has no method for: the incidents list with
its extra columns, the namespaces to filter by, and recorded model calls.

Read-only, through the store's own sessions and models (as `store.queries` does for the API),
so the server keeps no SQL of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select

from opslens.store.models import AlertReceived, Incident, LLMCall
from opslens.store.records import IncidentStatus, parse_enum

if TYPE_CHECKING:
    from opslens.store import Store

__all__ = ["CallRow", "IncidentRow", "ModelUse", "incident_rows", "model_use", "namespaces",
           "recent_calls"]


@dataclass(frozen=True)
class IncidentRow:
    """One row of the incidents list."""

    ref: str
    title: str
    status: str
    severity: str | None
    started_at: datetime | None
    ended_at: datetime | None  # resolved, else mitigated: when the trouble stopped
    top_category: str | None
    top_confidence: float | None
    alerts: int
    namespaces: list[str]


def incident_rows(
    store: Store, *, status: str | None = None, namespace: str | None = None, limit: int = 200
) -> list[IncidentRow]:
    """Incidents, latest start first, with their top hypothesis (from the stored signature)
    and alert count (alerts received for it, else the firing alert names of its report)."""
    started = func.coalesce(Incident.started_at, Incident.created_at)
    counts = (select(AlertReceived.incident_id, func.count(func.distinct(AlertReceived.fingerprint))
                     .label("n")).group_by(AlertReceived.incident_id).subquery())
    query = (select(Incident, counts.c.n).outerjoin(counts, counts.c.incident_id == Incident.id)
             .order_by(started.desc(), Incident.id.desc()))
    if status:
        query = query.where(Incident.status == parse_enum(IncidentStatus, status, "status").value)
    if not namespace:  # the namespace filter reads a JSON list: applied below, after the read
        query = query.limit(limit)
    with store._read() as session:
        rows = session.execute(query).all()
    found = [_row(incident, received or 0) for incident, received in rows]
    if namespace:
        found = [row for row in found if namespace in row.namespaces]
    return found[:limit]


def _row(incident: Incident, received: int) -> IncidentRow:
    signature: dict[str, Any] = incident.signature or {}
    top = (signature.get("categories") or [{}])[0]
    return IncidentRow(
        ref=incident.ref, title=incident.title, status=incident.status,
        severity=incident.severity, started_at=incident.started_at,
        ended_at=incident.resolved_at or incident.mitigated_at,
        top_category=incident.human_category or top.get("category"),
        top_confidence=None if incident.human_category else top.get("confidence"),
        alerts=received or len(signature.get("alerts") or []),
        namespaces=list(incident.namespaces or []),
    )


def namespaces(store: Store) -> list[str]:
    """Every namespace any incident touches, sorted."""
    with store._read() as session:
        lists = session.scalars(select(Incident.namespaces)).all()
    return sorted({ns for names in lists for ns in names or []})


@dataclass(frozen=True)
class CallRow:
    """One recorded model call."""

    created_at: datetime
    provider: str
    model: str
    outcome: str
    prompt: str | None
    tokens_in: int | None
    tokens_out: int | None
    latency_ms: float | None
    cost: float | None
    incident_ref: str | None


@dataclass(frozen=True)
class ModelUse:
    """Totals of one provider's model over the recorded calls."""

    provider: str
    model: str
    calls: int
    errors: int
    tokens_in: int
    tokens_out: int
    seconds: float
    cost: float

    @property
    def tokens_per_s(self) -> float | None:
        """Output tokens over wall time: what a user waited for, load and prompt included."""
        return self.tokens_out / self.seconds if self.seconds > 0 and self.tokens_out else None


def recent_calls(store: Store, limit: int = 25) -> list[CallRow]:
    """The latest model calls, newest first."""
    query = (select(LLMCall, Incident.ref).outerjoin(Incident, Incident.id == LLMCall.incident_id)
             .order_by(LLMCall.created_at.desc(), LLMCall.id.desc()).limit(limit))
    with store._read() as session:
        rows = session.execute(query).all()
    return [
        CallRow(c.created_at, c.provider, c.model, c.outcome,
                f"{c.prompt_name} {c.prompt_version}" if c.prompt_name else None,
                c.tokens_in, c.tokens_out, c.latency_ms, c.cost, ref)
        for c, ref in rows
    ]


def model_use(store: Store) -> list[ModelUse]:
    """Per provider and model: calls, errors, tokens, time and cost, most used first."""
    query = (
        select(LLMCall.provider, LLMCall.model, func.count(),
               func.sum(case((LLMCall.outcome == "ok", 0), else_=1)),
               func.coalesce(func.sum(LLMCall.tokens_in), 0),
               func.coalesce(func.sum(LLMCall.tokens_out), 0),
               func.coalesce(func.sum(LLMCall.latency_ms), 0.0),
               func.coalesce(func.sum(LLMCall.cost), 0.0))
        .group_by(LLMCall.provider, LLMCall.model).order_by(func.count().desc())
    )
    with store._read() as session:
        rows = session.execute(query).all()
    return [ModelUse(p, m, n, int(e or 0), int(ti), int(to), float(ms) / 1000, float(cost))
            for p, m, n, e, ti, to, ms, cost in rows]
