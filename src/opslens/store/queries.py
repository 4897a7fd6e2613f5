"""Read-only queries the HTTP API needs beyond `Store`'s own reads: received alerts,
incidents by namespace, and incidents by status (for metrics). They take the `Store` and return plain JSON-ready data."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from opslens.store.models import AlertReceived, Incident
from opslens.store.records import IncidentStatus, jsonable

if TYPE_CHECKING:
    from opslens.store.repository import Store

__all__ = ["incident_counts", "list_alerts", "refs_in_namespace"]


def list_alerts(
    store: Store,
    *,
    status: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Received alerts, newest first: status firing|resolved, `since` on received_at. Each
    carries its labels, annotations and the incident it was correlated into (or None)."""
    query = (
        select(AlertReceived, Incident.ref)
        .outerjoin(Incident, AlertReceived.incident_id == Incident.id)
        .order_by(AlertReceived.received_at.desc(), AlertReceived.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(AlertReceived.status == status)
    if since is not None:
        query = query.where(AlertReceived.received_at >= since)
    with store._read() as session:
        rows = session.execute(query).all()
    return [_alert(row, ref) for row, ref in rows]


def _alert(row: AlertReceived, ref: str | None) -> dict[str, Any]:
    payload = row.payload_json or {}
    return jsonable({
        "id": row.id,
        "fingerprint": row.fingerprint,
        "status": row.status,
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "received_at": row.received_at,
        "labels": payload.get("labels", {}),
        "annotations": payload.get("annotations", {}),
        "incident": ref,
    })


def refs_in_namespace(store: Store, namespace: str) -> set[str]:
    """References of the incidents whose namespaces include `namespace`."""
    with store._read() as session:
        rows = session.execute(select(Incident.ref, Incident.namespaces)).all()
    return {ref for ref, namespaces in rows if namespace in (namespaces or [])}


def incident_counts(store: Store) -> dict[str, int]:
    """Number of incidents per status (every status present, zero included), for metrics."""
    counts = {status.value: 0 for status in IncidentStatus}
    with store._read() as session:
        query = select(Incident.status, func.count()).group_by(Incident.status)
        for status, number in session.execute(query):
            counts[str(status)] = number
    return counts
