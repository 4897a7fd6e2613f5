"""`kubectl get events [-A] [-o wide] [-w]` and `kubectl events` text tables, for the
k8s-events reader.

kubectl prints with a tabwriter, so every cell starts at its header's column; cells are cut
at the header positions (MESSAGE may contain anything, including runs of spaces, and with
`-o wide` it is followed by FIRST SEEN, COUNT and NAME). Rows that do not line up with the
header (`-w` prints each row as it comes) and `-w` streams pasted without their header are
read by their shape: age, type, reason, `kind/name`, message. Layouts:

- kubectl >= 1.16: `[NAMESPACE] LAST SEEN TYPE REASON OBJECT MESSAGE`, wide adds SUBOBJECT,
  SOURCE, FIRST SEEN, COUNT and NAME; `kubectl events` prints `3m (x5 over 10m)` ages.
- kubectl < 1.16: `LAST SEEN FIRST SEEN COUNT NAME KIND SUBOBJECT TYPE REASON SOURCE MESSAGE`
  (also `LASTSEEN`/`FIRSTSEEN`); the oldest print absolute times and no TYPE.

Ages are relative to when the command ran: they become times through `ReadContext.anchor`
(exact with `--now`, else a guess, and the events are marked `time_inferred`). A line that is
not a row continues the previous row's message (hard-wrapped pastes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import Any

from opslens.events import Entity, Event, EventKind, Severity
from opslens.sources.base import ReadContext
from opslens.sources.readers._describe_events import EVENT_TYPES
from opslens.sources.readers._kubectl_text import (
    MAX_CONTINUATION,
    TYPE_SEVERITY,
    Column,
    ascii_int,
    command_of,
    component_host,
    cut,
    entity,
    expand,
    header_columns,
    kind_of,
    physical_lines,
    strip_bom,
)
from opslens.sources.readers._text_runs import TextRun
from opslens.timeparse import parse_rfc2822, parse_timestamp
from opslens.timeparse.relative import AGE_CELL, AGE_CELL_PATTERN, parse_age, parse_event_age

# The atomic group stops at the first REASON: trying every later one against every MESSAGE
# would be quadratic on a long line of them.
HEADER = re.compile(
    r"(?:NAMESPACE\s+)?(?:LAST SEEN|LASTSEEN|FIRST SEEN|FIRSTSEEN)\s+\S(?>.*?\bREASON\b).*\bMESSAGE\b"
)
#: A row read by its shape (no header, or not lined up with it).
LOOSE_ROW = re.compile(
    rf"^\s*(?:(?P<ns>[a-z0-9][-a-z0-9]*)\s+)?(?P<last>{AGE_CELL_PATTERN})\s+(?P<type>Normal|Warning|Error)"
    r"\s+(?P<reason>[A-Za-z][\w.:-]*)\s+(?P<object>[a-z][\w.-]*/\S+)\s+(?P<message>\S.*)$"
)
_NO_RESOURCES = re.compile(r"^\s*No (?:resources|events) found\b")
_HEAD_LINES = 5


@dataclass
class _Row:
    line: int
    raw: list[str]
    cells: dict[str, str]
    continuation: list[str] = field(default_factory=list)


def sniff_table(head: str) -> float:
    """0.9 for an events table header near the top, 0.85 for a headerless `-w` stream."""
    lines = [ln for ln in physical_lines(strip_bom(head))[:40] if ln.strip()]
    content = [ln for ln in lines if command_of(ln) is None][:_HEAD_LINES]
    if not content:
        return 0.0
    if any(HEADER.match(expand(ln).lstrip()) for ln in content[:3]):
        return 0.9
    rows = [ln for ln in content if LOOSE_ROW.match(ln)]
    if len(rows) == len(content) >= 2:
        return 0.85
    return 0.6 if len(rows) == len(content) == 1 and len(lines) == 1 else 0.0


def _cells(line: str, columns: list[Column]) -> dict[str, str] | None:
    """Cells cut at the header's columns, if they make a row."""
    cells = cut(line, columns)
    if cells is None:
        return None
    last = cells.get("LAST SEEN") or cells.get("LASTSEEN") or ""
    reason = cells.get("REASON", "")
    kind = cells.get("TYPE")
    if not reason or " " in reason or (kind is not None and kind not in EVENT_TYPES and kind):
        return None
    if not (AGE_CELL.fullmatch(last) or _absolute(last) is not None):
        return None
    return cells


def _loose(line: str) -> dict[str, str] | None:
    m = LOOSE_ROW.match(expand(line))
    if not m:
        return None
    cells = {
        "LAST SEEN": m.group("last"), "TYPE": m.group("type"), "REASON": m.group("reason"),
        "OBJECT": m.group("object"), "MESSAGE": m.group("message").rstrip(),
    }  # fmt: skip
    if m.group("ns"):
        cells["NAMESPACE"] = m.group("ns")
    return cells


