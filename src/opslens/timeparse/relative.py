"""Relative ages as kubectl and other tools print them: `5s`, `2m30s`, `3h`, `12d`, `2y45d`,
`<unknown>`, `12h ago`, and the event-table form `3s (x7 over 34s)`.

kubectl prints ages with `duration.HumanDuration` (k8s.io/apimachinery): at most two units from
y, d, h, m, s. An age says how long before the command ran something happened, so it becomes a
time only against a reference ("now" of the paste); see `ReadContext.anchor`.
"""

from __future__ import annotations

import re

_UNIT_SECONDS = {"y": 365 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 0.001}
_PART_PATTERN = r"\d+(?:\.\d+)?(?:ms|[ydhms])"
#: One age (`9m44s`, `2y45d`, `1.5h`, `500ms`) as regex text without groups, to embed in the
#: patterns of table rows; every unit ends a part, so a run of parts never backtracks.
AGE_PATTERN = rf"{_PART_PATTERN}(?:{_PART_PATTERN})*"
_UNREADABLE = r"<unknown>|<invalid>"
#: An Age cell of an events table as regex text: an age, or what kubectl prints for an unknown
#: time, optionally with its series (`3s (x7 over 34s)`).
AGE_CELL_PATTERN = (
    rf"(?:{_UNREADABLE}|{AGE_PATTERN})(?: \(x\d{{1,9}} over (?:{_UNREADABLE}|{AGE_PATTERN})\))?"
)
#: `AGE_CELL_PATTERN` compiled: `AGE_CELL.fullmatch(cell)` says whether a cell is an age.
AGE_CELL = re.compile(AGE_CELL_PATTERN)
_AGE = re.compile(AGE_PATTERN)
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|y|d|h|m|s)")
# `3s (x7 over 34s)`: last seen 3s ago, 7 times since 34s ago
_EVENT_AGE = re.compile(r"^\s*(\S+)\s*\(x(\d{1,9}) over (\S+?)\)\s*$")  # int() refuses 4300+ digits
_AGO = re.compile(r"^\s*(\S+?)\s+ago\s*$", re.I)


def parse_age(text: str) -> float | None:
    """Seconds in a relative age (`2m30s`, `12h ago`, `(5m ago)`), or None when it is not one
    (`<unknown>`, `<invalid>`, empty, anything else)."""
    s = text.strip().strip("()").strip()
    if m := _AGO.match(s):
        s = m.group(1)
    if not s or not _AGE.fullmatch(s):
        return None
    return float(sum(float(n) * _UNIT_SECONDS[u] for n, u in _PART.findall(s)))


def parse_event_age(text: str) -> tuple[float, float, int] | None:
    """(age of the last occurrence, age of the first, count) of an event table's age cell:
    `3s (x7 over 34s)` -> (3, 34, 7); a plain `9m44s` -> (584, 584, 1). None if unreadable."""
    if m := _EVENT_AGE.match(text):
        last, first = parse_age(m.group(1)), parse_age(m.group(3))
        if last is None or first is None:
            return None
        return last, max(first, last), int(m.group(2))
    age = parse_age(text)
    return None if age is None else (age, age, 1)
