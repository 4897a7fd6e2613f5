"""logfmt lines: `time=2025-03-14T02:51:09Z level=info msg="handled request" status=200`.

Written by logrus's TextFormatter (non-TTY), go-kit log (`ts=`, `caller=`), slog's
TextHandler (`time=`, `level=INFO`, `source=`), Grafana/Loki/Prometheus components, Traefik,
Heroku routers and many others.
"""

from __future__ import annotations

import json
import re
from typing import Any

from opslens.events import Severity
from opslens.sources.lines.base import LineFormat, LineParser, Parsed, register
from opslens.sources.lines.levels import level_severity, status_severity
from opslens.timeparse import Clock, epoch

NAME = "logfmt"
_PAIR = re.compile(r'([A-Za-z_@][\w.@/\-]*)=("[^"\\]*(?:\\.[^"\\]*)*"|[^\s"]*)')
_HEAD = re.compile(r"[A-Za-z_@][\w.@/\-]*=")
_TIME_KEYS = ("time", "ts", "t", "timestamp", "date", "@timestamp")
_LEVEL_KEYS = ("level", "lvl", "severity", "loglevel", "log.level")
_MESSAGE_KEYS = ("msg", "message", "event")
_ATTR_KEYS = {"caller": "caller", "source": "caller", "logger": "logger", "component": "logger",
              "module": "logger", "error": "error", "err": "error", "status": "status",
              "method": "method", "path": "path", "uri": "path", "url": "path", "duration": "latency",
              "latency": "latency", "took": "latency", "elapsed": "latency"}  # fmt: skip
_MARKERS = frozenset(_TIME_KEYS + _LEVEL_KEYS + _MESSAGE_KEYS)
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
    return {k: unquote(v) for k, v in _PAIR.findall(text)}


def interpret(found: dict[str, str], line: str, clock: Clock) -> Parsed:
    """Turn the pairs of one logfmt line into a `Parsed` tuple."""
    when = None
    for key in _TIME_KEYS:
        value = found.get(key)
        if value:
            when = clock.iso(value) if len(value) >= 19 and value[4] == "-" else None
            if when is None:
                detected = clock.detect(value)
                when = detected[0] if detected else epoch(value)
            break
    severity, attrs = Severity.UNKNOWN, {}
    for key in _LEVEL_KEYS:
        if key in found:
            attrs["level"] = found[key]
            severity = level_severity(found[key])
            break
    message = next((found[k] for k in _MESSAGE_KEYS if k in found), None)
    extras: dict[str, Any] = {}
    for key, value in found.items():
        role = _ATTR_KEYS.get(key)
        if role is not None:
            attrs.setdefault(role, value)
        elif key not in _MARKERS and len(extras) < MAX_FIELDS:
            extras[key] = value if len(value) <= MAX_FIELD_CHARS else value[:MAX_FIELD_CHARS] + "…"
    status = attrs.get("status")
    if isinstance(status, str):
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
        found = pairs(line)
        if len(found) < 2 or _MARKERS.isdisjoint(found):
            return None
        return interpret(found, line, clock)

    return parse


FORMAT = register(LineFormat(NAME, make, first="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_@", order=80,
                             description="logfmt key=value lines (logrus, go-kit, slog text)"))  # fmt: skip
