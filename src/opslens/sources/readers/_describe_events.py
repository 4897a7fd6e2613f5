"""The `Events:` table of `kubectl describe`, in the layouts kubectl has printed.

- kubectl >= 1.10: `Type  Reason  Age  From  Message`, Age `9m44s`, `3s (x7 over 34s)` or
  `<unknown>`; From `kubelet`, or `kubelet, node-1` (1.10-1.14).
- kubectl 1.5-1.9: `FirstSeen  LastSeen  Count  From  SubObjectPath  Type  Reason  Message`,
  tab-padded, From `{kubelet node-1}`.
- kubectl 1.0-1.4: the same without Type, with absolute RFC 1123 times instead of ages.

Rows are cut at the header's columns when they line up with it, else split at runs of two
spaces or tabs (rows after a multi-line message, re-flowed pastes, no header at all). A line
that is not a row continues the previous row's message (kubectl prints messages that contain
newlines as they are, and pastes get hard-wrapped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from opslens.sources.readers._kubectl_text import (
    MAX_CONTINUATION,
    Column,
    ascii_int,
    component_host,
    cut,
    expand,
    header_columns,
)
from opslens.timeparse.relative import AGE_CELL, AGE_CELL_PATTERN, parse_event_age

EVENT_TYPES = frozenset({"Normal", "Warning", "Error"})
#: A modern row, with or without the header: Type, Reason, Age, then From and Message.
ROW = re.compile(
    rf"^\s*(?P<type>Normal|Warning|Error)[ \t]+(?P<reason>[A-Za-z][\w.:-]*)[ \t]+(?P<age>{AGE_CELL_PATTERN})"
    r"(?:[ \t]+(?P<rest>.*))?$"
)
HEADER = re.compile(r"^\s*Type\s+Reason\s+Age\s+From\s+Message\s*$")
OLD_HEADER = re.compile(
    r"^\s*FirstSeen\s+LastSeen\s+Count\s+From\s+Sub[Oo]bject[Pp]ath\s+(?:Type\s+)?Reason\s+Message\s*$"
)
RULE = re.compile(r"^\s*-{2,}(?:\s+-{2,})+\s*$")
#: An old (kubectl 1.5-1.9) row pasted without its header: FirstSeen, LastSeen and Count lead,
#: and a Type cell later in the row anchors Reason and Message (checked by `old_row`).
OLD_ROW = re.compile(
    rf"^\s*(?P<first>{AGE_CELL_PATTERN})[ \t]+(?P<last>{AGE_CELL_PATTERN})[ \t]+(?P<count>\d{{1,9}})[ \t]+"
    r"(?P<rest>\S.*[ \t](?:Normal|Warning)[ \t]+[A-Za-z][\w.:-]*\b.*)$"
)
_SPLIT = re.compile(r"\t+| {2,}")
_COMPONENT = re.compile(r"^(?:\{[^{}]*\}|[A-Za-z][\w.:/-]*(?:, ?[\w.:-]+)?)$")
#: The From cell at the start of a row whose spacing was collapsed to single spaces.
_LEADING_COMPONENT = re.compile(
    r"^(?:\{[^{}]*\}|[A-Za-z][\w.:/-]*,\s[\w.:-]+|[a-z][\w.:/-]*)\s+(?=\S)"
)


@dataclass
class EventRow:
    """One row of a describe Events table (plus its continuation lines)."""

    line: int  # 1-based line of the row
    raw: list[str]
    type: str | None
    reason: str
    age: tuple[float, float, int] | None  # (last age, first age, count) relative to the paste
    component: str | None
    host: str | None
    message: str
    subobject: str | None = None
    first_abs: str | None = None  # absolute FirstSeen/LastSeen (kubectl 1.0-1.4)
    last_abs: str | None = None
    continuation: list[str] = field(default_factory=list)


class EventTable:
    """Reads the lines of one Events table; `feed` says whether a line belonged to it."""

    def __init__(self) -> None:
        self.columns: list[Column] | None = None
        self.old = False
        self.rows: list[EventRow] = []

    def header(self, line: str) -> bool:
        """Take a header line; True if it was one."""
        if HEADER.match(line):
            self.columns, self.old = header_columns(line, words=True), False
            return True
        if OLD_HEADER.match(line):
            self.columns, self.old = header_columns(line, words=True), True
            return True
        return False

    def feed(self, line_no: int, line: str) -> bool:
        """Add a row or a continuation line; False when the line ends the table."""
        if not line.strip():
            return False
        if RULE.match(line) or self.header(line):
            return True
        row = self._row(line_no, line)
        if row is not None:
            self.rows.append(row)
            return True
        last = self.rows[-1] if self.rows else None
        if last is not None and len(last.continuation) < MAX_CONTINUATION:
            last.raw.append(line)
            last.continuation.append(line.strip())
            return True
        return False

    def _row(self, line_no: int, line: str) -> EventRow | None:
        if self.old and self.columns:
            return _old_row(line_no, line, self.columns)
        if self.columns and (cells := cut(line, self.columns)) is not None:
            row = _modern_cells(line_no, line, cells)
            if row is not None:
                return row
        return modern_row(line_no, line) or old_row(line_no, line)


def _modern_cells(line_no: int, line: str, cells: dict[str, str]) -> EventRow | None:
    kind, reason, age = cells.get("Type", ""), cells.get("Reason", ""), cells.get("Age", "")
    if kind not in EVENT_TYPES or not reason or " " in reason or not AGE_CELL.fullmatch(age):
        return None
    component, host = component_host(cells.get("From", ""))
    return EventRow(
        line_no,
        [line],
        kind,
        reason,
        parse_event_age(age),
        component,
        host,
        cells.get("Message", ""),
    )


def modern_row(line_no: int, line: str) -> EventRow | None:
    """A `Type Reason Age From Message` row read without a header (split at wide gaps, or
    at single spaces in a paste that collapsed them)."""
    m = ROW.match(line)
    if not m:
        return None
    rest = (m.group("rest") or "").strip()
    parts = _SPLIT.split(rest, maxsplit=1)
    component = host = None
    message = rest
    if len(parts) == 2 and _COMPONENT.match(parts[0]):
        component, host = component_host(parts[0])
        message = parts[1].strip()
    elif len(parts) == 1 and (lead := _LEADING_COMPONENT.match(rest)):
        component, host = component_host(lead.group(0))
        message = rest[lead.end() :]
    return EventRow(
        line_no, [line], m.group("type"), m.group("reason"), parse_event_age(m.group("age")),
        component, host, message,
    )  # fmt: skip


def old_row(line_no: int, line: str) -> EventRow | None:
    """An old `FirstSeen LastSeen Count From SubObjectPath Type Reason Message` row read
    without its header (pasted rows only): the leading times and count, then the Type cell
    anchors Reason and Message; From and SubObjectPath are the cells before it. Tabs separate
    cells where the paste kept them, runs of spaces where it did not."""
    m = OLD_ROW.match(line) or OLD_ROW.match(expand(line))
    tail = _OLD_TAIL.match(m.group("rest")) if m else None
    if m is None or tail is None:
        return None
    before = [p.strip() for p in _SPLIT.split(tail.group("before").strip()) if p.strip()]
    cells = {
        "FirstSeen": m.group("first"), "LastSeen": m.group("last"), "Count": m.group("count"),
        "From": before[0] if before else "", "SubObjectPath": before[1] if len(before) > 1 else "",
        "Type": tail.group("type"), "Reason": tail.group("reason"), "Message": (tail.group("message") or "").strip(),
    }  # fmt: skip
    return _old_from_cells(line_no, line, cells) if _old_cells_valid(cells) else None


_OLD_TAIL = re.compile(
    r"^(?P<before>.*?)[ \t](?P<type>Normal|Warning)[ \t]+(?P<reason>[A-Za-z][\w.:-]*)(?:[ \t]+(?P<message>.*))?$"
)


def _old_row(line_no: int, line: str, columns: list[Column]) -> EventRow | None:
    """A `FirstSeen LastSeen Count From SubObjectPath [Type] Reason Message` row."""
    cells = cut(line, columns)
    if cells is None or not _old_cells_valid(cells):
        cells = _old_split(line, [c.name for c in columns])
        if cells is None:
            return None
    return _old_from_cells(line_no, line, cells)


def _old_from_cells(line_no: int, line: str, cells: dict[str, str]) -> EventRow:
    first, last, count = cells["FirstSeen"], cells["LastSeen"], cells["Count"]
    component, host = component_host(cells.get("From", ""))
    kind = cells.get("Type") or None
    subobject = cells.get("SubObjectPath") or cells.get("SubobjectPath") or None
    ages = parse_event_age(last), parse_event_age(first)
    age = None
    if ages[0] is not None and ages[1] is not None:
        times = _count(count)
        age = (ages[0][0], max(ages[1][0], ages[0][0]), 1 if times is None else times)
    row = EventRow(
        line_no, [line], kind, cells.get("Reason", ""), age, component, host,
        cells.get("Message", ""), subobject=subobject,
    )  # fmt: skip
    if age is None:
        row.first_abs, row.last_abs = first, last
    return row


def _count(cell: str) -> int | None:
    """A Count cell's number (ASCII digits, not negative), else None."""
    count = ascii_int(cell)
    return count if count is not None and count >= 0 else None


