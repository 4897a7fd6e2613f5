"""Grouping the physical lines of a syslog paste into records.

A line with a header starts a record; a line without one continues the record before (a message
logged with raw newlines, journalctl's indented continuation, or a paste hard-wrapped at the
terminal or ticket width), up to a cap; blank lines and journalctl's own `-- ... --` lines are
dropped. A paste often starts mid-line: the few lines before the first header are kept as a
record of their own (`attrs["cut"]`), not thrown away; so is the unit block `systemctl status`
prints before its journal lines. A file with text but no header at all is
an `InputError`, unless journalctl's own lines are all it holds (`-- No entries --`).

Not a reader: the leading underscore keeps the package's auto-import from treating it as one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from opslens.errors import InputError
from opslens.sources.base import ReadContext
from opslens.sources.readers._syslog_journal import STATUS_HEAD
from opslens.sources.readers._syslog_parse import Header

#: Lines without a header that may continue one record; more are reported as unusable.
MAX_CONTINUATION_LINES = 1000
#: Lines before the first header that are still a cut-off record (more are not a fragment).
MAX_CUT_LINES = 3
#: ... or a `systemctl status` block.
MAX_STATUS_LINES = 40
#: Narrower lines are not taken for a wrap width.
MIN_WRAP_WIDTH = 60
EXPECTED = "`Mon DD HH:MM:SS host ident[pid]: msg`"


class Record(NamedTuple):
    """One record: its first physical line, number and header, and the lines continuing it.
    `width` is the longest line read so far (for telling wraps from multi-line messages)."""

    line: int
    text: str
    header: Header
    continuation: list[str]
    width: int


def group(
    lines: Iterable[str],
    ctx: ReadContext,
    parse: Callable[[str], Header | None],
    salvage: Callable[[list[str]], Header],
    notice: Callable[[str], bool],
) -> Iterator[Record]:
    """Records of a syslog text. `parse` gives a line's header or None; `salvage` the header of
    the lines before the first header (a cut-off line, a `systemctl status` block); `notice`
    sees those lines and journalctl's `-- ` lines first, and is true of lines to drop."""
    pending: Record | None = None
    leading: list[tuple[int, str]] = []
    limit = MAX_CUT_LINES
    overflow = False  # more text before the first header than a cut-off line or status block
    width = 0
    line_no = ctx.lines
    for line_no, line in enumerate(lines, start=ctx.lines + 1):  # noqa: B007
        text = line.rstrip("\r\n").lstrip("\ufeff")
        if len(text) > width:
            width = len(text)
        header = parse(text) if text.strip() else None
        if header is None:
            if not text.strip() or ((pending is None or text[:3] == "-- ") and notice(text)):
                continue
            if pending is not None:
                if len(pending.continuation) < MAX_CONTINUATION_LINES:
                    pending.continuation.append(text)
                else:
                    ctx.skip("not a syslog line", line_no)
                continue
            if not leading and STATUS_HEAD.match(text):
                limit = MAX_STATUS_LINES
            if not overflow and len(leading) < limit:
                leading.append((line_no, text))
                continue
            for early, _ in leading:
                ctx.skip("not a syslog line", early)
            leading.clear()
            overflow = True
            ctx.skip("not a syslog line", line_no)
            continue
        if pending is not None:
            yield pending._replace(width=width)
        elif leading:  # a paste that starts mid-line, or a status block: a record of its own
            texts = [t for _, t in leading]
            yield Record(leading[0][0], texts[0], salvage(texts), texts[1:], width)
        pending = Record(line_no, text, header, [], width)
    ctx.lines = line_no
    if pending is not None:
        yield pending._replace(width=width)
    elif leading or overflow:  # text, but not one header: not syslog at all
        raise InputError(str(ctx.source), f"no syslog lines found (expected {EXPECTED})")


def wrapped_join(first: str, continuation: list[str], width: int) -> str | None:
    """The text the continuation lines add to the message when they are a hard wrap of one long
    line (terminal or ticket width), else None (a multi-line message: kept apart).

    A wrap: every line but the last is full, i.e. the next line's first word would not have fit
    on it within `width`, the longest line of the file; and no continuation line is indented.
    A terminal wrap (lines of exactly `width`) splits words: its pieces join without a space;
    a line one short of it lost a trailing space to the copy. Word wraps join with a space.
    """
    if width < MIN_WRAP_WIDTH or not continuation:
        return None
    lines = [first, *continuation]
    for line, after in zip(lines, continuation, strict=False):
        if after[:1] in (" ", "\t") or len(line) + 1 + len(after.split(" ", 1)[0]) <= width:
            return None
    terminal = all(len(line) >= width - 1 for line in lines[:-1])
    parts: list[str] = []
    for line, after in zip(lines, continuation, strict=False):
        gap = "" if terminal and len(line) == width else " "
        parts.append(gap + after)
    return "".join(parts)
