"""Choosing the line format per line, cheaply.

Real pod logs mix formats (an nginx access line next to a Python logging line next to a Node
deprecation warning), so the format is decided per line. To keep that cheap the parser that
matched the previous line is tried first, then only the formats whose `first` characters admit
the line's first character, in registry order. In files that mix formats, the parser that
last matched a line of the same rough shape (a few characters at fixed positions) is tried
second, so alternating formats do not pay for every failing candidate.
"""

from __future__ import annotations

from collections.abc import Iterable

from opslens.sources.lines.base import LineFormat, LineParser, Parsed, formats
from opslens.timeparse import Clock

_FIRST_CHAR_CACHE = 2048
_SHAPE_CACHE = 4096


def shape(line: str) -> str:
    """A cheap signature of a line's layout: its characters at a few fixed positions."""
    return line[:1] + line[4:5] + line[10:11] + line[19:20]


def make_dispatch(clock: Clock, exclude: Iterable[str] = (), only: Iterable[LineFormat] | None = None) -> LineParser:
    """A per-file line parser trying every registered format (minus `exclude`) on each line."""
    skip = frozenset(exclude)
    entries = [(f.first, f.make(clock), f.sticky) for f in (formats() if only is None else only) if f.name not in skip]
    sticky = {id(p) for _, p, s in entries if s}
    by_first: dict[str, tuple[LineParser, ...]] = {}
    by_shape: dict[str, LineParser] = {}
    last: LineParser | None = None

    def candidates(c: str) -> tuple[LineParser, ...]:
        found = tuple(p for first, p, _ in entries if first is None or (c and c in first))
        if len(by_first) < _FIRST_CHAR_CACHE:
            by_first[c] = found
        return found

    def dispatch(line: str) -> Parsed | None:
        nonlocal last
        if last is not None:
            parsed = last(line)
            if parsed is not None:
                return parsed
        key = line[:1] + line[4:5] + line[10:11] + line[19:20]  # shape(line), inlined
        tried = by_shape.get(key)
        if tried is not None and tried is not last:
            parsed = tried(line)
            if parsed is not None:
                last = tried
                return parsed
        c = line[:1]
        cands = by_first.get(c)
        if cands is None:
            cands = candidates(c)
        for parse in cands:
            if parse is not last and parse is not tried:
                parsed = parse(line)
                if parsed is not None:
                    if id(parse) in sticky:
                        last = parse
                        if len(by_shape) < _SHAPE_CACHE:
                            by_shape[key] = parse
                    return parsed
        return None

    return dispatch
