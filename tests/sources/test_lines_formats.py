"""Line formats, table-driven: which format takes a line, and its time, severity, message, attrs."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest

from opslens.events import Severity
from opslens.sources.lines import formats
from opslens.sources.lines.dispatch import Dispatcher, make_dispatch
from opslens.timeparse import Clock

INF, N, W, E, C, D, U = (Severity.INFO, Severity.NOTICE, Severity.WARNING, Severity.ERROR, Severity.CRITICAL,
                       Severity.DEBUG, Severity.UNKNOWN)  # fmt: skip


YEAR_LESS = re.compile(r"[IWEF]\d{4} |\d\d-\d\d ")


def at(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def parse(line: str) -> tuple[Any, ...] | None:
    return make_dispatch(Clock(year=2025))(line)


# (line, source, time or None, severity, message, a subset of attrs)
CASES: list[tuple[str, str, str | None, Severity, str, dict[str, Any]]] = [
    # klog / glog
    ("E0314 02:51:09.096230   12345 file.go:123] connection refused", "klog", "2025-03-14T02:51:09.09623Z", E,
     "connection refused", {"caller": "file.go:123", "pid": 12345, "level": "E"}),
    ('I0314 02:51:09.000001       1 controller.go:42] "Syncing" pod="shop/cart-1" err="boom"', "klog",
     "2025-03-14T02:51:09.000001Z", INF, "Syncing", {"fields": {"pod": "shop/cart-1", "err": "boom"}, "error": "boom"}),
    ("W0314 02:51:09.5 7 x.go:1] careful", "klog", "2025-03-14T02:51:09.5Z", W, "careful", {}),
    ("F0314 02:51:09.500000 7 x.go:1] dying", "klog", "2025-03-14T02:51:09.5Z", C, "dying", {}),
    # nginx / Apache access, ingress-nginx, nginx error log
    ('10.0.0.1 - - [14/Mar/2025:09:54:51 +0000] "GET /a?b=1 HTTP/1.1" 200 612 "-" "curl/8"', "nginx",
     "2025-03-14T09:54:51Z", INF, '"GET /a?b=1 HTTP/1.1" 200',
     {"status": 200, "method": "GET", "path": "/a?b=1", "bytes": 612, "client": "10.0.0.1", "user_agent": "curl/8"}),
    ('10.0.0.1 - - [14/Mar/2025:09:54:51 +0000] "GET / HTTP/1.1" 503 0 "-" "x" 120 1.502 [shop-api-80] [] '
     '10.1.0.4:80 0 1.500 503 0123456789abcdef0123456789abcdef', "nginx", "2025-03-14T09:54:51Z", E,
     '"GET / HTTP/1.1" 503', {"upstream": "shop-api-80", "latency": 1.502, "upstream_addr": "10.1.0.4:80",
                               "upstream_status": 503, "upstream_latency": 1.5,
                               "request_id": "0123456789abcdef0123456789abcdef"}),
    ('::1 - bob [14/Mar/2025:09:54:51 -0100] "DELETE /x HTTP/1.1" 404 - "-" "-"', "nginx", "2025-03-14T10:54:51Z",
     N, '"DELETE /x HTTP/1.1" 404', {"user": "bob", "status": 404}),
    ('1.2.3.4 - - [14/Mar/2025:09:54:51 +0000] "GET /x HTTP/1.1" 200 5 "-" "ua" "9.9.9.9"', "nginx",
     "2025-03-14T09:54:51Z", INF, '"GET /x HTTP/1.1" 200', {"status": 200}),
    ("2025/03/14 02:51:09 [error] 31#31: *1 upstream timed out, client: 10.0.0.2, server: a, "
     'request: "GET / HTTP/1.1", upstream: "http://10.1.0.4:80/", host: "a"', "nginx", "2025-03-14T02:51:09Z", E,
     'upstream timed out, client: 10.0.0.2, server: a, request: "GET / HTTP/1.1", upstream: "http://10.1.0.4:80/", host: "a"',
     {"pid": 31, "connection": 1, "client": "10.0.0.2", "upstream": "http://10.1.0.4:80/", "level": "error"}),
    ('[2025-03-14T02:51:09.123Z] "GET /api/cart HTTP/1.1" 503 UF upstream_reset_before_response_started'
     '{connection_failure} - "delayed connect error: 111" 0 91 3 - "-" "curl/8.5.0" "6c0b7a3e" "cart.shop:8080" '
     '"10.1.2.3:8080" outbound|8080||cart.shop.svc.cluster.local - 10.96.0.10:8080 10.1.0.5:41234 - default', "envoy",
     "2025-03-14T02:51:09.123Z", E, '"GET /api/cart HTTP/1.1" 503 UF',
     {"status": 503, "response_flags": "UF", "latency": 0.003, "upstream_addr": "10.1.2.3:8080",
      "upstream": "outbound|8080||cart.shop.svc.cluster.local", "request_id": "6c0b7a3e",
      "details": "upstream_reset_before_response_started{connection_failure}"}),
    ('[2025-03-14T02:51:09.123Z] "POST /x HTTP/2" 0 DC 12 34 5 - "-" "grpc-go/1.62" "abc" "svc:80" "-"', "envoy",
     "2025-03-14T02:51:09.123Z", W, '"POST /x HTTP/2" 0 DC', {"status": 0, "latency": 0.005}),
    ("2025/03/14 02:51:09 [notice] 1#1: start worker processes", "nginx", "2025-03-14T02:51:09Z", N,
     "start worker processes", {"pid": 1}),
    # Python
    ("2025-03-14 09:54:13,342 - app.db - WARNING - pool exhausted", "pylog", "2025-03-14T09:54:13.342Z", W,
     "pool exhausted", {"logger": "app.db", "level": "WARNING"}),
    ("2025-03-14 09:54:13,342 INFO [reco.sync] heartbeat ok", "pylog", "2025-03-14T09:54:13.342Z", INF,
     "heartbeat ok", {"logger": "reco.sync"}),
    ("2025-03-14 09:54:13.342 | ERROR    | app.main:run:42 - boom", "pylog", "2025-03-14T09:54:13.342Z", E, "boom",
     {"logger": "app.main:run:42"}),
    ("CRITICAL:root:disk full", "pylog", None, C, "disk full", {"logger": "root"}),
    ("INFO:     Application startup complete.", "pylog", None, INF, "Application startup complete.", {}),
    ('ERROR:    10.0.0.7:5000 - "GET /x HTTP/1.1" 500 Internal Server Error', "pylog", None, E,
     '10.0.0.7:5000 - "GET /x HTTP/1.1" 500 Internal Server Error', {"status": 500, "path": "/x"}),
    ("[2025-03-14 02:51:09 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:8)", "pylog", "2025-03-14T02:51:09Z", C,
     "WORKER TIMEOUT (pid:8)", {"pid": 1}),
    ("[2025-03-14 02:51:09,123: WARNING/ForkPoolWorker-2] Task x[1] retry", "pylog", "2025-03-14T02:51:09.123Z", W,
     "Task x[1] retry", {"process": "ForkPoolWorker-2"}),
    # JVM
    ("2025-03-14T09:54:12.589Z  INFO 1 --- [app] [           main] o.s.b.SpringApplication                  : Started",
     "java", "2025-03-14T09:54:12.589Z", INF, "Started",
     {"application": "app", "thread": "main", "logger": "o.s.b.SpringApplication", "pid": 1}),
    ("2025-03-14 09:54:12.589 ERROR 7 --- [nio-8080-exec-1] c.e.Api : failed : really", "java",
     "2025-03-14T09:54:12.589Z", E, "failed : really", {"thread": "nio-8080-exec-1", "logger": "c.e.Api"}),
    ("2025-03-14 02:51:09.123 [main] WARN  com.example.Pool - low on connections", "java", "2025-03-14T02:51:09.123Z",
     W, "low on connections", {"thread": "main", "logger": "com.example.Pool"}),
    ("2025-03-14 02:51:09,123 ERROR [http-1] c.e.Api:88 - request failed", "java", "2025-03-14T02:51:09.123Z", E,
     "request failed", {"thread": "http-1", "logger": "c.e.Api:88"}),
    ("2025-03-14 02:51:09,123 INFO  [io.quarkus] (main) started in 1.2s", "java", "2025-03-14T02:51:09.123Z", INF,
     "started in 1.2s", {"logger": "io.quarkus", "thread": "main"}),
    ("02:51:09.123 [main] DEBUG c.e.Cache - miss", "java", None, D, "miss", {"thread": "main"}),
    ("[2025-03-14 02:51:09,123] WARN [Log partition=t-0] retention (kafka.log.UnifiedLog)", "java",
     "2025-03-14T02:51:09.123Z", W, "[Log partition=t-0] retention (kafka.log.UnifiedLog)",
     {"logger": "kafka.log.UnifiedLog"}),
    ("[2025-03-14T02:51:09,123][WARN ][o.e.c.r.a.DiskThresholdMonitor] [es-0] high disk watermark", "java",
     "2025-03-14T02:51:09.123Z", W, "[es-0] high disk watermark", {"logger": "o.e.c.r.a.DiskThresholdMonitor"}),
    # PostgreSQL, Apache, PHP-FPM, Redis
    ("2025-03-14 02:51:09.123 UTC [123] LOG:  checkpoint starting: time", "postgres", "2025-03-14T02:51:09.123Z", INF,
     "checkpoint starting: time", {"pid": 123, "level": "LOG"}),
    ("2025-03-14 02:51:09 UTC [9]: [3-1] user=app,db=shop,app=psql,client=10.0.0.5 ERROR:  deadlock detected",
     "postgres", "2025-03-14T02:51:09Z", E, "deadlock detected", {"user": "app", "database": "shop"}),
    ("2025-03-14 02:51:09.123 UTC [55] app@shop FATAL:  password authentication failed", "postgres",
     "2025-03-14T02:51:09.123Z", C, "password authentication failed", {"user": "app", "database": "shop"}),
    ("[Fri Mar 14 02:51:09.123456 2025] [core:error] [pid 12:tid 34] [client 1.2.3.4:5] AH00124: too many redirects",
     "apache", "2025-03-14T02:51:09.123456Z", E, "AH00124: too many redirects",
     {"module": "core", "pid": 12, "client": "1.2.3.4:5"}),
    ("[Fri Mar 14 02:51:09 2025] [notice] caught SIGTERM, shutting down", "apache", "2025-03-14T02:51:09Z", N,
     "caught SIGTERM, shutting down", {}),
    ("[14-Mar-2025 02:51:09] WARNING: [pool www] server reached pm.max_children", "apache", "2025-03-14T02:51:09Z", W,
     "[pool www] server reached pm.max_children", {}),
    ("1:M 14 Mar 2025 02:51:09.123 * Ready to accept connections tcp", "redis", "2025-03-14T02:51:09.123Z", N,
     "Ready to accept connections tcp", {"role": "master", "pid": 1}),
    ("27:C 14 Mar 2025 02:51:09.123 # Write error saving DB on disk", "redis", "2025-03-14T02:51:09.123Z", W,
     "Write error saving DB on disk", {"role": "child"}),
    # logfmt
    ('time="2025-03-14T02:51:09Z" level=error msg="write failed" err="disk full" status=500', "logfmt",
     "2025-03-14T02:51:09Z", E, "write failed", {"error": "disk full", "status": 500}),
    ('ts=2025-03-14T02:51:09.5Z caller=main.go:9 level=info msg="a \\"quoted\\" word" n=3', "logfmt",
     "2025-03-14T02:51:09.5Z", INF, 'a "quoted" word', {"caller": "main.go:9", "fields": {"n": "3"}}),
    ("time=2025-03-14T02:51:09.000Z level=WARN source=/app/x.go:1 msg=short", "logfmt", "2025-03-14T02:51:09Z", W,
     "short", {"caller": "/app/x.go:1"}),
    # the generic fallback
    ("2025/03/14 02:51:09 http: TLS handshake error from 10.0.0.1:5: EOF", "text", "2025-03-14T02:51:09Z", U,
     "http: TLS handshake error from 10.0.0.1:5: EOF", {}),
    ("2025-03-14T02:51:09.123456Z  WARN hyper::proto: connection reset", "text", "2025-03-14T02:51:09.123456Z", W,
     "hyper::proto: connection reset", {"level": "WARN"}),
    ("2025-03-14T02:51:09.123456Z 0 [Warning] [MY-010068] [Server] CA certificate is self signed.", "text",
     "2025-03-14T02:51:09.123456Z", W, "[MY-010068] [Server] CA certificate is self signed.", {}),
    ("2025-03-14 02:51:09.123456+00:00 [error] <0.245.0> closing AMQP connection", "text",
     "2025-03-14T02:51:09.123456Z", E, "<0.245.0> closing AMQP connection", {}),
    ("[2025-03-14 02:51:09.123][1][warning][config] deprecated field", "text", "2025-03-14T02:51:09.123Z", W,
     "[config] deprecated field", {}),
    ("I, [2025-03-14T02:51:09.123456 #1]  INFO -- web: Completed 200 OK", "text", "2025-03-14T02:51:09.123456Z", INF,
     "Completed 200 OK", {"logger": "web", "pid": 1}),
    ("web-1  | 2025-03-14 02:51:09 ERROR could not bind", "text", "2025-03-14T02:51:09Z", E, "could not bind",
     {"prefix": "web-1"}),
    ("17/06/09 20:10:40 INFO spark.SecurityManager: Changing view acls", "text", "2017-06-09T20:10:40Z", INF,
     "spark.SecurityManager: Changing view acls", {}),
    ("2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack", "text", "2016-09-28T04:30:30Z", INF,
     "CBS    Loaded Servicing Stack", {}),
    ("03-17 16:13:38.811  1702  2395 E AndroidRuntime: FATAL EXCEPTION: main", "text", "2025-03-17T16:13:38.811Z", E,
     "FATAL EXCEPTION: main", {"logger": "AndroidRuntime", "pid": 1702, "thread": 2395}),
    ("081109 203615 148 WARN dfs.DataNode: slow BlockReceiver", "text", "2008-11-09T20:36:15Z", W,
     "dfs.DataNode: slow BlockReceiver", {}),
    ("[Nest] 1  - 03/14/2025, 2:51:09 PM   ERROR [ExceptionsHandler] connect ECONNREFUSED 10.0.0.5:5432", "text",
     "2025-03-14T14:51:09Z", E, "connect ECONNREFUSED 10.0.0.5:5432", {"logger": "ExceptionsHandler", "pid": 1}),
    ("2025-03-14T02:51:09Z config reloaded", "text", "2025-03-14T02:51:09Z", U, "config reloaded", {}),
    ("2025-03-14T02:51:09Z all workers started", "text", "2025-03-14T02:51:09Z", U, "all workers started", {}),
    ("2025-03-14T02:51:09Z error: disk full", "text", "2025-03-14T02:51:09Z", E, "disk full", {}),
    ("12:04:05.123 WARN cache cold", "text", None, W, "cache cold", {}),
    ('[INFO] 10.244.0.1:5353 - 1 "A IN x. udp 1 false 512" NOERROR qr 1 0.0001s', "text", None, INF,
     '10.244.0.1:5353 - 1 "A IN x. udp 1 false 512" NOERROR qr 1 0.0001s', {}),
    ("WARN[0003] image is outdated", "text", None, W, "image is outdated", {}),
    # .NET console: the message is on the next, indented line (the reader takes it from there)
    ("info: Microsoft.Hosting.Lifetime[14]", "text", None, INF, "",
     {"logger": "Microsoft.Hosting.Lifetime", "event_id": 14}),
    ("fail: Microsoft.AspNetCore.Server.Kestrel[13]", "text", None, E, "", {"event_id": 13}),
    ("2025-03-14T02:51:09.123456Z\twarn\tads\tpush failed", "text", "2025-03-14T02:51:09.123456Z", W,
     "ads\tpush failed", {"level": "warn"}),  # zap console encoder (istiod): tabs
    ("[2025-03-14 02:51:09] production.ERROR: Call to undefined method", "text", "2025-03-14T02:51:09Z", E,
     "Call to undefined method", {"level": "production.ERROR"}),  # Monolog / Laravel
    ("2025-03-14 02:51:09,123 [myid:1] - WARN  [main:QuorumPeer@89] - slow sync", "text", "2025-03-14T02:51:09.123Z",
     W, "[main:QuorumPeer@89] - slow sync", {}),  # ZooKeeper
    ("[     0.001234s]  WARN ThreadId(01) linkerd_app: no identity", "text", None, W,
     "ThreadId(01) linkerd_app: no identity", {}),
    ("2025-03-14 02:51:09 [error    ] payment failed   order=3", "text", "2025-03-14T02:51:09Z", E,
     "payment failed   order=3", {}),  # structlog console
    ("[2025/03/14 02:51:09] [ warn] [input:tail:tail.0] file rotated", "text", "2025-03-14T02:51:09Z", W,
     "[input:tail:tail.0] file rotated", {}),  # fluent-bit pads its level to five characters
    ("[2025/03/14 02:51:09] [ info] [engine] started (pid=1)", "text", "2025-03-14T02:51:09Z", INF,
     "[engine] started (pid=1)", {}),
]  # fmt: skip


@pytest.mark.parametrize(("line", "source", "when", "severity", "message", "attrs"), CASES)
def test_line_formats(line: str, source: str, when: str | None, severity: Severity, message: str,
                      attrs: dict[str, Any]) -> None:  # fmt: skip
    parsed = parse(line)
    assert parsed is not None
    name, time, sev, msg, got = parsed
    assert name == source
    assert time == (pytest.approx(at(when), abs=1e-6) if when else None)
    assert sev is severity
    assert msg == message
    for key, value in attrs.items():
        assert (got or {}).get(key) == value, key


@pytest.mark.parametrize(
    "line",
    ["just some words", "Error connecting to the database", "(node:1) Warning: something", "12 apples",
     "Info about things", "key: value", "  indented", "level is fine", "2025 was a year", "ALL DONE", "OK then",
     "CONFIG reloaded"],
)  # fmt: skip
def test_prose_is_not_taken_for_a_format(line: str) -> None:
    assert parse(line) is None


def test_postgres_detail_lines_say_they_continue_the_previous_message() -> None:
    parsed = parse("2025-03-14 02:51:09.123 UTC [124] STATEMENT:  SELECT 1")
    assert parsed is not None and parsed[0] == "postgres" and parsed[2] is None


def test_registry_lists_formats_in_trial_order_with_generic_last() -> None:
    names = [f.name for f in formats()]
    assert names[-1] == "text"
    assert {"jsonlog", "klog", "nginx", "java", "pylog", "postgres", "apache", "redis", "logfmt"} <= set(names)
    assert not formats()[-1].sticky


def test_dispatcher_prefers_the_last_format_but_switches_per_line() -> None:
    dispatch = Dispatcher(Clock(year=2025))
    lines = [
        '10.0.0.1 - - [14/Mar/2025:09:54:51 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
        "2025-03-14 09:54:13,342 - app - INFO - x",
        '{"level":"warn","msg":"y"}',
        '10.0.0.2 - - [14/Mar/2025:09:54:52 +0000] "GET / HTTP/1.1" 500 1 "-" "-"',
    ]
    assert [dispatch(line)[0] for line in lines] == ["nginx", "pylog", "jsonlog", "nginx"]  # type: ignore[index]
    assert dispatch.last is not None


def test_dispatcher_exclude_and_only() -> None:
    klog = "E0314 02:51:09.096230 1 f.go:1] x"
    assert Dispatcher(Clock())(klog) is not None
    assert Dispatcher(Clock(), exclude=["klog"])(klog) is None
    only = Dispatcher(Clock(), only=[f for f in formats() if f.name == "jsonlog"])
    assert only(klog) is None
    assert only('{"msg":"x"}') is not None


def test_warm_caches_give_the_same_results_as_cold_ones() -> None:
    warm = make_dispatch(Clock(year=2025))
    lines = [case[0] for case in CASES] + ["2025-03-14 02:51:09,123 INFO  [io.quarkus] (main) started - x"]
    for line in lines * 3:  # every format after every other, three times
        got, expected = warm(line), parse(line)
        if got is not None and YEAR_LESS.match(line):  # their year follows the file's other lines
            got, expected = got[:1] + got[2:], expected[:1] + expected[2:]  # type: ignore[index]
        assert got == expected, line