def _old_cells_valid(cells: dict[str, str]) -> bool:
    kind = cells.get("Type")
    return (
        _count(cells.get("Count", "")) is not None
        and bool(cells.get("Reason"))
        and " " not in cells.get("Reason", "")
        and (kind is None or kind in EVENT_TYPES)
    )


def _old_split(line: str, names: list[str]) -> dict[str, str] | None:
    """Old rows split at wide gaps: the Count cell anchors the times before it, the Type
    cell (or the last two cells) the Reason and Message after it."""
    parts = [p.strip() for p in _SPLIT.split(expand(line).strip())]
    count_at = next((i for i, p in enumerate(parts) if _count(p) is not None), None)
    if count_at is None or count_at < 2:
        return None
    cells = {
        "FirstSeen": parts[count_at - 2],
        "LastSeen": parts[count_at - 1],
        "Count": parts[count_at],
    }
    tail = parts[count_at + 1 :]
    if "Type" in names:
        type_at = next((i for i, p in enumerate(tail) if p in EVENT_TYPES), None)
        if type_at is None or type_at + 2 > len(tail):
            return None
        cells["Type"] = tail[type_at]
        before, after = tail[:type_at], tail[type_at + 1 :]
    elif len(tail) >= 3:
        before, after = tail[:-2], tail[-2:]
    else:
        return None
    cells["From"] = before[0] if before else ""
    cells["SubObjectPath"] = before[1] if len(before) > 1 else ""
    cells["Reason"] = after[0]
    cells["Message"] = "  ".join(after[1:])
    return cells
