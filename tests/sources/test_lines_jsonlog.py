"""JSON-lines logs: the key names of zap, logrus, slog, pino/bunyan, Serilog, ECS, GCP, ..."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from opslens.events import Severity
from opslens.sources.lines import jsonlog
from opslens.sources.lines.jsonfields import MAX_FIELDS
from opslens.timeparse import Clock

INF, N, W, E, C, D, U = (Severity.INFO, Severity.NOTICE, Severity.WARNING, Severity.ERROR, Severity.CRITICAL,
                       Severity.DEBUG, Severity.UNKNOWN)  # fmt: skip


def at(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def parse(obj: dict[str, Any] | str) -> tuple[Any, ...] | None:
    line = obj if isinstance(obj, str) else json.dumps(obj)
    return jsonlog.make(Clock(year=2025))(line)


# (library, object, time, severity, message, a subset of attrs)
CASES: list[tuple[str, dict[str, Any], str | None, Severity, str, dict[str, Any]]] = [
    ("zap", {"level": "error", "ts": 1741920669.123, "caller": "db/pool.go:77", "msg": "query failed",
             "error": "timeout", "stacktrace": "main.run\n\t/app/main.go:12"},
     "2025-03-14T02:51:09.123Z", E, "query failed",
     {"caller": "db/pool.go:77", "error": "timeout", "stack": "main.run\n\t/app/main.go:12", "level": "error"}),
    ("zap dev", {"L": "x", "level": "dpanic", "ts": "2025-03-14T02:51:09.123Z", "msg": "m"},
     "2025-03-14T02:51:09.123Z", C, "m", {}),
    ("logrus", {"level": "warning", "msg": "retrying", "time": "2025-03-14T02:51:09+01:00", "attempt": 3},
     "2025-03-14T01:51:09Z", W, "retrying", {"fields": {"attempt": 3}}),
    ("slog", {"time": "2025-03-14T02:51:09.123456789Z", "level": "ERROR", "source": {"function": "main.x",
              "file": "/app/x.go", "line": 9}, "msg": "boom", "err": "eof"},
     "2025-03-14T02:51:09.123456789Z", E, "boom", {"caller": "/app/x.go:9", "error": "eof"}),
    ("pino", {"level": 50, "time": 1741920669123, "pid": 1, "hostname": "web", "msg": "request errored",
              "err": {"type": "Error", "message": "ECONNRESET", "stack": "Error: ECONNRESET\n    at x"},
              "req": {"method": "POST", "url": "/pay"}, "res": {"statusCode": 502}, "responseTime": 30},
     "2025-03-14T02:51:09.123Z", E, "request errored",
     {"error": "ECONNRESET", "stack": "Error: ECONNRESET\n    at x", "method": "POST", "path": "/pay", "status": 502,
      "level": 50, "fields": {"pid": 1, "hostname": "web"}}),
    ("pino fatal", {"level": 60, "time": 1741920669000, "msg": "dying"}, "2025-03-14T02:51:09Z", C, "dying", {}),
    ("bunyan", {"name": "api", "hostname": "h", "pid": 1, "level": 40, "msg": "slow", "time": "2025-03-14T02:51:09.000Z",
                "v": 0}, "2025-03-14T02:51:09Z", W, "slow", {"logger": "api"}),
    ("serilog compact", {"@t": "2025-03-14T02:51:09.1234567Z", "@mt": "Order {OrderId} placed", "OrderId": 7},
     "2025-03-14T02:51:09.1234567Z", INF, "Order {OrderId} placed", {"fields": {"OrderId": 7}}),
    ("serilog error", {"@t": "2025-03-14T02:51:09Z", "@m": "Failed 7", "@l": "Error", "@x": "System.Exception: x"},
     "2025-03-14T02:51:09Z", E, "Failed 7", {"stack": "System.Exception: x"}),
    ("ECS", {"@timestamp": "2025-03-14T02:51:09.123Z", "log.level": "warn", "message": "disk", "log.logger": "a.B",
             "error.message": "full", "process.thread.name": "main"},
     "2025-03-14T02:51:09.123Z", W, "disk", {"logger": "a.B", "error": "full", "thread": "main"}),
    ("ECS nested", {"@timestamp": "2025-03-14T02:51:09Z", "log": {"level": "ERROR", "logger": "x"}, "message": "m"},
     "2025-03-14T02:51:09Z", E, "m", {}),
    ("GCP", {"severity": "CRITICAL", "message": "oom", "timestamp": {"seconds": 1741920669, "nanos": 500000000},
             "logging.googleapis.com/sourceLocation": {"file": "a.py", "line": "3", "function": "f"}},
     "2025-03-14T02:51:09.5Z", C, "oom", {"caller": "a.py:3"}),
    ("winston", {"level": "info", "message": "listening", "timestamp": "2025-03-14 02:51:09"},
     "2025-03-14T02:51:09Z", INF, "listening", {}),
    ("structlog", {"event": "user logged in", "level": "info", "timestamp": "2025-03-14T02:51:09.000001Z",
                   "logger": "auth"}, "2025-03-14T02:51:09.000001Z", INF, "user logged in", {"logger": "auth"}),
    ("python-json-logger", {"asctime": "2025-03-14 02:51:09,123", "levelname": "ERROR", "name": "w",
                            "message": "x", "exc_info": "Traceback ..."},
     "2025-03-14T02:51:09.123Z", E, "x", {"logger": "w", "stack": "Traceback ..."}),
    ("log4j2 JsonLayout", {"instant": {"epochSecond": 1741920669, "nanoOfSecond": 250000000}, "thread": "main",
                           "level": "ERROR", "loggerName": "c.e.A", "message": "m",
                           "thrown": {"name": "java.io.IOException", "message": "broken pipe",
                                      "extendedStackTrace": "java.io.IOException: broken pipe\n\tat x"}},
     "2025-03-14T02:51:09.25Z", E, "m",
     {"logger": "c.e.A", "thread": "main", "error": "broken pipe", "stack": "java.io.IOException: broken pipe\n\tat x"}),
    ("MongoDB", {"t": {"$date": "2025-03-14T02:51:09.123+00:00"}, "s": "W", "c": "NETWORK", "id": 1, "ctx": "conn1",
                 "msg": "slow query"}, "2025-03-14T02:51:09.123Z", W, "slow query", {"logger": "NETWORK"}),
    ("Caddy access", {"level": "info", "ts": 1741920669.5, "logger": "http.log.access", "msg": "handled request",
                      "request": {"method": "GET", "uri": "/x"}, "status": 404, "duration": 0.001},
     "2025-03-14T02:51:09.5Z", INF, "handled request", {"status": 404, "method": "GET", "path": "/x", "latency": 0.001}),
    ("access without a level", {"time": "2025-03-14T02:51:09Z", "status": 503, "method": "GET", "path": "/"},
     "2025-03-14T02:51:09Z", E, "GET / 503", {"status": 503}),
    ("Istio JSON access", {"start_time": "2025-03-14T02:51:09.123Z", "method": "GET", "path": "/x", "response_code": 0,
                           "response_flags": "UH", "duration": 1, "upstream_cluster": "outbound|80||x"},
     "2025-03-14T02:51:09.123Z", U, '{"start_time": "2025-03-14T02:51:09.123Z", "method": "GET", "path": "/x", '
     '"response_code": 0, "response_flags": "UH", "duration": 1, "upstream_cluster": "outbound|80||x"}',
     {"method": "GET", "fields": {"response_flags": "UH", "upstream_cluster": "outbound|80||x"}}),
    ("GELF", {"version": "1.1", "host": "h", "short_message": "down", "timestamp": 1741920669.5, "level": 3},
     "2025-03-14T02:51:09.5Z", E, "down", {}),
    (".NET JSON console", {"Timestamp": "2025-03-14T02:51:09Z", "EventId": 1, "LogLevel": "Warning",
                           "Category": "App.Worker", "Message": "slow"}, "2025-03-14T02:51:09Z", W, "slow",
     {"logger": "App.Worker", "fields": {"EventId": 1}}),
    ("Elasticsearch JSON", {"type": "server", "timestamp": "2025-03-14T02:51:09,123Z", "level": "WARN",
                            "component": "o.e.c.r.a.DiskThresholdMonitor", "message": "high disk watermark"},
     "2025-03-14T02:51:09.123Z", W, "high disk watermark", {"logger": "o.e.c.r.a.DiskThresholdMonitor"}),
    ("no keys we know", {"a": 1}, None, U, '{"a": 1}', {"fields": {"a": 1}}),
]  # fmt: skip


@pytest.mark.parametrize(("library", "obj", "when", "severity", "message", "attrs"), CASES, ids=[c[0] for c in CASES])
def test_json_log_layouts(library: str, obj: dict[str, Any], when: str | None, severity: Severity, message: str,
                          attrs: dict[str, Any]) -> None:  # fmt: skip
    parsed = parse(obj)
    assert parsed is not None
    name, time, sev, msg, got = parsed
    assert name == "jsonlog"
    assert time == (pytest.approx(at(when), abs=1e-6) if when else None)
    assert sev is severity
    assert msg == message
    for key, value in attrs.items():
        assert got.get(key) == value, key


@pytest.mark.parametrize("line", ['{"level":"info","msg":"trunc', "[1,2,3]", '"just a string"', "{not json}",
                                  '{"a":1} trailing', "", "{"])  # fmt: skip
def test_not_a_json_object_is_not_a_json_log(line: str) -> None:
    assert (jsonlog.make(Clock())(line) if line else None) is None


def test_extra_fields_are_bounded_and_only_scalars() -> None:
    obj = {"msg": "m", "nested": {"a": 1}, "long": "x" * 1000, **{f"k{i}": i for i in range(40)}}
    fields = parse(obj)[4]["fields"]  # type: ignore[index]
    assert "nested" not in fields
    assert len(fields) <= MAX_FIELDS
    assert len(fields["long"]) <= 257


def test_huge_errors_are_cut() -> None:
    got = parse({"msg": "m", "error": "e" * 100_000})[4]  # type: ignore[index]
    assert len(got["error"]) <= jsonlog.MAX_ERROR_CHARS + 1


def test_layouts_are_cached_but_values_are_not() -> None:
    parser = jsonlog.make(Clock())
    first = parser('{"level":"info","msg":"a","ts":1741920669}')
    second = parser('{"level":"error","msg":"b","ts":1741920670}')
    assert first is not None and second is not None
    assert (first[2], first[3], first[1]) == (INF, "a", 1741920669.0)
    assert (second[2], second[3], second[1]) == (E, "b", 1741920670.0)
    assert first[4] is not second[4]  # attrs dicts are never shared


def test_standard_library_fallback_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    line = json.dumps(CASES[4][1])
    fast = jsonlog.make(Clock())(line)
    monkeypatch.setattr(jsonlog, "_fast_loads", None)
    assert jsonlog.make(Clock())(line) == fast
    assert jsonlog.loads('{"x": NaN}') is not None  # only the standard library reads NaN
    assert jsonlog.loads("{bad") is None
