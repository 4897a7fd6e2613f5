"""JSON lines export and import of every table: backups, and moving SQLite to PostgreSQL.

Format: a first line `{"table": "_meta", "row": {"format": 1, "revision": "0002"}}`, then one
line per row, `{"table": NAME, "row": {column: value}}`, parents before children (ids are
kept, so foreign keys stay valid). Times are ISO 8601 with offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import IO, Any

import orjson
from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from opslens.store.derive import parse_time
from opslens.store.models import TABLES, Counter, Incident, UTCDateTime
from opslens.store.records import StoreError

__all__ = ["FORMAT", "export_rows", "import_rows"]

FORMAT = 1
_BATCH = 500


def export_rows(session: Session, fh: IO[str]) -> int:
    """Write the `_meta` line and every row; returns the number of rows."""
    from opslens.store.engine import head_revision

    fh.write(_line("_meta", {"format": FORMAT, "revision": head_revision()}))
    count = 0
    for model in TABLES:
        table: Table = model.__table__  # type: ignore[assignment]
        key = list(table.primary_key.columns)
        for row in session.execute(select(table).order_by(*key)).mappings():
            fh.write(_line(table.name, dict(row)))
            count += 1
    return count


def _line(table: str, row: dict[str, Any]) -> str:
    return orjson.dumps({"table": table, "row": row}, default=_default).decode() + "\n"


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot export {type(value).__name__}")


def import_rows(session: Session, fh: IO[str]) -> int:
    """Insert an export into an empty database (in the caller's transaction); returns rows."""
    if session.scalar(select(func.count()).select_from(Incident)):
        raise StoreError("import needs an empty database: this one already holds incidents")
    tables = {model.__table__.name: model.__table__ for model in TABLES}  # type: ignore[attr-defined]
    pending: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
    for number, raw in enumerate(fh, start=1):
        if not raw.strip():
            continue
        try:
            item = orjson.loads(raw)
            name, row = item["table"], item["row"]
        except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
            raise StoreError(f"line {number}: not an opslens export line ({exc})") from exc
        if name == "_meta":
            if row.get("format") != FORMAT:
                raise StoreError(f"line {number}: export format {row.get('format')!r} unsupported")
            continue
        if name not in tables:
            raise StoreError(f"line {number}: unknown table {name!r}")
        pending[name].append(_decode(tables[name], row))
    count = 0
    for name, table in tables.items():
        rows = pending[name]
        if name == "counters":
            count += _merge_counters(session, rows)
            continue
        for start in range(0, len(rows), _BATCH):
            session.execute(insert(table), rows[start : start + _BATCH])
        count += len(rows)
    _after_import(session, tables)
    return count


def _decode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    unknown = set(row) - set(table.columns.keys())
    if unknown:
        raise StoreError(f"{table.name}: unknown columns {sorted(unknown)} (newer export?)")
    return {
        name: parse_time(value) if isinstance(table.columns[name].type, UTCDateTime) else value
        for name, value in row.items()
    }


def _merge_counters(session: Session, rows: list[dict[str, Any]]) -> int:
    for row in rows:
        found = session.get(Counter, row["name"])
        if found is None:
            session.add(Counter(name=row["name"], value=row["value"]))
        else:
            found.value = max(found.value, row["value"])
    session.flush()
    return len(rows)


def _after_import(session: Session, tables: dict[str, Table]) -> None:
    """Counters and sequences continue after the imported rows, not from 1."""
    refs = session.scalars(select(Incident.ref)).all()
    numbers = [int(r.split("-")[-1]) for r in refs if r.split("-")[-1].isdigit()]
    if numbers:
        highest = max(numbers)
        session.execute(
            update(Counter)
            .where(Counter.name == "incident", Counter.value < highest)
            .values(value=highest)
        )
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite's INTEGER PRIMARY KEY continues after max(rowid) by itself
    for name, table in tables.items():
        if "id" in table.columns:
            session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {name}), 1), "
                f"(SELECT MAX(id) FROM {name}) IS NOT NULL)"
            ))
