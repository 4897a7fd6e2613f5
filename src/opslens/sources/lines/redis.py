"""Redis / Valkey server log: `1:M 11 Jun 2025 23:38:16.058 * Ready to accept connections`.

`pid:role` (M master, S replica, C child for RDB/AOF, X sentinel), then a day-first time and
one level character: `.` debug, `-` verbose, `*` notice, `#` warning.
"""

from __future__ import annotations

import re

from opslens.events import Severity
from opslens.sources.lines.base import LineFormat, LineParser, Parsed, register
from opslens.timeparse import Clock

NAME = "redis"
_LINE = re.compile(r"(\d+):([MSCX]) (\d\d? \w{3} \d{4} \d\d:\d\d:\d\d(?:\.\d+)?) ([.\-*#]) ")
_LEVELS = {".": Severity.DEBUG, "-": Severity.DEBUG, "*": Severity.NOTICE, "#": Severity.WARNING}
_ROLES = {"M": "master", "S": "replica", "C": "child", "X": "sentinel"}


def make(clock: Clock) -> LineParser:
    """The Redis parser for one file."""
    dmy = clock.dmy

    def parse(line: str) -> Parsed | None:
        colon = line.find(":", 1, 12)
        if colon < 0 or line[colon + 2 : colon + 3] != " ":
            return None
        m = _LINE.match(line)
        if m is None:
            return None
        pid, role, stamp, mark = m.groups()
        attrs = {"level": mark, "pid": int(pid), "role": _ROLES[role]}
        return NAME, dmy(stamp), _LEVELS[mark], line[m.end() :], attrs

    return parse


FORMAT = register(LineFormat(NAME, make, first="0123456789", order=75, description="Redis / Valkey server log"))
