"""Mine a stream of raw log lines: the loop behind `opslens mine` (pure: the caller does I/O).

Each input line gets a key, in order, so a caller can write one row per line. With a LogPAI
format only `<Content>` is mined (a line that does not fit is mined whole and counted); with a
header stripper the leading timestamp/level is cut off, and continuation lines (stack traces)
take the key of the record they continue without being mined.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

from opslens.analysis.mining.headers import HeaderStripper
from opslens.analysis.mining.logformat import LogFormat
from opslens.analysis.mining.miner import TemplateMiner
from opslens.timeparse import Clock


@dataclass
class MinedLines:
    """The miner after the stream, the key of every line (1-based line n is `keys[n-1]`), and
    how many lines did not fit the log format."""

    miner: TemplateMiner
    keys: array = field(default_factory=lambda: array("q"))
    unmatched: int = 0
    first_unmatched: int | None = None

    @property
    def lines(self) -> int:
        """Number of lines read."""
        return len(self.keys)


def mine_lines(
    lines: Iterable[str],
    miner: TemplateMiner | None = None,
    log_format: LogFormat | None = None,
    headers: HeaderStripper | None = None,
    first_line: int = 1,
) -> MinedLines:
    """Mine `lines` (line ends are stripped) and return the key of each; origins are line
    numbers, counted from `first_line`."""
    result = MinedLines(miner or TemplateMiner())
    if log_format is not None:
        _with_format(lines, result, log_format, first_line)
    elif headers is not None:
        _with_headers(lines, result, headers, first_line)
    else:
        add, append = result.miner.add, result.keys.append
        for n, line in enumerate(lines, first_line):
            append(add(line.rstrip("\r\n"), None, n))
    return result


def _with_format(lines: Iterable[str], result: MinedLines, log_format: LogFormat, first_line: int) -> None:
    add, append = result.miner.add, result.keys.append
    clock = Clock() if log_format.time_fields else None
    for n, line in enumerate(lines, first_line):
        line = line.rstrip("\r\n")
        parts = log_format.split(line, clock)
        if parts is None:
            result.unmatched += 1
            if result.first_unmatched is None:
                result.first_unmatched = n
            append(add(line, None, n))
        else:
            append(add(parts[0], parts[1], n))


def _with_headers(lines: Iterable[str], result: MinedLines, headers: HeaderStripper, first_line: int) -> None:
    add, append = result.miner.add, result.keys.append
    split, is_continuation = headers.split, headers.is_continuation
    last = None
    for n, line in enumerate(lines, first_line):
        line = line.rstrip("\r\n")
        parts = split(line)
        if parts is not None:
            last = add(parts[0], parts[1].time, n)
        elif last is None or not is_continuation(line) or not line.strip():
            last = add(line, None, n)
        append(last)
