"""Linking received alerts to incidents: the store side of `opslens serve`'s correlation.

The rules themselves live in `opslens.server.correlate`; this module gives them one write
transaction (`linking(store)`) with the reads and writes they need. Correlations are
serialized: SQLite's `BEGIN IMMEDIATE` already allows one writer, and on PostgreSQL a
transaction-level advisory lock keeps two replicas from opening two incidents for one storm.
(S1's webhook stores the alerts themselves; dedupe helpers may live in `store/alerts.py`.)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, or_, select, text, update
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

    def unlinked(self, since: datetime, after_id: int = 0) -> list[int]:
        """Ids (above `after_id`) of alerts received since `since` that no incident holds
        (resolved ones too: a resolved alert whose correlation was lost would keep its
        incident open)."""
        return list(self.session.scalars(
            select(AlertReceived.id).where(AlertReceived.incident_id.is_(None))
            .where(AlertReceived.received_at >= since).where(AlertReceived.id > after_id)
            .order_by(AlertReceived.id)
        ))

    def open_incidents(self, only: Collection[int] | None = None) -> list[OpenIncident]:
        """Every open incident (or those of them with ids in `only`) with its linked alerts
        (incidents without alerts included)."""
        query = select(Incident.id, Incident.ref).where(
            Incident.status == IncidentStatus.OPEN.value)
        if only is not None:
            query = query.where(Incident.id.in_(sorted(only)))
        incidents = self.session.execute(query.order_by(Incident.id)).all()
        by_id: dict[int, list[LinkedAlert]] = {row.id: [] for row in incidents}
        if by_id:
            for row in self.session.scalars(
                select(AlertReceived).where(AlertReceived.incident_id.in_(list(by_id)))
                .order_by(AlertReceived.id)
            ):
                by_id[row.incident_id].append(_linked(row))  # type: ignore[index]
        return [OpenIncident(row.id, row.ref, by_id[row.id]) for row in incidents]

    def open_refs(self) -> dict[int, str]:
        """The ref of every open incident by id, oldest first."""
        return dict(self.session.execute(
            select(Incident.id, Incident.ref).where(Incident.status == IncidentStatus.OPEN.value)
            .order_by(Incident.id)
        ).tuples().all())

    def representatives(
        self, *, fingerprints: Collection[str] = (), group_key: str | None = None,
        seen_since: datetime | None = None, labels: Iterable[str] = (),
    ) -> list[LinkedAlert]:
        """The alerts of open incidents that stand for all the others under one correlation
        rule (give one of the first three): the newest alert per incident and fingerprint
        among `fingerprints`, or per incident holding `group_key`, or seen (started or
        received) since `seen_since`, per incident and values of the scope `labels`. Reading
        these few rows instead of every alert of every open incident keeps a delivery's
        correlation from growing with the size of the incidents. Fingerprints are an index
        lookup; the other two read through the open incidents' alerts inside the database (no
        index on group_key), and correlation asks for them only when an alert's fingerprint
        found nothing."""
        alert = AlertReceived
        if fingerprints:
            return self.alerts(self._newest_holding(fingerprints))
        keys: list[Any] = [alert.incident_id]
        query = select(func.max(alert.id)).join(Incident, Incident.id == alert.incident_id)
        query = query.where(Incident.status == IncidentStatus.OPEN.value)
        if group_key is not None:
            query = query.where(alert.group_key == group_key)
        elif seen_since is not None:
            query = query.where(or_(alert.received_at >= seen_since,
                                    alert.starts_at >= seen_since))
            keys += [alert.payload_json[("labels", name)].as_string() for name in labels]
        else:
            return []
        return self.alerts(self.session.scalars(query.group_by(*keys)).all())

    def _newest_holding(self, fingerprints: Collection[str]) -> list[int]:
        """Ids of the newest alert per open incident and fingerprint. Through the fingerprint
        index alone, the open incidents filtered here: joined with them in SQL, SQLite chose
        to walk every alert of every open incident (the incident_id index) instead."""
        # The newest per incident and fingerprint is picked in SQL: a fingerprint recurs with
        # every re-delivery and resolution, and a storm's rows sent to Python one by one were
        # most of a correlation's time (while it holds the write lock the webhook waits for).
        rows = self.session.execute(
            select(func.max(AlertReceived.id), AlertReceived.incident_id)
            .where(AlertReceived.fingerprint.in_(sorted(set(fingerprints))))
            .where(AlertReceived.incident_id.is_not(None))
            .group_by(AlertReceived.incident_id, AlertReceived.fingerprint)
        ).tuples().all()
        open_ids = set(self.open_refs())
        return [newest for newest, incident_id in rows if incident_id in open_ids]

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
        self.link_all({incident_id: (alert_ids, set(namespaces), set(services))}, now)

    def link_all(self, links: dict[int, tuple[list[int], set[str], set[str]]],
                 now: datetime) -> None:
        """`link` for several incidents at once: {incident id: (alert ids, namespaces,
        services)}. A few Core statements whatever the number of incidents: correlation links
        every batch of webhook deliveries, and loading and flushing each incident's ORM row
        was most of its cost."""
        if not links:
            return
        owner = {alert_id: incident_id for incident_id, (ids, _, _) in links.items()
                 for alert_id in ids}
        if owner:
            self.session.execute(
                update(AlertReceived).where(AlertReceived.id.in_(list(owner)))
                .values(incident_id=case(owner, value=AlertReceived.id))
                .execution_options(synchronize_session=False)
            )
        for row in self.session.execute(
            select(Incident.id, Incident.namespaces, Incident.services)
            .where(Incident.id.in_(list(links)))
        ):
            _, namespaces, services = links[row.id]
            grown = (sorted(set(row.namespaces) | namespaces),
                     sorted(set(row.services) | services))
            if grown != (row.namespaces, row.services):
                self.session.execute(
                    update(Incident).where(Incident.id == row.id)
                    .values(namespaces=grown[0], services=grown[1])
                    .execution_options(synchronize_session=False)
                )
        self.session.execute(
            update(Incident).where(Incident.id.in_(list(links))).values(updated_at=now)
            .execution_options(synchronize_session=False)
        )

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
def reading(store: Store) -> Iterator[Linking]:
    """A read transaction over the same queries: what to look at before taking the write
    lock (SQLite has one for the whole database, and the webhook waits for it)."""
    with store._read() as session:
        yield Linking(session)


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
