"""Line formats whose records start with a recognisable prefix (syslog, dmesg).

Sniffing counts the share of the first lines that start a record. Reading groups the physical
lines into records: a line that starts one ends the record before; a line that does not
continues it (a message logged with raw newlines), up to a cap; blank lines are dropped. A
format may keep the few lines before its first record as a record of their own (`Leading`).

Not a reader: the leading underscore keeps the package's auto-import from treating it as one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, NamedTuple, TypeVar

from opslens.errors import InputError
from opslens.sources.base import SNIFF_CHARS, ReadContext

#: Lines without a header that may continue one record; more are reported as unusable.
MAX_CONTINUATION_LINES = 1000
#: Non-blank lines of the head that sniffing looks at.
_SNIFF_LINES = 50

Header = TypeVar("Header")
_tnew = tuple.__new__


def share_of_record_lines(
    head: str, starts_record: Callable[[str], bool], ignore: Callable[[str], object] | None = None
) -> float:
    """Share of the head's first non-blank lines that start a record (0 when there are none).
    A last line cut by the sniff limit is left out, and so are lines `ignore` is true of."""
    lines = head.lstrip("\ufeff").splitlines()
    if len(head) >= SNIFF_CHARS and not head.endswith("\n"):
        lines = lines[:-1]  # cut mid-line
    considered = matched = 0
    for line in lines:
        if not line.strip() or (ignore is not None and ignore(line)):
            continue
        considered += 1
        matched += starts_record(line)
        if considered >= _SNIFF_LINES:
            break
    return matched / considered if considered else 0.0


class Record(NamedTuple, Generic[Header]):
    """One record: its first physical line's number and text, its header, the lines continuing
    it, and `width`, the longest line read so far when it ended (for telling a hard-wrapped
    line from a multi-line message)."""

    line: int
    text: str
    header: Header
    continuation: list[str]
    width: int


@dataclass(frozen=True)
class Leading(Generic[Header]):
    """How a format keeps the lines before its first record (a paste cut mid-line, a block a
    tool printed above its log) as a record of their own: at most `limit(first line)` of
    them, with the header `header(lines)`. More such lines are none of that: all reported."""

    limit: Callable[[str], int]
    header: Callable[[list[str]], Header]


class _Before(Generic[Header]):
    """The lines before the first record: kept for a record of their own as `leading` says,
    else (or once there are too many) reported as unusable."""

    def __init__(self, leading: Leading[Header] | None, ctx: ReadContext, unusable: str) -> None:
        self.leading, self.ctx, self.unusable = leading, ctx, unusable
        self.lines: list[tuple[int, str]] = []
        self.limit = 0
        self.overflow = False  # more lines than `leading` keeps: none are kept

    def add(self, line_no: int, text: str) -> None:
        if not self.lines and not self.overflow and self.leading is not None:
            self.limit = self.leading.limit(text)
        if not self.overflow and len(self.lines) < self.limit:
            self.lines.append((line_no, text))
            return
        for number, _ in self.lines:
            self.ctx.skip(self.unusable, number)
        self.lines.clear()
        self.overflow = True
        self.ctx.skip(self.unusable, line_no)

    def record(self, width: int) -> Record[Header] | None:
        if not self.lines or self.leading is None:
            return None
        texts = [t for _, t in self.lines]
        return _tnew(Record, (self.lines[0][0], texts[0], self.leading.header(texts), texts[1:], width))


def group_records(
    stream: Iterable[str],
    ctx: ReadContext,
    parse: Callable[[str], Header | None],
    fmt: str,
    expected: str,
    ignore: Callable[[str, bool], object] | None = None,
    leading: Leading[Header] | None = None,
) -> Iterator[Record[Header]]:
    """The records of a text, in order.

    `parse` gives the header of a line that starts a record, else None. Blank lines are dropped,
    and so are the lines `ignore(text, started)` is true of, asked about every line that starts
    no record (`started`: whether a record has begun; e.g. journalctl's boot markers). Other
    lines continue the record before them, up to a cap; the ones before the first record form
    a record of their own as `leading` says (without it, none do). Lines that fit nowhere are
    reported as `not a {fmt} line`; a text with such lines but no record at all is an
    `InputError` naming the `expected` shape.
    """
    pending: tuple[int, str, Header] | None = None
    continuation: list[str] = []
    unusable = f"not a {fmt} line"
    before = _Before(leading, ctx, unusable)
    width = 0
    line_no = ctx.lines
    for line_no, line in enumerate(stream, start=ctx.lines + 1):  # noqa: B007
        text = line.rstrip("\r\n").lstrip("\ufeff")
        if len(text) > width:
            width = len(text)
        blank = not text or text.isspace()
        header = None if blank else parse(text)
        if header is None:
            if blank or (ignore is not None and ignore(text, pending is not None)):
                continue
            if pending is None:
                before.add(line_no, text)
            elif len(continuation) < MAX_CONTINUATION_LINES:
                continuation.append(text)
            else:
                ctx.skip(unusable, line_no)
            continue
        if pending is not None:
            yield _tnew(Record, (*pending, continuation, width))
        elif (first := before.record(width)) is not None:  # a paste that starts mid-line, ...
            yield first
        pending, continuation = (line_no, text, header), []
    ctx.lines = line_no
    if pending is not None:
        yield _tnew(Record, (*pending, continuation, width))
    elif before.lines or before.overflow:
        raise InputError(str(ctx.source), f"no {fmt} lines found (expected {expected})")
