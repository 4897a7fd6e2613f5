"""Key names of JSON log layouts and the helpers that read them (used by `jsonlog`).

A `Plan` says which key plays which role (time, level, message, error, ...) for one key
layout; lines of one application share a layout, so plans are computed once per layout.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from opslens.events import Severity
from opslens.sources.lines.levels import LETTERS, level_severity, numeric_severity
from opslens.timeparse import Clock, epoch

TIME_KEYS = ("time", "ts", "timestamp", "@timestamp", "t", "@t", "date", "datetime", "asctime",
             "Timestamp", "eventTime", "timeMillis", "instant", "time_local", "logtime", "start_time",
             "time_iso8601")  # fmt: skip
LEVEL_KEYS = ("level", "severity", "lvl", "levelname", "log.level", "@l", "loglevel", "log_level",
              "Level", "levelName", "LogLevel", "Severity")  # fmt: skip
MESSAGE_KEYS = ("msg", "message", "@m", "log", "event", "short_message", "MESSAGE", "Message",
                "text", "body", "@mt", "messageTemplate")  # fmt: skip
ERROR_KEYS = ("error", "err", "exception", "error.message", "exc", "errorVerbose", "Exception", "thrown")
STACK_KEYS = ("stacktrace", "stack_trace", "stack", "exc_info", "@x", "error.stack_trace")
LOGGER_KEYS = ("logger", "logger_name", "loggerName", "log.logger", "SourceContext", "Category", "component", "name",
               "module")  # fmt: skip
CALLER_KEYS = ("caller", "source", "log.origin", "logging.googleapis.com/sourceLocation", "src", "func")
THREAD_KEYS = ("thread", "thread_name", "threadName", "process.thread.name", "goroutine")
STATUS_KEYS = ("status", "status_code", "statusCode", "http.response.status_code", "response_code", "code",
               "upstream_status")  # fmt: skip
METHOD_KEYS = ("method", "http.request.method", "request_method", "http_method", "verb")
PATH_KEYS = ("path", "url", "uri", "request_uri", "url.path", "route", "endpoint")
HTTP_KEYS = ("req", "request", "httpRequest", "http")
LATENCY_KEYS = ("latency", "duration", "responseTime", "response_time", "request_time", "elapsed",
                "took", "duration_ms", "latency_ms", "elapsed_ms", "time_taken")  # fmt: skip
_KNOWN = frozenset(TIME_KEYS + LEVEL_KEYS + MESSAGE_KEYS + ERROR_KEYS + STACK_KEYS + LOGGER_KEYS + CALLER_KEYS
                   + THREAD_KEYS + STATUS_KEYS + METHOD_KEYS + PATH_KEYS + LATENCY_KEYS + HTTP_KEYS + ("s", "res"))  # fmt: skip

MAX_FIELDS = 16  # extra scalar fields kept per line
MAX_FIELD_CHARS = 256
MAX_ERROR_CHARS = 16384


class Plan(NamedTuple):
    """Which key plays which role, for one key layout (lines of one app share a layout)."""

    time: str | None
    level: str | None
    message: str | None
    error: str | None
    stack: str | None
    logger: str | None
    caller: str | None
    thread: str | None
    status: str | None
    method: str | None
    path: str | None
    latency: str | None
    http: str | None  # a nested request object: pino `req`, Caddy `request`, GCP `httpRequest`
    extras: tuple[str, ...]
    mongo: bool


def make_plan(keys: tuple[str, ...]) -> Plan:
    """The roles of the keys of one layout (the first candidate present wins)."""
    present = set(keys)

    def pick(candidates: tuple[str, ...]) -> str | None:
        return next((k for k in candidates if k in present), None)

    mongo = "t" in present and "s" in present and "msg" in present
    return Plan(
        time=pick(TIME_KEYS), level=pick(LEVEL_KEYS), message=pick(MESSAGE_KEYS),
        error=pick(ERROR_KEYS), stack=pick(STACK_KEYS),
        logger="c" if mongo and "c" in present else pick(LOGGER_KEYS),
        caller=pick(CALLER_KEYS), thread=pick(THREAD_KEYS), status=pick(STATUS_KEYS),
        method=pick(METHOD_KEYS), path=pick(PATH_KEYS), latency=pick(LATENCY_KEYS),
        http=pick(HTTP_KEYS), extras=tuple(k for k in keys if k not in _KNOWN)[:MAX_FIELDS], mongo=mongo,
    )  # fmt: skip


def text(value: Any, limit: int) -> str:
    """A value as text (JSON for non-strings), cut to `limit` characters."""
    out = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return out if len(out) <= limit else out[:limit] + "…"


def time_of(value: Any, clock: Clock) -> float | None:
    """Epoch seconds of a JSON time value: ISO text, epoch number, or a Mongo/GCP/log4j2 object."""
    if isinstance(value, str):
        if len(value) >= 19 and value[4] == "-" and value[10] in "T t":
            return clock.iso(value)
        found = clock.detect(value)
        return found[0] if found else epoch(value)
    if isinstance(value, int | float):
        return epoch(value)
    if isinstance(value, dict):  # Mongo {"$date"}, GCP {seconds, nanos}, log4j2 {epochSecond, nanoOfSecond}
        if "$date" in value:
            return time_of(value["$date"], clock)
        seconds = value.get("seconds", value.get("epochSecond"))
        if isinstance(seconds, int | float) and not isinstance(seconds, bool):
            nanos = value.get("nanos", value.get("nanoOfSecond", 0))
            return float(seconds) + (nanos / 1e9 if isinstance(nanos, int | float) else 0.0)
    return None


def severity_of(obj: dict[str, Any], plan: Plan) -> tuple[Severity, Any]:
    """Severity and the level value as written (numeric pino levels, ECS, Mongo, Serilog)."""
    level = obj[plan.level] if plan.level else None
    if isinstance(level, str):
        return level_severity(level), level
    if isinstance(level, int | float) and not isinstance(level, bool):
        return numeric_severity(level), level
    nested = obj.get("log")
    if isinstance(nested, dict) and isinstance(nested.get("level"), str):  # ECS nested {"log": {"level"}}
        return level_severity(nested["level"]), nested["level"]
    if plan.mongo and isinstance(obj["s"], str):  # MongoDB: "s": "I"/"W"/"E"/"F"/"D1"
        return LETTERS.get(obj["s"][:1], Severity.UNKNOWN), obj["s"]
    if "@t" in obj and "@l" not in obj:  # Serilog compact JSON omits Information
        return Severity.INFO, None
    return Severity.UNKNOWN, None


def caller(value: Any) -> str | None:
    """`file:line` of a caller field, which may be text or an object."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):  # slog AddSource / GCP sourceLocation / ECS log.origin
        file = value.get("file")
        if isinstance(file, dict):
            file, line = file.get("name"), file.get("line")
        else:
            line = value.get("line")
        if file:
            return f"{file}:{line}" if line is not None else str(file)
        func = value.get("function")
        return str(func) if func else None
    return None


