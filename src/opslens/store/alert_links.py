"""Linking received alerts to incidents: the store side of `opslens serve`'s correlation.

The rules themselves live in `opslens.server.correlate`; this module gives them one write
transaction (`linking(store)`) with the reads and writes they need. Correlations are
serialized: SQLite's `BEGIN IMMEDIATE` already allows one writer, and on PostgreSQL a
transaction-level advisory lock keeps two replicas from opening two incidents for one storm.
(S1's webhook stores the alerts themselves; dedupe helpers may live in `store/alerts.py`.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from opslens.store import jobs, writes
from opslens.store.lookup import find_incident
from opslens.store.models import AlertReceived, Incident, StatusChangeRow
from opslens.store.records import IncidentStatus

if TYPE_CHECKING:
    from opslens.store.repository import Store

__all__ = ["LinkedAlert", "Linking", "OpenIncident", "incident_alerts", "linking"]

# pg_advisory_xact_lock key for correlation: "opslcor" in ASCII.
_PG_CORRELATION_LOCK = 0x6F70736C636F72
_SERVER_AUTHOR = "opslens-serve"


@dataclass(frozen=True)
class LinkedAlert:
    """One received alert as correlation sees it (labels from its redacted payload)."""

    id: int
    fingerprint: str
    status: str
    labels: dict[str, str]
    starts_at: datetime | None
    ends_at: datetime | None
    received_at: datetime
    group_key: str | None
    incident_id: int | None
    payload: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class OpenIncident:
    """An open incident and the alerts linked to it."""

    id: int
    ref: str
    alerts: list[LinkedAlert]


def _linked(row: AlertReceived) -> LinkedAlert:
    payload = row.payload_json if isinstance(row.payload_json, dict) else {}
    labels = payload.get("labels")
    return LinkedAlert(
        id=row.id, fingerprint=row.fingerprint, status=row.status,
        labels={str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {},
        starts_at=row.starts_at, ends_at=row.ends_at, received_at=row.received_at,
        group_key=row.group_key, incident_id=row.incident_id, payload=payload,
    )


class Linking:
    """The reads and writes of one correlation transaction (see `linking`)."""

    def __init__(self, session: Session, author: str | None = None) -> None:
        self.session = session
        self.author = author or _SERVER_AUTHOR

    def alerts(self, ids: Iterable[int]) -> list[LinkedAlert]:
        """The alerts with these ids, oldest first."""
        wanted = sorted(set(ids))
        rows = self.session.scalars(
            select(AlertReceived).where(AlertReceived.id.in_(wanted)).order_by(AlertReceived.id)
        ).all() if wanted else []
        return [_linked(row) for row in rows]

    def unlinked(self, since: datetime) -> list[int]:
        """Ids of firing alerts received since `since` that no incident holds."""
        return list(self.session.scalars(
            select(AlertReceived.id).where(AlertReceived.incident_id.is_(None))
            .where(AlertReceived.received_at >= since).where(AlertReceived.status == "firing")
            .order_by(AlertReceived.id)
        ))

    def open_incidents(self) -> list[OpenIncident]:
        """Every open incident with its linked alerts (incidents without alerts included)."""
        incidents = self.session.execute(
            select(Incident.id, Incident.ref).where(Incident.status == IncidentStatus.OPEN.value)
            .order_by(Incident.id)
        ).all()
        by_id: dict[int, list[LinkedAlert]] = {row.id: [] for row in incidents}
        if by_id:
            for row in self.session.scalars(
                select(AlertReceived).where(AlertReceived.incident_id.in_(list(by_id)))
                .order_by(AlertReceived.id)
            ):
                by_id[row.incident_id].append(_linked(row))  # type: ignore[index]
        return [OpenIncident(row.id, row.ref, by_id[row.id]) for row in incidents]

    def open_incident(
        self, title: str, now: datetime, *, started_at: datetime | None,
        namespaces: list[str], services: list[str],
    ) -> tuple[int, str]:
        """A new open incident (no report yet); returns (id, ref)."""
        incident = Incident(
            ref=writes._allocate_ref(self.session), title=title,
            status=IncidentStatus.OPEN.value, severity=None, started_at=started_at,
            detected_at=now, namespaces=sorted(set(namespaces)), services=sorted(set(services)),
            entities=[], signature={}, created_at=now, updated_at=now,
        )
        self.session.add(incident)
        self.session.flush()
        self.session.add(StatusChangeRow(
            incident_id=incident.id, from_status=None, to_status=IncidentStatus.OPEN.value,
            at=now, by=self.author,
        ))
        return incident.id, incident.ref

    def link(self, alert_ids: list[int], incident_id: int, now: datetime,
             namespaces: Iterable[str] = (), services: Iterable[str] = ()) -> None:
        """Point the alerts at the incident; its names grow by `namespaces`/`services`."""
        if alert_ids:
            self.session.execute(
                update(AlertReceived).where(AlertReceived.id.in_(alert_ids))
                .values(incident_id=incident_id).execution_options(synchronize_session=False)
            )
        incident = self.session.get(Incident, incident_id)
        assert incident is not None
        incident.namespaces = sorted(set(incident.namespaces) | set(namespaces))
        incident.services = sorted(set(incident.services) | set(services))
        incident.updated_at = now

    def enqueue(self, incident_id: int, now: datetime) -> int:
        """Queue a triage of the incident (an already queued one is reused)."""
        return jobs.enqueue_in(self.session, incident_id, now)

    def mitigate(self, ref: str, at: datetime) -> bool:
        """Set an open incident to mitigated at `at`; False when it is no longer open."""
        incident = find_incident(self.session, ref, lock=True)
        if incident.status != IncidentStatus.OPEN.value:
            return False
        return writes.set_status(self.session, incident, IncidentStatus.MITIGATED, at, self.author)


@contextmanager
def linking(store: Store) -> Iterator[Linking]:
    """One serialized write transaction for correlating alerts."""
    with store._write() as session:
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_CORRELATION_LOCK})
        yield Linking(session)


def incident_alerts(store: Store, ref: str) -> list[LinkedAlert]:
    """The alerts linked to incident `ref`, oldest first (IncidentNotFound if unknown)."""
    with store._read() as session:
        incident = find_incident(session, ref)
        rows = session.scalars(
            select(AlertReceived).where(AlertReceived.incident_id == incident.id)
            .order_by(AlertReceived.id)
        ).all()
        return [_linked(row) for row in rows]
