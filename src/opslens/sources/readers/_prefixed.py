"""Line formats whose records start with a recognisable prefix (syslog, dmesg).

Sniffing counts the share of the first lines that start a record. Reading groups the physical
lines into records: a line that starts one ends the record before; a line that does not
continues it (a message logged with raw newlines), up to a cap; blank lines are dropped.

Not a reader: the leading underscore keeps the package's auto-import from treating it as one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TextIO, TypeVar

from opslens.errors import InputError
from opslens.sources.base import SNIFF_CHARS, ReadContext

#: Lines without a header that may continue one record; more are reported as unusable.
MAX_CONTINUATION_LINES = 1000
#: Non-blank lines of the head that sniffing looks at.
_SNIFF_LINES = 50

Header = TypeVar("Header")


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


def group_records(
    stream: TextIO,
    ctx: ReadContext,
    parse: Callable[[str], Header | None],
    fmt: str,
    expected: str,
    ignore: Callable[[str], object] | None = None,
) -> Iterator[tuple[int, str, Header, list[str]]]:
    """(line number, first line, its parsed header, continuation lines) of every record.

    `parse` gives the header of a line that starts a record, else None; lines `ignore` is true
    of (e.g. journalctl's boot markers) are dropped when they start none. Lines before the first
    record or beyond the cap are reported as `not a {fmt} line`; a file with text but no record
    at all is an `InputError` naming the `expected` shape.
    """
    pending: tuple[int, str, Header] | None = None
    continuation: list[str] = []
    line_no = ctx.lines
    for line_no, line in enumerate(stream, start=ctx.lines + 1):  # noqa: B007
        text = line.rstrip("\r\n").lstrip("\ufeff")
        header = parse(text) if text else None
        if header is None:
            if not text.strip() or (ignore is not None and ignore(text)):
                continue
            if pending is not None and len(continuation) < MAX_CONTINUATION_LINES:
                continuation.append(text)
            else:
                ctx.skip(f"not a {fmt} line", line_no)
            continue
        if pending is not None:
            yield (*pending, continuation)
        pending, continuation = (line_no, text, header), []
    ctx.lines = line_no
    if pending is not None:
        yield (*pending, continuation)
    elif line_no:
        raise InputError(str(ctx.source), f"no {fmt} lines found (expected {expected})")
