"""The ingest pipeline: inputs -> decoding -> reader chosen by sniffing -> Events.

Streaming throughout: events are yielded one by one and nothing here keeps them. Every problem
with an input becomes one `Skipped` entry (and a callback for a warning line); the rest of the
input is still read.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import BinaryIO

from opslens.errors import InputError
from opslens.events import Event
from opslens.sources import inputs
from opslens.sources.base import SNIFF_CHARS, ReadContext, Reader, choose_reader

#: Longer physical lines are cut to this many characters (the rest is reported, not read).
MAX_LINE_CHARS = 1024 * 1024
#: Share of undecodable characters in the head above which a file is not treated as text.
_MAX_BAD_TEXT_SHARE = 0.02
_FALLBACK_READER = "textlog"


@dataclass(frozen=True)
class Skipped:
    """One input problem: which file (and line), and why."""

    source: str
    reason: str


@dataclass
class IngestStats:
    inputs: int = 0
    lines: int = 0
    events: int = 0
    untimed: int = 0
    #: Events whose time is a guess: a neighbour's, a relative age's, or a year from the clock.
    inferred: int = 0
    readers: Counter[str] = field(default_factory=Counter)
    skipped: list[Skipped] = field(default_factory=list)
    #: Inputs (or blocks of them) read only as generic text, or that a specific reader should
    #: have understood but could not: used, but not understood.
    unrecognized: list[Skipped] = field(default_factory=list)
    #: Physical lines inside those parts.
    unrecognized_lines: int = 0

    @property
    def understood(self) -> float | None:
        """Share of the input lines read with structure (None when nothing was read)."""
        if not self.lines:
            return None
        return max(0.0, 1.0 - self.unrecognized_lines / self.lines)


@dataclass
class Prepared:
    """An input whose format is known: ready to be read (here or in a worker process)."""

    item: inputs.Readable
    reader: type[Reader]
    size: int = 0  # bytes on disk when known (plain files), else 0
    lines_per_char: float = 0.0  # measured on the head: estimates the line count of big files
    order: int = 0  # the reader's `read_order` for this input

    @property
    def estimated_lines(self) -> float:
        """Lines in the input, estimated from its size (parsing cost follows lines, not bytes)."""
        return self.size * self.lines_per_char if self.lines_per_char else float(self.size)


class CappedLines(io.TextIOBase):
    """A text stream whose line iteration cuts absurdly long lines and counts lines.

    Readers iterate it like a file; `read()` passes through for whole-document formats.
    """

    def __init__(self, raw: io.TextIOWrapper, on_long: Callable[[int, int], None]) -> None:
        self._raw = raw
        self._on_long = on_long
        self.count = 0

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        n = 0
        for line in self._raw:
            n += 1
            if len(line) > MAX_LINE_CHARS:
                self._on_long(n, len(line))
                line = line[:MAX_LINE_CHARS] + "\n"
            yield line
        self.count = n

    def read(self, size: int | None = -1) -> str:
        text = self._raw.read(size if size is not None else -1)
        self.count += text.count("\n")
        return text

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        line = self._raw.readline(size if size is not None else -1)
        if line:
            self.count += 1
        return line

    def readable(self) -> bool:
        return True


class Ingest:
    """Reads everything under `paths` into Events, recording stats and problems."""

    def __init__(
        self,
        tz: tzinfo = UTC,
        on_skip: Callable[[Skipped], None] | None = None,
        on_progress: Callable[[int], None] | None = None,
        now: float | None = None,
    ) -> None:
        self.tz = tz
        self.now = now
        self.stats = IngestStats()
        self._on_skip = on_skip
        self._on_progress = on_progress
        self._latest_time: float | None = None

    def events(self, paths: list[str]) -> Iterator[Event]:
        """All events from all inputs. Files whose format lacks a year are read last."""
        try:
            first, deferred = self.plan(paths)
            for prepared in first:
                yield from self.read(prepared, year_hint=None)
            for prepared in deferred:
                yield from self.read(prepared, year_hint=self.year_hint(), time_hint=self.time_hint())
        finally:
            inputs.cleanup()

    def plan(self, paths: list[str]) -> tuple[list[Prepared], list[Prepared]]:
        """Expand and sniff every input: (read first, read later in `read_order`: inputs with
        year-less stamps, then those with relative ages, which count back from everything else)."""
        first: list[Prepared] = []
        deferred: list[Prepared] = []
        for item in inputs.expand(paths):
            if isinstance(item, inputs.Unreadable):
                self._skip(item.where, item.reason)
                continue
            prepared = self._prepare(item)
            if prepared is not None:
                (deferred if prepared.order else first).append(prepared)
        deferred.sort(key=lambda p: p.order)  # stable: the user's order within one read order
        return first, deferred

    def year_hint(self) -> int | None:
        """The year of the latest event read so far (for formats that omit the year)."""
        return datetime.fromtimestamp(self._latest_time, tz=UTC).year if self._latest_time else None

    def time_hint(self) -> float | None:
        """Epoch of the latest event read so far: year-less stamps are placed near it."""
        return self._latest_time

    def saw_time(self, latest: float | None) -> None:
        """Fold in the newest time of inputs read elsewhere (a worker process)."""
        if latest is not None and (self._latest_time is None or latest > self._latest_time):
            self._latest_time = latest

    def _skip(self, source: str, reason: str) -> None:
        entry = Skipped(source, reason)
        self.stats.skipped.append(entry)
        if self._on_skip:
            self._on_skip(entry)

    def _prepare(self, item: inputs.Readable) -> Prepared | None:
        where = str(item.source)
        try:
            with item.open() as fh:
                head_bytes = fh.read(SNIFF_CHARS)
        except Exception as err:  # archive members can fail in many library-specific ways
            self._skip(where, f"cannot read: {err}")
            return None
        if not head_bytes.strip():
            self._skip(where, "empty file")
            return None
        if b"\x00" in head_bytes:
            self._skip(where, "binary file (contains NUL bytes)")
            return None
        head = head_bytes.decode("utf-8", errors="replace")
        # A multi-byte character cut at the end of the head is not an encoding problem.
        bad = head.count("\ufffd") - (1 if head.endswith("\ufffd") else 0)
        if bad > max(2, len(head) * _MAX_BAD_TEXT_SHARE):
            self._skip(where, "not UTF-8 text (binary or another encoding)")
            return None
        reader, score = choose_reader(head, item.source.name)
        if reader is None or score <= 0:
            self._skip(where, "unrecognised format")
            return None
        if reader.name == _FALLBACK_READER and (problem := _json_document_problem(head)):
            self._skip(where, problem)
            return None
        size = 0
        if item.source.member is None and item.source.path != "<stdin>":
            with contextlib.suppress(OSError):
                size = os.path.getsize(item.source.path)
        # Only a number is kept from the head: a bundle of thousands of files must not hold
        # thousands of 64 KiB heads until the deferred files are read.
        return Prepared(item, reader, size, head.count("\n") / len(head), reader.read_order(head))

    def read(
        self, prepared: Prepared, year_hint: int | None, time_hint: float | None = None
    ) -> Iterator[Event]:
        """Events of one prepared input; stats and problems are recorded on this Ingest.
        `year_hint`/`time_hint` (from `year_hint()`/`time_hint()`) date year-less stamps."""
        item = prepared.item
        where = str(item.source)
        stats = self.stats
        stats.inputs += 1

        def on_skip(reason: str, line: int | None) -> None:
            self._skip(f"{where}:{line}" if line is not None else where, reason)

        def on_long(line: int, length: int) -> None:
            on_skip(f"line of {length:,} characters cut to the first {MAX_LINE_CHARS:,}", line)

        def on_unrecognized(reason: str, line: int | None) -> None:
            stats.unrecognized.append(Skipped(f"{where}:{line}" if line is not None else where, reason))

        ctx = ReadContext(
            item.source, tz=self.tz, year_hint=year_hint, on_skip=on_skip, time_hint=time_hint,
            now=self.now, on_unrecognized=on_unrecognized,
        )
        reader = prepared.reader()
        produced = 0
        untimed = 0
        inferred = 0
        latest = self._latest_time
        stream: CappedLines | None = None
        try:
            with item.open() as fh:
                stream = CappedLines(_text(fh), on_long)
                for event in reader.read(stream, ctx):  # type: ignore[arg-type]
                    produced += 1
                    t = event.time
                    if t is None:
                        untimed += 1
                    else:
                        if event.time_inferred:
                            inferred += 1
                        elif latest is None or t > latest:
                            latest = t
                    if self._on_progress is not None and not produced & 0x3FFF:
                        self._on_progress(produced)
                    yield event
        except InputError as err:
            on_skip(err.reason, err.line)
        except (OSError, EOFError, ValueError) as err:
            # Corrupt compressed members and similar stream failures: keep what was read.
            on_skip(f"read failed after {produced} events: {err}", None)
        finally:
            stats.lines += max(ctx.lines, stream.count if stream else 0)
            stats.unrecognized_lines += ctx.unrecognized_lines
            stats.events += produced
            stats.untimed += untimed
            stats.inferred += inferred
            stats.readers[reader.name] += produced
            self._latest_time = latest
        if produced == 0 and reader.yields_events and not any(s.source.startswith(where) for s in stats.skipped):
            on_skip("no usable records", None)


def _text(fh: BinaryIO) -> io.TextIOWrapper:
    return io.TextIOWrapper(fh, encoding="utf-8", errors="replace", newline=None)  # type: ignore[arg-type]


def _json_document_problem(head: str) -> str | None:
    """Why a JSON-looking file that no structured reader claimed cannot be read, or None when it
    is not a JSON document at all (JSON lines, or a log line that starts with a bracket).

    The decoder gets past the first line only when the text really is JSON spread over lines;
    `[2024-10-15 ...] log` fails at once, a cut-off document fails at its end.
    """
    stripped = head.lstrip()
    if not stripped.startswith(("{", "[")):
        return None
    first_len = len(stripped.split("\n", 1)[0])
    try:
        _, end = json.JSONDecoder().raw_decode(stripped)
    except json.JSONDecodeError as err:
        body = stripped.rstrip()
        if err.pos > first_len:
            return f"invalid or truncated JSON document (line {err.lineno}: {err.msg})"
        if "\n" not in body and (err.pos >= len(body) - 1 or err.msg.startswith("Unterminated string")):
            return "truncated JSON (the text ends inside the document)"
        return None
    return "JSON document of an unsupported kind (not events, alerts, metrics, logs or history)" if end > first_len else None
