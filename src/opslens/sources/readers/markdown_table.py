"""Markdown tables pasted into tickets and chats (`| pod | restarts | throttled |`).

People summarise what they measured in a table: CFS counters per pod, restarts per node, disk
use per volume. A table only means something whole (a value needs its column and its row), so
each table is one record: `raw` is the table verbatim, `message` the same rows, which the
knowledge base searches. Lines between tables are read as plain text, one record each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar, TextIO

from opslens.events import Event, EventKind, Severity
from opslens.sources.base import ReadContext, Reader, register

_ROW = re.compile(r"^\s*\|.*\|\s*$")
# `|---|:--:|`: cells of 3+ dashes (colons for alignment) each closed by a pipe, then maybe a last
# open cell. Blanks are possessive (`\s*+`): they never give back what they took, so a line that
# is no separator (`|---|` then thousands of spaces and a letter) fails in linear time instead of
# retrying every split of its blanks between the neighbouring `\s*`.
_SEPARATOR = re.compile(r"^\s*+\|?(?:\s*+:?-{3,}+:?\s*+\|)++\s*+(?::?-*+:?)?\s*+\|?\s*+$")


@register
class MarkdownTableReader(Reader):
    """Markdown (GitHub-flavoured) tables, one record per table."""

    name: ClassVar[str] = "markdown-table"
    description: ClassVar[str] = "markdown tables pasted into tickets (one record per table)"

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        lines = [line for line in head.splitlines()[:200] if line.strip()]
        if len(lines) < 3:
            return 0.0
        rows = sum(1 for line in lines if _ROW.match(line))
        has_separator = any(_SEPARATOR.match(line) for line in lines[:50])
        return 0.8 if has_separator and rows >= 3 and rows >= 0.6 * len(lines) else 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        table: list[tuple[int, str]] = []
        line_no = 0
        for line_no, raw in enumerate(stream, start=1):  # noqa: B007
            line = raw.rstrip("\r\n")
            if _ROW.match(line):
                table.append((line_no, line))
                continue
            if table:
                yield self._table(table, ctx)
                table = []
            if line.strip():
                ctx.unrecognized("text between markdown tables", line_no, lines=1)
                yield _text(line, line_no, ctx)
        if table:
            yield self._table(table, ctx)
        ctx.lines += line_no

    def _table(self, rows: list[tuple[int, str]], ctx: ReadContext) -> Event:
        text = "\n".join(line for _, line in rows)
        return Event(
            time=None,
            kind=EventKind.LOG,
            source=self.name,
            origin=ctx.source.origin(rows[0][0]),
            message=text,
            raw=text,
            severity=Severity.UNKNOWN,
            namespace=ctx.source.identity.namespace,
            entity=ctx.source.identity.entity,
            attrs={"rows": len(rows)},
        )


def _text(line: str, line_no: int, ctx: ReadContext) -> Event:
    return Event(None, EventKind.LOG, "text", ctx.source.origin(line_no), line.strip(), line)
