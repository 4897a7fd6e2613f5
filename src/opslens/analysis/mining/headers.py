"""Leading headers of log lines: a timestamp, then maybe pid/thread numbers and a level word.

`opslens mine` without `--log-format` mines whole lines, but a timestamp in front of every
line would only add variables, so it first looks at a sample of the file: when most lines start
with a timestamp, `HeaderStripper` cuts the header off each line (and keeps its time and
level). Lines that do not start with one and are indented or look like a stack frame are
continuations of the previous event (multi-line records are mined by their first line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from opslens.sources.lines.levels import LEVELS
from opslens.timeparse import Clock

#: Share of sampled lines that must start with a timestamp for the file to have headers.
_MIN_SHARE = 0.6
_SAMPLE = 200
# After the timestamp: `]`, `,`, zone words, pid/thread numbers (`1234`, `[main]`, `<1234>`).
_AFTER_TIME = re.compile(r"\]?,?(?:\s+(?:\d+|\[[^\]\s]{1,40}\]|<\d+>|UTC|GMT|Z))*\s*")
_LEVEL = re.compile(r"[\[<(]?([A-Za-z]{3,11})[\]>)]?:?\s+")
_THREAD = re.compile(r"(?:\[[^\]\s]{1,40}\]\s+)?")
_SEPARATOR = re.compile(r"(?:[-:|]\s+)?")
_CONTINUATION = re.compile(r"\s|at |Caused by:|\.\.\. \d+ more|Traceback |During handling")


class Header(NamedTuple):
    """What a header held: the time (None if unparsable) and the level word, if any."""

    time: float | None
    level: str | None


class HeaderStripper:
    """Cuts a leading timestamp (and pid/thread/level words after it) off each line."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()

    @classmethod
    def detect(cls, lines: Iterable[str]) -> HeaderStripper | None:
        """A stripper when most of the first non-empty `lines` start with a timestamp."""
        stripper = cls()
        hits = misses = 0
        for line in lines:
            if not line.strip():
                continue
            if stripper._time_end(line) is not None:
                hits += 1
            elif not cls.is_continuation(line):  # stack-trace lines say nothing about headers
                misses += 1
            if hits + misses >= _SAMPLE:
                break
        return stripper if hits and hits >= _MIN_SHARE * (hits + misses) else None

    def _time_end(self, line: str) -> tuple[float, int] | None:
        pos = 1 if line.startswith("[") else 0
        return self.clock.detect(line, pos)

    def split(self, line: str) -> tuple[str, Header] | None:
        """(message, header) of a line that starts with a timestamp, else None."""
        found = self._time_end(line)
        if found is None:
            return None
        when, pos = found
        pos = _AFTER_TIME.match(line, pos).end()  # type: ignore[union-attr]
        level = None
        m = _LEVEL.match(line, pos)
        if m is not None and m.group(1) in LEVELS:
            level = m.group(1)
            pos = _THREAD.match(line, m.end()).end()  # type: ignore[union-attr]
        pos = _SEPARATOR.match(line, pos).end()  # type: ignore[union-attr]
        return line[pos:], Header(when, level)

    @staticmethod
    def is_continuation(line: str) -> bool:
        """True for a line that continues the previous record (indented, a stack frame, ...)."""
        return _CONTINUATION.match(line) is not None
