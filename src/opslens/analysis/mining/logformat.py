"""LogPAI-style line formats: `<Date> <Time> <Level> <Component>: <Content>`.

As in LogPAI's tools, each `<Field>` matches lazily, the text between fields is a regular
expression fragment (escape literal brackets: `\\[<Time>\\]`) and a run of spaces matches any
whitespace. Only `<Content>` is mined; date and time fields, when present, give the line's time.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from opslens.timeparse import Clock

_FIELD = re.compile(r"<([A-Za-z_][A-Za-z0-9_]*)>")
#: Fields whose values, joined in format order, make the line's timestamp.
_TIME_FIELDS = ("Month", "Date", "Day", "Time", "Timestamp", "Year")


class LogFormat(NamedTuple):
    """A compiled line format: the regex and the names of the fields that carry time."""

    regex: re.Pattern[str]
    time_fields: tuple[str, ...]

    def split(self, line: str, clock: Clock | None = None) -> tuple[str, float | None] | None:
        """(content, time) of a line in this format, or None when the line does not fit."""
        m = self.regex.match(line)
        if m is None:
            return None
        when = None
        if clock is not None and self.time_fields:
            stamp = " ".join(m.group(f) for f in self.time_fields)
            found = clock.detect(stamp.lstrip("["))
            when = found[0] if found else None
        return m.group("Content"), when


def compile_format(fmt: str) -> LogFormat:
    """Compile a LogPAI format. ValueError (one line) when it has no `<Content>` or is not a
    valid pattern."""
    parts = _FIELD.split(fmt)
    names = parts[1::2]
    if "Content" not in names:
        raise ValueError("the log format needs a <Content> field (the message to mine)")
    if len(set(names)) != len(names):
        raise ValueError("a field appears twice in the log format")
    regex = ""
    for i, part in enumerate(parts):
        if i % 2:
            regex += f"(?P<{part}>.*?)"
        else:
            regex += re.sub(" +", r"\\s+", part)
    try:
        compiled = re.compile("^" + regex + "$")
    except re.error as exc:
        raise ValueError(f"the log format is not a valid pattern ({exc.msg}); escape [ ] ( ) as \\[ \\]") from None
    time_fields = tuple(n for n in names if n in _TIME_FIELDS and n != "Content")
    return LogFormat(compiled, time_fields)
