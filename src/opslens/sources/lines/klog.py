"""klog / glog lines (Kubernetes components, many Go operators):
`E0314 02:51:09.096230   12345 file.go:123] msg`, and klog's structured form
`I0314 02:51:09.096230       1 controller.go:42] "Syncing" pod="ns/name" err="..."`.
The header has no year: it comes from the clock's year hint (or the wrapper's time).
"""

from __future__ import annotations

import re
from typing import Any

from opslens.sources.lines.base import LineFormat, LineParser, Parsed, register
from opslens.sources.lines.levels import LETTERS
from opslens.sources.lines.logfmt import pairs
from opslens.timeparse import Clock

NAME = "klog"
# the header, then (structured logging) a quoted message and key="value" pairs
_LINE = re.compile(
    r'([IWEF])(\d{4} \d\d:\d\d:\d\d(?:\.\d+)?) +(\d+) ([^ \]]+)\] ?(?:"([^"\\]*(?:\\.[^"\\]*)*)"(?= |$)(.*))?'
)


def make(clock: Clock) -> LineParser:
    """The klog parser for one file."""
    klog_time = clock.klog

    def parse(line: str) -> Parsed | None:
        if line[5:6] != " " or not line[1:5].isdigit():
            return None
        m = _LINE.match(line)
        if m is None:
            return None
        letter, stamp, pid, caller, quoted, rest = m.groups()
        attrs: dict[str, Any] = {"level": letter, "caller": caller, "pid": int(pid)}
        if quoted is None:
            message = line[m.end() :]
        else:  # structured: "msg" key="value" ...
            message = quoted.replace('\\"', '"') if "\\" in quoted else quoted
            if "=" in rest:
                fields = pairs(rest)
                attrs["fields"] = fields
                if "err" in fields:
                    attrs["error"] = fields["err"]
        return NAME, klog_time(stamp), LETTERS[letter], message, attrs

    return parse


FORMAT = register(LineFormat(NAME, make, first="IWEF", order=20, description="klog/glog (Kubernetes components)"))
