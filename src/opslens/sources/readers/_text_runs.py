"""Lines of a kubectl table paste that are no rows (a log excerpt, a YAML block, prose), read
as the generic text reader reads a log, at their own line numbers of the input.

Not a reader: the leading underscore keeps the package's auto-import from treating it as one.
"""

from __future__ import annotations

from collections.abc import Iterator

from opslens.events import Event, Severity
from opslens.sources.base import ReadContext
from opslens.sources.lines.records import assemble, infer_times
from opslens.sources.readers.textlog import GENERIC_SOURCE


class TextRun:
    """Consecutive lines that are no rows, read as the generic text reader reads a log (one
    record per line, or per multi-line record such as a YAML block or a stack trace)."""

    def __init__(self, ctx: ReadContext, between_rows: str) -> None:
        self.ctx = ctx
        self.between_rows = between_rows  # how text between a table's rows is reported
        self.lines: list[str] = []
        self.start = 0  # line number of the first
        self.in_table = False  # between a table's rows (text before any table is reported apart)

    def add(self, line: str, line_no: int, in_table: bool) -> None:
        if not self.lines:
            self.start, self.in_table = line_no, in_table
        self.lines.append(line)

    def blank(self, line: str) -> None:
        """A blank line inside a run (kept: the run's line numbers and records stay whole)."""
        if self.lines:
            self.lines.append(line)

    def flush(self) -> Iterator[Event]:
        """The run's events at their lines of the input; the run is empty afterwards."""
        if not self.lines:
            return
        lines, self.lines = self.lines, []
        ctx, counted = self.ctx, self.ctx.lines
        events = list(assemble(lines, ctx))
        ctx.lines = counted  # `read` counted every line of the input already
        # no format, no time and no level: nothing but words (counted as textlog counts them)
        plain = [e for e in events if e.source == GENERIC_SOURCE and e.time is None and e.severity == Severity.UNKNOWN]
        for event in infer_times(events):
            yield event._replace(origin=ctx.source.origin(self._line(event)))
        if plain and self.in_table:
            lines_of_text = sum(e.raw.count("\n") + 1 for e in plain)
            ctx.unrecognized(self.between_rows, self._line(plain[0]), lines=lines_of_text)

    def _line(self, event: Event) -> int:
        """The input's line number of an event read from the run (numbered from 1)."""
        return self.start + (event.origin.line or 1) - 1