def http_fields(obj: dict[str, Any], plan: Plan, attrs: dict[str, Any]) -> int | None:
    """Put status/method/path/latency into `attrs`; return the HTTP status if valid."""
    status = obj[plan.status] if plan.status else None
    method = obj[plan.method] if plan.method else None
    path = obj[plan.path] if plan.path else None
    req = obj[plan.http] if plan.http else None
    if isinstance(req, dict):  # pino-http req/res, Caddy request, GCP httpRequest
        method = method or req.get("method") or req.get("requestMethod")
        path = path if isinstance(path, str) else (req.get("url") or req.get("uri") or req.get("requestUrl"))
        status = status or req.get("status")
    res = obj.get("res")
    if status is None and isinstance(res, dict):
        status = res.get("statusCode")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if isinstance(status, int) and not isinstance(status, bool) and 100 <= status <= 599:
        attrs["status"] = status
    else:
        status = None
    if isinstance(method, str):
        attrs["method"] = method
    if isinstance(path, str):
        attrs["path"] = path[:MAX_FIELD_CHARS]
    latency = obj[plan.latency] if plan.latency else None
    if isinstance(latency, int | float | str) and not isinstance(latency, bool):
        attrs["latency"] = latency
    return status


def error_fields(obj: dict[str, Any], plan: Plan, attrs: dict[str, Any]) -> None:
    """Put the error message and stack (bounded) into `attrs`."""
    error = obj[plan.error] if plan.error else None
    stack = obj[plan.stack] if plan.stack else None
    if isinstance(error, dict):  # pino `err`, ECS `error`, log4j2 `thrown`
        stack = stack or error.get("stack") or error.get("stack_trace") or error.get("extendedStackTrace")
        error = error.get("message") or error.get("type") or error.get("name") or error
    if error is not None and error != "":
        attrs["error"] = text(error, MAX_ERROR_CHARS)
    if stack is not None and stack is not True and stack is not False and stack != "":
        attrs["stack"] = text(stack, MAX_ERROR_CHARS)
