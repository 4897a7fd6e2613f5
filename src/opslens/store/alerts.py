"""Received alerts: storing one Alertmanager delivery with deduplication.

Ownership (issue 13 WIP): this module's delivery storage (`store_delivery`, `dedupe_key`) is
S1's (the webhook). Correlation-side alert helpers (linking alerts to incidents, reading them
for a job) belong to S2 and live in separate functions (or `store/jobs.py`); do not fold the
two together.

A delivery is stored in ONE transaction: each alert item verbatim (redacted) with the
delivery's group fields under `_group`, so the raw payload is in the database before the
webhook answers. A repeated alert (same groupKey, fingerprint, startsAt and status) hits the
UNIQUE `dedupe_key` and is counted as a duplicate (`INSERT ... ON CONFLICT DO NOTHING`, so
two replicas receiving one delivery store it once).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.dialects import postgresql, sqlite

from opslens.store import writes
from opslens.store.derive import redact_json
from opslens.store.models import AlertReceived, utcnow

if TYPE_CHECKING:
    from opslens.store.repository import Store

__all__ = ["DeliveredAlert", "DeliveryResult", "dedupe_key", "store_delivery"]


@dataclass(frozen=True)
class DeliveredAlert:
    """One alert item of a delivery, parsed by the caller; `payload` is the item as received."""

    fingerprint: str
    status: str
    starts_at: datetime | None
    ends_at: datetime | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class DeliveryResult:
    """Ids of the alert rows stored now, and how many items were already stored."""

    new_ids: list[int] = field(default_factory=list)
    duplicates: int = 0


def dedupe_key(group_key: str, alert: DeliveredAlert) -> str:
    """sha256 hex of groupKey, fingerprint, startsAt (ISO 8601) and status."""
    starts = alert.starts_at.isoformat() if alert.starts_at else ""
    text = "\0".join((group_key, alert.fingerprint, starts, alert.status))
    return hashlib.sha256(text.encode()).hexdigest()


def store_delivery(
    store: Store,
    group_key: str,
    group: dict[str, Any],
    alerts: list[DeliveredAlert],
    received_at: datetime | None = None,
) -> DeliveryResult:
    """Store every alert of one delivery in one transaction; duplicates are skipped."""
    redactor = writes.redactor()
    _, clean_group = redact_json(group, redactor)
    when = received_at or utcnow()
    rows = []
    for alert in alerts:
        _, clean = redact_json(alert.payload, redactor)
        rows.append({
            "fingerprint": alert.fingerprint[:128], "status": alert.status[:32],
            "starts_at": alert.starts_at, "ends_at": alert.ends_at,
            "payload_json": {**clean, "_group": clean_group}, "received_at": when,
            "group_key": group_key, "dedupe_key": dedupe_key(group_key, alert),
        })
    new_ids: list[int] = []
    with store._write() as session:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        for row in rows:
            statement = (
                insert(AlertReceived).values(**row)
                .on_conflict_do_nothing(index_elements=["dedupe_key"])
                .returning(AlertReceived.id)
            )
            stored = session.execute(statement).scalar_one_or_none()
            if stored is not None:
                new_ids.append(int(stored))
    return DeliveryResult(new_ids=new_ids, duplicates=len(rows) - len(new_ids))
