"""PostgreSQL server logs with the usual `log_line_prefix` values.

- default since PostgreSQL 10, `'%m [%p] '`: `2025-03-14 02:51:09.123 UTC [123] LOG:  msg`
- with user/database `'%m [%p] %q%u@%d '`: `... [123] app@orders FATAL:  msg`
- pgbadger-style `'%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h '`

The message level is followed by two spaces. DETAIL/HINT/QUERY/CONTEXT/STATEMENT/LOCATION
lines belong to the message before them: the parser returns severity None for them, and the
reader folds them into that record.
"""

from __future__ import annotations

import re
from typing import Any

from opslens.events import Severity
from opslens.sources.lines.base import LineFormat, LineParser, Parsed, register
from opslens.timeparse import Clock

NAME = "postgres"
_LINE = re.compile(
    r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [A-Za-z]{2,5}|[+-]\d\d)?) \[(\d+)\]:? (?:\[\d+-\d+\] )?"
    r"(.{0,200}?)\b(DEBUG[1-5]?|INFO|NOTICE|WARNING|ERROR|LOG|FATAL|PANIC|DETAIL|HINT|QUERY|CONTEXT|STATEMENT|LOCATION):  "
)
_SEVERITY = {
    "DEBUG": Severity.DEBUG, "INFO": Severity.INFO, "NOTICE": Severity.NOTICE, "WARNING": Severity.WARNING,
    "ERROR": Severity.ERROR, "LOG": Severity.INFO, "FATAL": Severity.CRITICAL, "PANIC": Severity.CRITICAL,
}  # fmt: skip
_DETAIL = frozenset({"DETAIL", "HINT", "QUERY", "CONTEXT", "STATEMENT", "LOCATION"})
_SESSION = re.compile(r"(?:([\w\-.$\[\]]*)@([\w\-.$\[\]]*)|user=([^,\s]*),db=([^,\s]*))")


def make(clock: Clock) -> LineParser:
    """The PostgreSQL parser for one file."""
    iso = clock.iso

    def parse(line: str) -> Parsed | None:
        if line[4:5] != "-" or line[10:11] != " " or "[" not in line[19:34]:
            return None
        m = _LINE.match(line)
        if m is None:
            return None
        stamp, pid, session, level = m.groups()
        attrs: dict[str, Any] = {"level": level, "pid": int(pid)}
        if session:
            s = _SESSION.search(session)
            if s is not None:
                user, db = (s.group(1), s.group(2)) if s.group(3) is None else (s.group(3), s.group(4))
                if user:
                    attrs["user"] = user
                if db:
                    attrs["database"] = db
        if level in _DETAIL:
            severity = None
        else:
            severity = _SEVERITY.get(level[:5] if level.startswith("DEBUG") else level, Severity.UNKNOWN)
        return NAME, iso(stamp), severity, line[m.end() :], attrs

    return parse


FORMAT = register(LineFormat(NAME, make, first="0123456789", order=60, description="PostgreSQL server log"))