def _rows(text: str, ctx: ReadContext, text_lines: list[tuple[int, str]]) -> Iterator[_Row]:
    """The table's rows; lines that are neither rows nor a wrapped message's continuation (a
    log pasted below the table, after a blank line) go to `text_lines`."""
    columns: list[Column] = []
    pending: _Row | None = None
    for line_no, line in enumerate(physical_lines(strip_bom(text)), start=1):
        if not line.strip():
            if pending is not None:  # a wrapped message never spans a blank line
                yield pending
                pending = None
            continue
        if _NO_RESOURCES.match(line) or command_of(line) is not None:
            continue
        if HEADER.match(expand(line).lstrip()):
            columns = header_columns(line)
            continue
        cells = (_cells(line, columns) if columns else None) or _loose(line)
        if cells is not None:
            if pending is not None:
                yield pending
            pending = _Row(line_no, [line], cells)
        elif pending is not None and len(pending.continuation) < MAX_CONTINUATION:
            pending.raw.append(line)
            pending.continuation.append(line.strip())
        elif columns or pending is not None:
            text_lines.append((line_no, line))
        else:
            ctx.skip("not a `kubectl get events` row", line_no)
    if pending is not None:
        yield pending


def _absolute(text: str, tz: tzinfo = UTC) -> float | None:
    """An absolute LAST SEEN / FIRST SEEN (the oldest kubectl printed times, not ages)."""
    if len(text) < 19 or not (text[:1].isalpha() or text[:4].isdigit()):
        return None
    if (t := parse_rfc2822(text, tz, anywhere=True)) is not None:
        return t
    return parse_timestamp(text, tz)


def _entity(cells: dict[str, str], default_namespace: str | None) -> Entity | None:
    namespace = cells.get("NAMESPACE") or default_namespace
    if obj := cells.get("OBJECT"):
        resource, _, name = obj.partition("/")
        kind = kind_of(resource)
    else:
        kind, name = cells.get("KIND", ""), cells.get("NAME", "").split(".")[0]
    return entity(kind, name, namespace)


def read_event_table(text: str, ctx: ReadContext, source: str) -> Iterator[Event]:
    """One EVENT per table row (several tables and repeated headers are followed); ages are
    dated from `ctx.anchor`, given the newest absolute time of the table if it has any."""
    text_lines: list[tuple[int, str]] = []
    rows = list(_rows(text, ctx, text_lines))
    absolute = [
        t for r in rows for key in ("LAST SEEN", "LASTSEEN", "FIRST SEEN", "FIRSTSEEN")
        if (t := _absolute(r.cells.get(key, ""), ctx.tz)) is not None
    ]  # fmt: skip
    anchor = ctx.anchor(max(absolute, default=None))
    for row in rows:
        yield _event(row, anchor, ctx, source)
    run = TextRun(ctx, "text between the rows of a kubectl get events table")
    last = None
    for line_no, line in text_lines:
        if last is not None and line_no != last + 1:
            yield from run.flush()
        run.add(line, line_no, in_table=True)
        last = line_no
    yield from run.flush()


def _times(
    cells: dict[str, str], anchor: tuple[float, bool], ctx: ReadContext
) -> tuple[float | None, float | None, int, bool]:
    """(first, last, count, inferred) of a row."""
    last_text = cells.get("LAST SEEN") or cells.get("LASTSEEN") or ""
    first_text = cells.get("FIRST SEEN") or cells.get("FIRSTSEEN") or ""
    count_text = cells.get("COUNT", "")
    count = n if (n := ascii_int(count_text)) is not None and n >= 0 else 1
    if (ages := parse_event_age(last_text)) is not None:
        last_age, first_age, series = ages
        first_seen = parse_age(first_text)
        first_age = first_age if first_seen is None else first_seen
        count = max(count, series)
        return anchor[0] - max(first_age, last_age), anchor[0] - last_age, count, anchor[1]
    last = _absolute(last_text, ctx.tz)
    first = _absolute(first_text, ctx.tz) or last
    return first, last or first, count, False


def _event(row: _Row, anchor: tuple[float, bool], ctx: ReadContext, source: str) -> Event:
    cells = row.cells
    entity = _entity(cells, ctx.source.identity.namespace)  # `-n ns` of the command above
    first, last, count, inferred = _times(cells, anchor, ctx)
    component, host = component_host(cells.get("SOURCE", ""))
    involved: dict[str, Any] | None = None
    if entity:
        involved = {"kind": entity.kind, "name": entity.name, "namespace": entity.namespace}
        if cells.get("SUBOBJECT"):
            involved["fieldPath"] = cells["SUBOBJECT"]
    attrs: dict[str, Any] = {
        "reason": cells.get("REASON") or None,
        "type": cells.get("TYPE") or None,
        "count": count,
        "first_time": first,
        "last_time": last,
        "last_seen": cells.get("LAST SEEN") or cells.get("LASTSEEN") or None,
        "component": component,
        "involved": involved,
    }
    if cells.get("NAME") and cells.get("OBJECT"):
        attrs["name"] = cells["NAME"]  # `-o wide`: the Event's own name
    message = " ".join([cells.get("MESSAGE", ""), *row.continuation]).strip()
    return Event(
        time=first,
        kind=EventKind.EVENT,
        source=source,
        origin=ctx.source.origin(row.line),
        message=message,
        raw="\n".join(row.raw),
        severity=TYPE_SEVERITY.get(cells.get("TYPE", ""), Severity.UNKNOWN),
        host=host,
        namespace=entity.namespace if entity else cells.get("NAMESPACE") or None,
        entity=entity,
        attrs=attrs,
        time_inferred=inferred and first is not None,
    )
