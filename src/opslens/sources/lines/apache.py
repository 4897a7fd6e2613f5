"""Apache httpd error log (2.4 and 2.2) and PHP-FPM's log.

- 2.4: `[Fri Mar 14 02:51:09.123456 2025] [core:error] [pid 123:tid 456] [client 1.2.3.4:5678] AH00124: msg`
- 2.2: `[Fri Mar 14 02:51:09 2025] [error] [client 1.2.3.4] msg`
- PHP-FPM: `[14-Mar-2025 02:51:09] NOTICE: fpm is running, pid 1`
Access logs in Apache's `combined` format are handled by the nginx module (same layout).
"""

from __future__ import annotations

import re
from typing import Any

from opslens.sources.lines.base import LineFormat, LineParser, Parsed, register
from opslens.sources.lines.levels import level_severity
from opslens.timeparse import Clock

NAME = "apache"
_ERROR = re.compile(r"\[(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)? \d{4})\] \[(?:([\w-]+):)?(\w+)\] ")
_PID = re.compile(r"\[pid (\d+)(?::tid \d+)?\] ")
_CLIENT = re.compile(r"\[(?:client|remote) ([^\]]+)\] ")
_FPM = re.compile(r"\[(\d\d-\w{3}-\d{4} \d\d:\d\d:\d\d)(?: [A-Za-z/_]+)?\] (\w+): ")


def make(clock: Clock) -> LineParser:
    """The Apache/PHP-FPM parser for one file."""
    asctime, dmy = clock.asctime, clock.dmy

    def parse(line: str) -> Parsed | None:
        if line[:1] != "[":
            return None
        m = _ERROR.match(line)
        if m is not None:
            stamp, module, level = m.groups()
            attrs: dict[str, Any] = {"level": level}
            if module:
                attrs["module"] = module
            pos = m.end()
            if (p := _PID.match(line, pos)) is not None:
                attrs["pid"], pos = int(p.group(1)), p.end()
            if (c := _CLIENT.match(line, pos)) is not None:
                attrs["client"], pos = c.group(1), c.end()
            return NAME, asctime(stamp), level_severity(level), line[pos:], attrs
        m = _FPM.match(line)
        if m is None:
            return None
        stamp, level = m.groups()
        return NAME, dmy(stamp), level_severity(level), line[m.end() :], {"level": level}

    return parse


FORMAT = register(LineFormat(NAME, make, first="[", order=70, description="Apache httpd error log, PHP-FPM"))
