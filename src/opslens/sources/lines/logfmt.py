"""logfmt lines: `time=2025-03-14T02:51:09Z level=info msg="handled request" status=200`.

Written by logrus's TextFormatter (non-TTY), go-kit log (`ts=`, `caller=`), slog's
TextHandler (`time=`, `level=INFO`, `source=`), Grafana/Loki/Prometheus components, Traefik,
Heroku routers and many others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from opslens.events import Severity
from opslens.sources.lines.base import LineFormat, LineParser, Parsed, register
from opslens.sources.lines.levels import level_severity, status_severity
from opslens.timeparse import Clock, epoch

NAME = "logfmt"
# a key starts the line or follows whitespace and is at most 64 characters: without both, an
# unterminated quote on a long line makes `findall` quadratic
_PAIR = re.compile(r'(?<!\S)([A-Za-z_@][\w.@/\-]{0,63})=(?:"([^"\\]*(?:\\.[^"\\]*)*)"|([^\s"]*))')
_HEAD = re.compile(r"[A-Za-z_@][\w.@/\-]{0,63}=")
_TIME, _LEVEL, _MESSAGE = 1, 2, 3
#: key -> role: 1 time, 2 level, 3 message, or the attrs name it is kept under
_ROLES: dict[str, int | str] = {
    "time": _TIME, "ts": _TIME, "t": _TIME, "timestamp": _TIME, "date": _TIME, "@timestamp": _TIME,
    "level": _LEVEL, "lvl": _LEVEL, "severity": _LEVEL, "loglevel": _LEVEL, "log.level": _LEVEL,
    "msg": _MESSAGE, "message": _MESSAGE,
    "caller": "caller", "source": "caller", "logger": "logger", "component": "logger", "module": "logger",
    "error": "error", "err": "error", "status": "status", "method": "method", "path": "path",
    "uri": "path", "url": "path", "duration": "latency", "latency": "latency", "took": "latency",
    "elapsed": "latency",
}  # fmt: skip
MAX_FIELDS = 16
MAX_FIELD_CHARS = 256


def unquote(value: str) -> str:
    """A logfmt value without its quotes (Go strconv.Quote escapes, JSON-compatible mostly)."""
    if len(value) < 2 or value[0] != '"':
        return value
    inner = value[1:-1]
    if "\\" not in inner:
        return inner
    try:
        decoded = json.loads(value)
    except ValueError:
        return inner.replace('\\"', '"')
    return decoded if isinstance(decoded, str) else inner


def pairs(text: str) -> dict[str, str]:
    """All `key=value` pairs of a logfmt text, values unquoted (later duplicates win)."""
    found = {}
    for key, quoted, bare in _PAIR.findall(text):
        if quoted and "\\" in quoted:
            quoted = unquote('"' + quoted + '"')
        found[key] = quoted or bare
    return found


def interpret(found: Iterable[tuple[str, str, str]], line: str, clock: Clock) -> Parsed | None:
    """A `Parsed` tuple from the `(key, quoted, bare)` pairs of one logfmt line, or None when
    fewer than two pairs or none of time/level/msg are there (then it is prose with `=`)."""
    when = level = message = None
    attrs: dict[str, Any] = {}
    extras: dict[str, Any] = {}
    count = 0
    for key, quoted, bare in found:
        count += 1
        value = quoted or bare
        if quoted and "\\" in quoted:
            value = unquote('"' + quoted + '"')
        role = _ROLES.get(key)
        if role is None:
            if len(extras) < MAX_FIELDS:
                extras[key] = value if len(value) <= MAX_FIELD_CHARS else value[:MAX_FIELD_CHARS] + "…"
        elif role == _TIME:
            if when is None and value:
                when = clock.iso(value) if len(value) >= 19 and value[4] == "-" else None
                if when is None:
                    detected = clock.detect(value)
                    when = detected[0] if detected else epoch(value)
        elif role == _LEVEL:
            level = level or value
        elif role == _MESSAGE:
            message = message if message is not None else value
        elif role not in attrs:
            attrs[role] = value  # type: ignore[index]
    if count < 2 or (when is None and level is None and message is None):
        return None
    severity = Severity.UNKNOWN
    if level is not None:
        attrs["level"] = level
        severity = level_severity(level)
    status = attrs.get("status")
    if status is not None:
        if status.isdigit() and 100 <= int(status) <= 599:
            attrs["status"] = int(status)
            if severity is Severity.UNKNOWN:
                severity = status_severity(attrs["status"])
        else:
            del attrs["status"]
    if extras:
        attrs["fields"] = extras
    return NAME, when, severity, line if message is None else message, attrs


def make(clock: Clock) -> LineParser:
    """The logfmt parser for one file: at least two pairs, one of them time/level/msg."""

    def parse(line: str) -> Parsed | None:
        if not _HEAD.match(line):
            return None
        return interpret(_PAIR.findall(line), line, clock)

    return parse


FORMAT = register(LineFormat(NAME, make, first="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_@", order=80,
                             description="logfmt key=value lines (logrus, go-kit, slog text)"))  # fmt: skip
