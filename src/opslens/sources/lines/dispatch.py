"""Choosing the line format per line, cheaply.

Real pod logs mix formats (an nginx access line next to a Python logging line next to a Node
deprecation warning), so the format is decided per line. To keep that cheap the parser that
matched the previous line is tried first (`Dispatcher.last`, which the reader's hot loop calls
directly), then the parser that last matched a line of the same rough shape (a few characters
at fixed positions), then the formats whose `first` characters admit the line's first
character, in registry order. Results never depend on the order lines come in: a specific
format that accepts a line always wins over the generic fallback, which is never remembered.
"""

from __future__ import annotations

from collections.abc import Iterable

from opslens.sources.lines.base import LineFormat, LineParser, Parsed, formats
from opslens.timeparse import Clock

_FIRST_CHAR_CACHE = 2048
_SHAPE_CACHE = 4096


def shape(line: str) -> str:
    """A cheap signature of a line's layout: its characters at a few fixed positions."""
    return line[:1] + line[4:5] + line[10:11] + line[19:21]


class Dispatcher:
    """Per-file line parser over every registered format (or `only`), minus `exclude`."""

    __slots__ = ("last", "_entries", "_sticky", "_by_first", "_by_shape")

    def __init__(self, clock: Clock, exclude: Iterable[str] = (), only: Iterable[LineFormat] | None = None) -> None:
        skip = frozenset(exclude)
        chosen = formats() if only is None else list(only)
        self._entries = [(f.first, f.make(clock), f.sticky) for f in chosen if f.name not in skip]
        self._sticky = {id(p) for _, p, s in self._entries if s}
        self._by_first: dict[str, tuple[LineParser, ...]] = {}
        self._by_shape: dict[str, LineParser] = {}
        #: the sticky parser that matched most recently: try it first on the next line
        self.last: LineParser | None = None

    def __call__(self, line: str) -> Parsed | None:
        """The line parsed by the first format that accepts it, or None."""
        last = self.last
        if last is not None:
            parsed = last(line)
            if parsed is not None:
                return parsed
        return self.search(line)

    def search(self, line: str) -> Parsed | None:
        """Like calling, but without trying `last` first (the caller just did)."""
        last = self.last
        key = line[:1] + line[4:5] + line[10:11] + line[19:21]  # shape(line), inlined
        tried = self._by_shape.get(key)
        if tried is not None and tried is not last:
            parsed = tried(line)
            if parsed is not None:
                if id(tried) in self._sticky:
                    self.last = tried
                return parsed
        c = line[:1]
        candidates = self._by_first.get(c)
        if candidates is None:
            candidates = self._candidates(c)
        for parse in candidates:
            if parse is not last and parse is not tried:
                parsed = parse(line)
                if parsed is not None:
                    if id(parse) in self._sticky:  # a fallback never shadows specific formats
                        self.last = parse
                        if len(self._by_shape) < _SHAPE_CACHE:
                            self._by_shape[key] = parse
                    return parsed
        return None

    def _candidates(self, c: str) -> tuple[LineParser, ...]:
        found = tuple(p for first, p, _ in self._entries if first is None or (c and c in first))
        if len(self._by_first) < _FIRST_CHAR_CACHE:
            self._by_first[c] = found
        return found


def make_dispatch(clock: Clock, exclude: Iterable[str] = (), only: Iterable[LineFormat] | None = None) -> Dispatcher:
    """A per-file `Dispatcher` (callable: line -> Parsed | None)."""
    return Dispatcher(clock, exclude, only)
