"""JSON-lines application logs: one JSON object per line.

Key names of the common libraries: zap (`ts`, `level`, `msg`, `caller`, `stacktrace`), logrus
(`time`, `level`, `msg`, `error`), slog (`time`, `level`, `msg`, `source`), pino/bunyan
(`time` in ms, numeric `level` 10..60, `msg`, `err`, `name`, `hostname`), Serilog compact
(`@t`, `@l` absent for Information, `@m`/`@mt`, `@x`), ECS (`@timestamp`, `log.level`,
`message`, `error.*`), GCP (`severity`, `message`, `timestamp`), winston (`level`, `message`,
`timestamp`), structlog (`event`), python-json-logger (`levelname`, `asctime`), log4j2
JsonLayout (`instant`, `level`, `loggerName`, `thrown`), MongoDB (`t.$date`, `s`, `c`, `msg`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from opslens.events import Severity
from opslens.sources.lines.base import LineFormat, LineParser, Parsed, register
from opslens.sources.lines.jsonfields import (
    MAX_FIELD_CHARS,
    Plan,
    caller,
    error_fields,
    http_fields,
    make_plan,
    severity_of,
    text,
    time_of,
)
from opslens.sources.lines.levels import LEVELS, level_severity, status_severity
from opslens.timeparse import Clock

try:  # optional accelerator: 3-4x faster than the standard library on log-sized objects
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - depends on the environment
    _fast_loads = None

_std_loads = json.loads
NAME = "jsonlog"

MAX_ERROR_CHARS = 16384


def loads(text: str) -> Any:
    """Parse JSON (orjson when installed, else the standard library); None when invalid."""
    if _fast_loads is not None:
        try:
            return _fast_loads(text)
        except (ValueError, TypeError):
            pass  # orjson rejects some valid inputs (NaN, huge ints, lone surrogates): retry
    try:
        return _std_loads(text)
    except (ValueError, RecursionError):
        return None


_LATENCY_TYPES = frozenset((int, float, str))
_SCALARS = frozenset((str, int, float, bool, type(None)))
Extractor = Callable[[dict[str, Any], str, Clock], Parsed]
_EXTRACTORS: dict[tuple[str, ...], Extractor] = {}
_EXTRACTOR_LIMIT = 1024


def interpret(obj: dict[str, Any], line: str, clock: Clock) -> Parsed:
    """A parsed JSON log object as a `Parsed` tuple (also used by the Loki reader)."""
    keys = tuple(obj)
    extract = _EXTRACTORS.get(keys)
    if extract is None:
        if len(_EXTRACTORS) >= _EXTRACTOR_LIMIT:
            _EXTRACTORS.clear()
        extract = _EXTRACTORS[keys] = _compile(make_plan(keys))
    return extract(obj, line, clock)


def _compile(plan: Plan) -> Extractor:
    """An extractor specialised to one key layout: it looks up only the keys present."""
    time_key, level_key, message_key = plan.time, plan.level, plan.message
    logger_key, caller_key, thread_key, extras = plan.logger, plan.caller, plan.thread, plan.extras
    status_key, method_key, path_key, latency_key = plan.status, plan.method, plan.path, plan.latency
    nested_http = plan.http is not None or plan.status is None  # pino req/res, Caddy, GCP: slow path
    has_http = bool(plan.status or plan.http or plan.method)
    has_errors = bool(plan.error or plan.stack)

    def extract(obj: dict[str, Any], line: str, clock: Clock) -> Parsed:
        when = None
        if time_key is not None:
            value = obj[time_key]
            if type(value) is str and len(value) >= 19 and value[4] == "-":
                when = clock.iso(value)
            elif type(value) is float and 1e8 <= value < 1e11:  # zap/structlog epoch seconds
                when = value
            elif value is not None:
                when = time_of(value, clock)
        attrs: dict[str, Any] = {}
        level = obj[level_key] if level_key is not None else None
        if type(level) is str:
            severity = LEVELS.get(level) or level_severity(level)
            attrs["level"] = level
        else:
            severity, level = severity_of(obj, plan)
            if level is not None:
                attrs["level"] = level
        if has_http:
            status = obj[status_key] if status_key is not None else None
            if nested_http or type(status) is not int or not 100 <= status <= 599:
                status = http_fields(obj, plan, attrs)
            else:  # the common flat layout (zap, logrus, slog): status, method, path, latency
                attrs["status"] = status
                if method_key is not None and type(obj[method_key]) is str:
                    attrs["method"] = obj[method_key]
                if path_key is not None and type(obj[path_key]) is str:
                    attrs["path"] = obj[path_key][:MAX_FIELD_CHARS]
                if latency_key is not None and type(obj[latency_key]) in _LATENCY_TYPES:
                    attrs["latency"] = obj[latency_key]
            if status is not None and severity is Severity.UNKNOWN:
                severity = status_severity(status)
        if has_errors:
            error_fields(obj, plan, attrs)
        if logger_key is not None and type(obj[logger_key]) is str:
            attrs["logger"] = obj[logger_key]
        if caller_key is not None:
            where = obj[caller_key]
            if type(where) is not str:
                where = caller(where)
            if where:
                attrs["caller"] = where
        if thread_key is not None:
            thread = obj[thread_key]
            if type(thread) is str or type(thread) is int:
                attrs["thread"] = thread
        if extras:
            fields = {}
            for key in extras:
                value = obj[key]
                if type(value) in _SCALARS:
                    fields[key] = value if type(value) is not str or len(value) <= MAX_FIELD_CHARS else value[:MAX_FIELD_CHARS] + "…"
            if fields:
                attrs["fields"] = fields
        message = obj[message_key] if message_key is not None else None
        if type(message) is not str:
            if message is None and "status" in attrs:  # a JSON access log: say what happened
                message = f"{attrs.get('method', '-')} {attrs.get('path', '-')} {attrs['status']}"
            else:
                message = line if message is None else text(message, MAX_ERROR_CHARS)
        return NAME, when, severity, message, attrs

    return extract


def make(clock: Clock) -> LineParser:
    """The JSON-lines parser for one file."""

    fast = _fast_loads

    def parse(line: str) -> Parsed | None:
        if line[-1] != "}" and line.rstrip()[-1:] != "}":
            return None
        if fast is not None:  # loads(), inlined for the common case
            try:
                obj = fast(line)
            except (ValueError, TypeError):
                obj = loads(line)
        else:
            obj = loads(line)
        if type(obj) is not dict:
            return None
        keys = tuple(obj)  # interpret(), inlined: this is the hot path of JSON logs
        extract = _EXTRACTORS.get(keys)
        if extract is None:
            return interpret(obj, line, clock)
        return extract(obj, line, clock)

    return parse


FORMAT = register(LineFormat(NAME, make, first="{", order=10, description="JSON lines (zap, logrus, slog, pino, Serilog, ECS, GCP, ...)"))
