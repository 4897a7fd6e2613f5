"""klog / glog lines (Kubernetes components, many Go operators):
`E0314 02:51:09.096230   12345 file.go:123] msg`, and klog's structured form
`I0314 02:51:09.096230       1 controller.go:42] "Syncing" pod="ns/name" err="..."`.
The header has no year: it comes from the clock's year hint (or the wrapper's time).
"""

from __future__ import annotations

import re

from opslens.sources.lines.base import LineFormat, LineParser, Parsed, register
from opslens.sources.lines.levels import LETTERS
from opslens.sources.lines.logfmt import pairs
from opslens.timeparse import Clock

NAME = "klog"
_HEADER = re.compile(r"([IWEF])(\d{4} \d\d:\d\d:\d\d(?:\.\d+)?) +(\d+) ([^ \]]+)\] ?")
_QUOTED = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"')


def make(clock: Clock) -> LineParser:
    """The klog parser for one file."""
    klog_time = clock.klog

    def parse(line: str) -> Parsed | None:
        if line[5:6] != " " or not line[1:5].isdigit():
            return None
        m = _HEADER.match(line)
        if m is None:
            return None
        letter, stamp, pid, caller = m.groups()
        message = line[m.end() :]
        attrs = {"level": letter, "caller": caller, "pid": int(pid)}
        if message[:1] == '"':  # structured: "msg" key="value" ...
            q = _QUOTED.match(message)
            if q is not None:
                rest = message[q.end() :]
                message = q.group(1).replace('\\"', '"')
                fields = pairs(rest) if "=" in rest else None
                if fields:
                    attrs["fields"] = fields
                    if "err" in fields:
                        attrs["error"] = fields["err"]
        return NAME, klog_time(stamp), LETTERS[letter], message, attrs

    return parse


FORMAT = register(LineFormat(NAME, make, first="IWEF", order=20, description="klog/glog (Kubernetes components)"))
