"""JSON lines export and import of every table: backups, and moving SQLite to PostgreSQL.

Format: a first line `{"table": "_meta", "row": {"format": 1, "revision": "0002"}}`, then one
line per row, `{"table": NAME, "row": {column: value}}`, parents before children (ids are
kept, so foreign keys stay valid). Times are ISO 8601 with offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import IO, Any

import orjson
from sqlalchemy import JSON, Table, Text, func, insert, select, text, true, update
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from opslens.guard import Redactor
from opslens.store.derive import parse_time, redact_json, redact_text
from opslens.store.models import TABLES, Counter, Incident, UTCDateTime
from opslens.store.records import StoreError

__all__ = ["FORMAT", "export_rows", "import_rows"]

FORMAT = 1
_BATCH = 500
# What a row the database (or the column types on the way to it) refuses raises.
_REJECTED = (StatementError, TypeError, AttributeError, ValueError)


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
    """Insert an export into an empty database (in the caller's transaction); returns rows.

    Every line is checked before anything is written, and every free text redacted again: an
    export may come from an older opslens, or have been edited by hand."""
    from opslens.store.writes import redactor

    tables = {model.__table__.name: model.__table__ for model in TABLES}  # type: ignore[attr-defined]
    _require_empty(session, tables)
    redact = redactor()
    pending: dict[str, list[tuple[int, dict[str, Any]]]] = {name: [] for name in tables}
    for number, raw in enumerate(fh, start=1):
        if not raw.strip():
            continue
        name, row = _parse_line(number, raw, tables)
        if name != "_meta":
            decoded = _decode(number, tables[name], row)
            pending[name].append((number, _redacted(tables[name], decoded, redact)))
    count = 0
    for name, table in tables.items():
        rows = pending[name]
        if name == "counters":
            count += _merge_counters(session, rows)
            continue
        for start in range(0, len(rows), _BATCH):
            _insert(session, table, rows[start : start + _BATCH])
        count += len(rows)
    _after_import(session, tables)
    return count


def _require_empty(session: Session, tables: dict[str, Table]) -> None:
    """Ids and refs are kept, so any row already there could collide or be mixed in."""
    full = [
        name for name, table in tables.items()
        if session.scalar(
            select(func.count()).select_from(table)
            # A fresh database holds the counters at 0 (migration 0001).
            .where(table.c.value != 0 if name == "counters" else true())
        )
    ]
    if full:
        raise StoreError(
            f"import needs an empty database: this one already holds rows in {', '.join(full)}"
        )


def _parse_line(number: int, raw: str, tables: dict[str, Table]) -> tuple[str, dict[str, Any]]:
    """(table, row) of one export line; StoreError naming the line otherwise."""
    try:
        item = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(f"line {number}: not an opslens export line ({exc})") from exc
    if not isinstance(item, dict) or not isinstance(item.get("row"), dict):
        raise StoreError(f"line {number}: not an opslens export line (expected table and row)")
    name, row = item.get("table"), item["row"]
    if name == "_meta":
        if row.get("format") != FORMAT:
            raise StoreError(f"line {number}: export format {row.get('format')!r} unsupported")
    elif name not in tables:
        raise StoreError(f"line {number}: unknown table {name!r}")
    return name, row


def _decode(number: int, table: Table, row: dict[str, Any]) -> dict[str, Any]:
    unknown = set(row) - set(table.columns.keys())
    if unknown:
        raise StoreError(
            f"line {number}: {table.name}: unknown columns {sorted(unknown)} (newer export?)"
        )
    try:
        return {
            name: parse_time(value) if isinstance(table.columns[name].type, UTCDateTime) else value
            for name, value in row.items()
        }
    except (TypeError, ValueError) as exc:
        raise StoreError(f"line {number}: {table.name}: bad time ({exc})") from exc


def _redacted(table: Table, row: dict[str, Any], redact: Redactor) -> dict[str, Any]:
    """Free text (Text columns, JSON documents, kept inputs) redacted as a save redacts it."""
    out = dict(row)
    for name, value in row.items():
        column_type = table.columns[name].type
        if value is None or name in ("namespaces", "services", "entities", "signature"):
            continue  # names and shapes derived from already redacted reports
        if name == "inputs_blob" and isinstance(value, str):
            out[name] = _redact_inputs_blob(value, redact)
        elif name == "report_json" and isinstance(value, str):
            out[name] = _redact_json_text(value, redact)
        elif isinstance(column_type, JSON):
            out[name] = redact_json(value, redact)[1]
        elif isinstance(column_type, Text) and isinstance(value, str):
            out[name] = redact.redact(value)
    return out


def _redact_json_text(text: str, redact: Redactor) -> str:
    try:
        return redact_json(orjson.loads(text), redact)[0]
    except orjson.JSONDecodeError:
        return redact.redact(text)


def _redact_inputs_blob(text: str, redact: Redactor) -> str:
    try:
        inputs = orjson.loads(text)
    except orjson.JSONDecodeError:
        return redact_text(text, redact)
    if not isinstance(inputs, dict):
        return redact_json(inputs, redact)[0]
    lines = {k: redact_text(v, redact) if isinstance(v, str) else v for k, v in inputs.items()}
    return redact_json(lines, redact)[0]


def _insert(session: Session, table: Table, rows: list[tuple[int, dict[str, Any]]]) -> None:
    """Insert a batch; when the database rejects it, find and name the line it rejects (each
    row again in a savepoint of its own: slow, but only on the way to an error)."""
    try:
        with session.begin_nested():
            session.execute(insert(table), [row for _, row in rows])
        return
    except _REJECTED:
        pass
    for number, row in rows:
        try:
            with session.begin_nested():
                session.execute(insert(table), [row])
        except _REJECTED as exc:
            raise StoreError(f"line {number}: {table.name} row rejected: {_reason(exc)}") from exc
    lines = f"{rows[0][0]}-{rows[-1][0]}"  # each row passes alone, only not together
    raise StoreError(f"lines {lines}: the database rejected these {table.name} rows")


def _reason(exc: Exception) -> str:
    message = str(getattr(exc, "orig", None) or exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__


def _merge_counters(session: Session, rows: list[tuple[int, dict[str, Any]]]) -> int:
    for number, row in rows:
        name, value = row.get("name"), row.get("value")
        if not isinstance(name, str) or not isinstance(value, int):
            raise StoreError(f"line {number}: counters row needs a name and an integer value")
        found = session.get(Counter, name)
        if found is None:
            session.add(Counter(name=name, value=value))
        else:
            found.value = max(found.value, value)
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
