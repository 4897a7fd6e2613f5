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

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.exc import OperationalError

from opslens.store import writes
from opslens.store.derive import redact_json
from opslens.store.models import AlertReceived, utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from opslens.guard.redact import Redactor
    from opslens.store.repository import Store

__all__ = [
    "DeliveredAlert", "Delivery", "DeliveryResult", "PreparedDeliveries", "WriteLocked",
    "dedupe_key", "prepare_deliveries", "store_deliveries", "store_delivery",
    "write_deliveries",
]


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


@dataclass(frozen=True)
class Delivery:
    """One webhook delivery to store: its groupKey, its group fields and its alerts."""

    group_key: str
    group: dict[str, Any]
    alerts: list[DeliveredAlert]


def store_delivery(
    store: Store,
    group_key: str,
    group: dict[str, Any],
    alerts: list[DeliveredAlert],
    received_at: datetime | None = None,
) -> DeliveryResult:
    """Store every alert of one delivery in one transaction; duplicates are skipped."""
    return store_deliveries(store, [Delivery(group_key, group, alerts)], received_at)[0]


class WriteLocked(Exception):
    """`store_deliveries(..., nowait=True)`: another process holds SQLite's write lock now;
    nothing was written, try again."""


def store_deliveries(
    store: Store, deliveries: list[Delivery], received_at: datetime | None = None,
    *, nowait: bool = False,
) -> list[DeliveryResult]:
    """Store several deliveries in ONE transaction (one result each, in order): the webhook
    commits the deliveries that arrived together at once, and answers each after the commit.
    An alert repeated within the batch is a duplicate like any other. `nowait`: WriteLocked
    at once instead of waiting for another process's write lock (SQLite)."""
    return write_deliveries(store, prepare_deliveries(deliveries, received_at), nowait=nowait)


@dataclass(frozen=True)
class PreparedDeliveries:
    """Deliveries turned into redacted rows, one list per delivery: what `write_deliveries`
    inserts (prepared once, written again as often as a locked database asks)."""

    rows: list[list[dict[str, Any]]]


def prepare_deliveries(
    deliveries: list[Delivery], received_at: datetime | None = None
) -> PreparedDeliveries:
    """The rows of `deliveries`: each alert item redacted, with its delivery's group fields."""
    redactor = _redactor()
    when = received_at or utcnow()
    batches = []
    for delivery in deliveries:
        _, clean_group = redact_json(delivery.group, redactor)
        rows = []
        for alert in delivery.alerts:
            _, clean = redact_json(alert.payload, redactor)
            rows.append({
                "fingerprint": alert.fingerprint[:128], "status": alert.status[:32],
                "starts_at": alert.starts_at, "ends_at": alert.ends_at,
                "payload_json": {**clean, "_group": clean_group}, "received_at": when,
                "group_key": delivery.group_key,
                "dedupe_key": dedupe_key(delivery.group_key, alert),
            })
        batches.append(rows)
    return PreparedDeliveries(batches)


def write_deliveries(
    store: Store, prepared: PreparedDeliveries, *, nowait: bool = False
) -> list[DeliveryResult]:
    """Insert prepared deliveries in ONE transaction; one result each, in order. `nowait`:
    WriteLocked at once when another process holds SQLite's write lock (nothing written)."""
    flat = [row for rows in prepared.rows for row in rows]
    try:
        with store._write(nowait=nowait) as session:
            stored = _insert_rows(session, flat)
    except OperationalError as exc:
        if nowait and "database is locked" in str(exc.orig):
            raise WriteLocked() from exc
        raise
    results, at = [], 0
    for rows in prepared.rows:
        new_ids = [i for i in stored[at:at + len(rows)] if i is not None]
        at += len(rows)
        results.append(DeliveryResult(new_ids=new_ids, duplicates=len(rows) - len(new_ids)))
    return results


def _insert_rows(session: Session, rows: list[dict[str, Any]]) -> list[int | None]:
    """Insert `rows` with as few statements as their count allows (multi-row INSERTs of
    power-of-two sizes up to `_CHUNK`, each compiled once); the id of each row stored now,
    None for a duplicate. One statement per row cost most of a delivery's CPU in SQLAlchemy's
    per-statement overhead; under load it also handed the GIL back and forth per row."""
    ids: list[int | None] = [None] * len(rows)
    start = 0
    while start < len(rows):
        size = min(_CHUNK, 1 << ((len(rows) - start).bit_length() - 1))
        chunk = rows[start:start + size]
        params = {f"{name}_{n}": row[name] for n, row in enumerate(chunk) for name in _COLUMNS}
        stored = dict(session.execute(_insert(size), params).tuples().all())
        # A key twice in one chunk is stored once: the first row gets the id, the rest repeat.
        for n, row in enumerate(chunk):
            ids[start + n] = stored.pop(row["dedupe_key"], None)
        start += size
    return [int(i) if i is not None else None for i in ids]


class _Memo:
    """A redactor that redacts each distinct string once. `redact_json` redacts every string
    of an alert, then the alert's whole text; from one delivery to the next most label and
    annotation values recur, and so do whole alerts (a group's firing alerts are sent again
    with each notification), and `Redactor.redact` depends on its text alone. Measured on
    bench/webhook.py's deliveries: 0.15 ms per alert without, 0.05 ms with."""

    LIMIT = 4_000_000  # characters kept (keys and values, ~8-16 MB); then it starts again

    def __init__(self, redactor: Redactor) -> None:
        self._redactor = redactor
        self._done: dict[str, str] = {}
        self._size = 0

    def redact(self, text: str) -> str:
        done = self._done.get(text)
        if done is None:
            if self._size >= self.LIMIT:
                self._done.clear()
                self._size = 0
            done = self._done[text] = self._redactor.redact(text)
            self._size += len(text) + len(done)
        return done


_memo: tuple[str, _Memo] | None = None


def _redactor() -> Redactor:
    """`writes.redactor()` behind a memo kept while the user's extra secret patterns stay the
    same (a changed `[guard]` configuration starts a new one, as a fresh redactor would)."""
    global _memo
    from opslens.guard.config import load_guard_config

    patterns = repr(sorted(load_guard_config().secret_patterns.items()))
    if _memo is None or _memo[0] != patterns:
        _memo = (patterns, _Memo(writes.redactor()))
    return cast("Redactor", _memo[1])


# The columns `store_delivery` fills (the keys of its rows).
_COLUMNS = ("fingerprint", "status", "starts_at", "ends_at", "payload_json", "received_at",
            "group_key", "dedupe_key")


_CHUNK = 64  # rows per INSERT at most: 512 parameters, far below both databases' limits


@functools.cache
def _insert(rows: int) -> TextClause:
    """`INSERT ... VALUES (...), ... ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key,
    id` for `rows` rows (the same SQL on SQLite and PostgreSQL), with typed parameters named
    `column_n`. SQLAlchemy cannot cache the dialects' `insert().on_conflict_do_nothing()` (it
    compiled the statement again each time); these text statements are built once per size
    (`_insert_rows` uses powers of two only, so at most seven exist)."""
    table = AlertReceived.__table__
    columns = [table.c[name] for name in _COLUMNS]
    names = ", ".join(c.name for c in columns)
    values = ", ".join(
        "(" + ", ".join(f":{c.name}_{n}" for c in columns) + ")" for n in range(rows))
    return text(
        f"INSERT INTO {table.name} ({names}) VALUES {values} "
        "ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key, id"
    ).bindparams(*(bindparam(f"{c.name}_{n}", type_=c.type)
                   for n in range(rows) for c in columns))
