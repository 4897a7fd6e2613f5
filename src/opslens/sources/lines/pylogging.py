"""Python logging and the Python servers' own formats.

- cookbook `%(asctime)s - %(name)s - %(levelname)s - %(message)s`:
  `2025-03-14 09:54:13,342 - app.db - INFO - msg`
- `%(asctime)s %(levelname)s [%(name)s] %(message)s` and `%(asctime)s [%(levelname)s] %(name)s: msg`
- basicConfig default `%(levelname)s:%(name)s:%(message)s`: `WARNING:root:msg`
- uvicorn `INFO:     Started server process [1]` and its access lines
  `INFO:     10.0.0.1:5000 - "GET /x HTTP/1.1" 200 OK`
- gunicorn `[2025-03-14 02:51:09 +0000] [1] [INFO] Booting worker with pid: 8`
- celery `[2025-03-14 02:51:09,123: INFO/MainProcess] Task x[id] received`
- loguru `2025-03-14 02:51:09.123 | INFO     | app.main:run:42 - msg`
"""

from __future__ import annotations

import re
from typing import Any

from opslens.events import Severity
from opslens.sources.lines.base import LineFormat, LineParser, Parsed, register
from opslens.sources.lines.levels import LEVELS, status_severity
from opslens.timeparse import Clock

NAME = "pylog"
_PY_LEVELS = "DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|NOTSET|TRACE|SUCCESS|EXCEPTION"
_TS = r"(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[,.]\d+)?(?: ?(?:Z|[+-]\d\d:?\d\d))?)"
# one regex, the timestamp matched once: cookbook `- name - LEVEL -`, `LEVEL [name]` /
# `[LEVEL] name:`, loguru `| LEVEL | where -`
_STAMPED = re.compile(
    _TS + r"(?: - (\S+(?: \S+)*?) - (" + _PY_LEVELS + r") - "
    r"| \[?(" + _PY_LEVELS + r")\]? +(?:\[([^\]]+)\]|([\w.]+):) "
    r"| \| (" + _PY_LEVELS + r") *\| (\S+) - )"
)
_BASIC = re.compile(r"(" + _PY_LEVELS + r"):([^:\s]*):")
_UVICORN = re.compile(r"(" + _PY_LEVELS + r"):( +)")
_UVICORN_ACCESS = re.compile(r'(\S+) - "(\S+) (\S+) [^"]*" (\d{3})')
_GUNICORN = re.compile(r"\[" + _TS + r"\] \[(\d+)\] \[(" + _PY_LEVELS + r")\] ")
_CELERY = re.compile(r"\[" + _TS + r": (" + _PY_LEVELS + r")/([^\]]+)\] ")


def _uvicorn(line: str) -> Parsed | None:
    m = _UVICORN.match(line)
    if m is None or len(m.group(1)) + 1 + len(m.group(2)) != 10:  # uvicorn pads `LEVEL:` to 10
        return None
    level, message = m.group(1), line[m.end() :]
    severity = LEVELS.get(level, Severity.UNKNOWN)
    attrs: dict[str, Any] = {"level": level}
    a = _UVICORN_ACCESS.match(message)
    if a is not None:
        client, method, path, status = a.groups()
        attrs.update(client=client, method=method, path=path, status=int(status))
        severity = max(severity, status_severity(int(status)))
    return NAME, None, severity, message, attrs


def make(clock: Clock) -> LineParser:
    """The Python-logging parser for one file."""
    iso = clock.iso

    def stamped(line: str) -> Parsed | None:
        m = _STAMPED.match(line)
        if m is None:
            return None
        stamp, cb_logger, cb_level, ln_level, ln_bracketed, ln_colon, lg_level, lg_where = m.groups()
        if cb_level is not None:
            level, logger = cb_level, cb_logger
        elif ln_level is not None:
            level, logger = ln_level, ln_bracketed or ln_colon
            if ln_bracketed and line[m.end() : m.end() + 1] == "(":
                return None  # `LEVEL [logger] (thread) msg` is JBoss/Quarkus, not Python
        else:
            level, logger = lg_level, lg_where
        attrs = {"level": level, "logger": logger}
        return NAME, iso(stamp), LEVELS.get(level, Severity.UNKNOWN), line[m.end() :], attrs

    def bracketed(line: str) -> Parsed | None:
        m = _CELERY.match(line)
        if m is not None:
            stamp, level, process = m.groups()
            attrs = {"level": level, "process": process}
        else:
            m = _GUNICORN.match(line)
            if m is None:
                return None
            stamp, pid, level = m.groups()
            attrs = {"level": level, "pid": int(pid)}
        return NAME, iso(stamp), LEVELS.get(level, Severity.UNKNOWN), line[m.end() :], attrs

    def parse(line: str) -> Parsed | None:
        c = line[:1]
        if c.isdigit():
            return stamped(line) if line[4:5] == "-" else None
        if c == "[":
            return bracketed(line) if line[5:6] == "-" else None
        if line[:4] in _LEVEL_HEADS:
            m = _BASIC.match(line)
            if m is not None and m.group(2):
                level = m.group(1)
                attrs = {"level": level, "logger": m.group(2)}
                return NAME, None, LEVELS.get(level, Severity.UNKNOWN), line[m.end() :], attrs
            return _uvicorn(line)
        return None

    return parse


_LEVEL_HEADS = frozenset(w[:4] for w in _PY_LEVELS.split("|"))

FORMAT = register(LineFormat(NAME, make, first="0123456789[DIWECFNTS", order=50,
                             description="Python logging, uvicorn, gunicorn, celery"))  # fmt: skip
