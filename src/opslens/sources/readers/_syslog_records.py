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

from opslens.sources.base import ReadContext
from opslens.sources.readers._prefixed import Leading, Record, group_records
from opslens.sources.readers._syslog_journal import STATUS_HEAD
from opslens.sources.readers._syslog_parse import Header

#: Lines before the first header that are still a cut-off record (more are not a fragment).
MAX_CUT_LINES = 3
#: ... or a `systemctl status` block.
MAX_STATUS_LINES = 40
#: Narrower lines are not taken for a wrap width.
MIN_WRAP_WIDTH = 60
EXPECTED = "`Mon DD HH:MM:SS host ident[pid]: msg`"


def group(
    lines: Iterable[str],
    ctx: ReadContext,
    parse: Callable[[str], Header | None],
    salvage: Callable[[list[str]], Header],
    notice: Callable[[str], bool],
) -> Iterator[Record[Header]]:
    """Records of a syslog text (`_prefixed.group_records`). `parse` gives a line's header or
    None; `salvage` the header of the lines before the first header (a cut-off line, a
    `systemctl status` block); `notice` sees those lines and journalctl's `-- ` lines first,
    and is true of lines to drop."""

    def ignore(text: str, started: bool) -> bool:
        return (not started or text[:3] == "-- ") and notice(text)

    return group_records(lines, ctx, parse, "syslog", EXPECTED, ignore, Leading(_leading_limit, salvage))


def _leading_limit(first: str) -> int:
    return MAX_STATUS_LINES if STATUS_HEAD.match(first) else MAX_CUT_LINES


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
