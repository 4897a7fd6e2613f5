"""Healthy request/work log lines per application stack, in each framework's default shape.

`line(stack, ...)` renders one handled request (or processed job) for a workload; the variant
modules write their failure records themselves, in the same shape.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass

from bench.variants import clock

AGENTS = ("okhttp/4.12.0", "Go-http-client/1.1", "python-httpx/0.27.0", "axios/1.7.2",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36")
REASONS = {200: "OK", 201: "Created", 204: "No Content", 404: "Not Found", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout", 429: "Too Many Requests"}


@dataclass
class Req:
    """One handled request (or job) to render."""

    t: float
    method: str
    path: str
    status: int
    ms: float
    client: str
    pod: str
    app: str
    rid: str
    pod_name: str = ""


def _spring(r: Req, rng: random.Random) -> str:
    thread = f"nio-8080-exec-{rng.randint(1, 12)}"[-15:].rjust(15)
    logger = "c.a.c.web.RequestLoggingFilter".ljust(40)
    return (f"{clock.iso_ms(r.t)}  INFO 1 --- [{r.app}] [{thread}] {logger} : "
            f"{r.method} {r.path} -> {r.status} ({int(r.ms)} ms)")


def _logrus(r: Req, rng: random.Random) -> str:
    return (f'time="{clock.iso(r.t)}" level=info msg="request handled" method={r.method} path={r.path} '
            f"status={r.status} duration={r.ms:.3f}ms remote={r.client} request_id={r.rid}")


def _zap(r: Req, rng: random.Random) -> str:
    return json.dumps({"level": "info", "ts": clock.iso_ms(r.t), "caller": "httpx/middleware.go:71",
                       "msg": "request", "method": r.method, "path": r.path, "status": r.status,
                       "latency_ms": round(r.ms, 2), "remote_addr": r.client, "request_id": r.rid},
                      separators=(",", ":"))


def _slog(r: Req, rng: random.Random) -> str:
    return (f'time={clock.iso_ms(r.t)} level=INFO msg="request served" method={r.method} '
            f"path={r.path} status={r.status} dur={r.ms:.1f}ms peer={r.client}")


def _pino(r: Req, rng: random.Random) -> str:
    return json.dumps({"level": 30, "time": int(r.t * 1000), "pid": 1, "hostname": r.pod_name or r.pod,
                       "req": {"id": r.rid, "method": r.method, "url": r.path, "remoteAddress": r.client},
                       "res": {"statusCode": r.status}, "responseTime": int(r.ms), "msg": "request completed"},
                      separators=(",", ":"))


def _gunicorn(r: Req, rng: random.Random) -> str:
    return (f'{r.client} - - [{clock.clf(r.t)}] "{r.method} {r.path} HTTP/1.1" {r.status} '
            f'{rng.randint(90, 4800)} "-" "{rng.choice(AGENTS[:4])}"')


def _uvicorn(r: Req, rng: random.Random) -> str:
    return f'INFO:     {r.client}:{rng.randint(32768, 60999)} - "{r.method} {r.path} HTTP/1.1" {r.status} {REASONS.get(r.status, "OK")}'


def _celery(r: Req, rng: random.Random) -> str:
    return (f"[{clock.spaced(r.t)}: INFO/ForkPoolWorker-{rng.randint(1, 4)}] Task {r.path}[{r.rid}] "
            f"succeeded in {r.ms / 1000:.3f}s: None")


def _rails(r: Req, rng: random.Random) -> str:
    d = clock.dt(r.t)
    return (f"I, [{d:%Y-%m-%dT%H:%M:%S}.{d.microsecond:06d} #1]  INFO -- : [{r.rid}] Completed "
            f"{r.status} {REASONS.get(r.status, 'OK')} in {int(r.ms)}ms (Views: {r.ms * 0.2:.1f}ms | "
            f"ActiveRecord: {r.ms * 0.5:.1f}ms | Allocations: {rng.randint(900, 9000)})")


def _sidekiq(r: Req, rng: random.Random) -> str:
    return (f"{clock.iso_ms(r.t)} pid=1 tid={rng.randint(1000, 9999):x}k class={r.path} "
            f"jid={r.rid[:24]} elapsed={r.ms / 1000:.3f} INFO: done")


def _dotnet(r: Req, rng: random.Random) -> str:
    return json.dumps({"Timestamp": clock.iso_ms(r.t), "EventId": 0, "LogLevel": "Information",
                       "Category": f"{r.app}.Worker", "Message": f"Processed {r.path} in {int(r.ms)} ms",
                       "State": {"Message": f"Processed {r.path} in {int(r.ms)} ms", "Item": r.path,
                                 "ElapsedMs": int(r.ms), "{OriginalFormat}": "Processed {Item} in {ElapsedMs} ms"}},
                      separators=(",", ":"))


def _rust(r: Req, rng: random.Random) -> str:
    return (f"{clock.iso_us(r.t)}  INFO request{{method={r.method} uri={r.path} version=HTTP/1.1}}: "
            f"tower_http::trace::on_response: finished processing request latency={int(r.ms)} ms status={r.status}")


def _php(r: Req, rng: random.Random) -> str:
    return (f'{r.client} - - [{clock.clf(r.t)}] "{r.method} {r.path} HTTP/1.1" {r.status} '
            f'{rng.randint(200, 9000)} "-" "{rng.choice(AGENTS)}" {r.ms / 1000:.3f}')


def _nginx_ingress(r: Req, rng: random.Random, upstream: str = "", port: int = 8080) -> str:
    size = rng.randint(120, 6000)
    return (f'{r.client} - - [{clock.clf(r.t)}] "{r.method} {r.path} HTTP/1.1" {r.status} {size} "-" '
            f'"{rng.choice(AGENTS)}" {rng.randint(300, 900)} {r.ms / 1000:.3f} [{upstream}] [] '
            f"{r.pod}:{port} {size} {r.ms / 1000:.3f} {r.status} {r.rid}")


FORMATS: dict[str, Callable[[Req, random.Random], str]] = {
    "spring": _spring, "logrus": _logrus, "zap": _zap, "slog": _slog, "pino": _pino,
    "gunicorn": _gunicorn, "uvicorn": _uvicorn, "celery": _celery, "rails": _rails,
    "sidekiq": _sidekiq, "dotnet": _dotnet, "rust": _rust, "php": _php,
}


def ingress_line(kind: str, r: Req, rng: random.Random, ns: str, svc: str, port: int) -> str:
    """One access-log line of the ingress in front of `svc` (nginx, traefik, envoy, haproxy)."""
    if kind == "nginx":
        return _nginx_ingress(r, rng, f"{ns}-{svc}-{port}", port)
    if kind == "traefik":
        return json.dumps({"ClientHost": r.client, "DownstreamStatus": r.status,
                           "Duration": int(r.ms * 1e6), "RequestMethod": r.method, "RequestPath": r.path,
                           "RouterName": f"{ns}-{svc}-{ns}@kubernetes", "ServiceName": f"{ns}-{svc}-{port}@kubernetes",
                           "ServiceURL": f"http://{r.pod}:{port}", "StartUTC": clock.iso_us(r.t),
                           "level": "info", "msg": "", "time": clock.iso(r.t)}, separators=(",", ":"))
    if kind == "envoy":
        flags = "-" if r.status < 500 else ("UF,URX" if r.status == 503 else "-")
        return (f'[{clock.iso_ms(r.t)}] "{r.method} {r.path} HTTP/1.1" {r.status} {flags} '
                f'{"via_upstream" if flags == "-" else "-"} - "-" 0 {rng.randint(90, 5000)} {int(r.ms)} '
                f'{max(0, int(r.ms) - 1)} "{r.client}" "{rng.choice(AGENTS[:4])}" "{r.rid}" '
                f'"{svc}.{ns}.svc.cluster.local" "{r.pod}:{port}" outbound|{port}||{svc}.{ns}.svc.cluster.local '
                f"{r.client}:{rng.randint(32768, 60999)} {r.pod}:{port} {r.client}:0 - default")
    d = clock.dt(r.t)  # haproxy (OpenShift router) httplog
    return (f"{d:%b} {d.day:2d} {d:%H:%M:%S} router-default-{ns[:3]} haproxy[{rng.randint(30, 60)}]: "
            f"{r.client}:{rng.randint(32768, 60999)} [{d.day:02d}/{d:%b}/{d.year}:{d:%H:%M:%S}.{d.microsecond // 1000:03d}] "
            f"public be_http:{ns}:{svc}/pod:{r.pod}:{svc}:{port} 0/0/1/{int(r.ms)}/{int(r.ms) + 1} {r.status} "
            f"{rng.randint(90, 5000)} - - ---- 12/8/0/0/0 0/0 \"{r.method} {r.path} HTTP/1.1\"")


STARTUP: dict[str, list[str]] = {
    "spring": ["Starting {App}Application v{v} using Java 21.0.4 with PID 1 (/app/app.jar started by app in /app)",
               "Tomcat started on port 8080 (http) with context path '/'",
               "Started {App}Application in 11.482 seconds (process running for 12.307)"],
    "logrus": ["starting {app} version={v}", "listening addr=:8080"],
    "zap": ["starting {app} {v}", "http server listening on :8080"],
    "slog": ["starting {app} version={v}", "listening on :8080"],
    "pino": ["{app} {v} listening on port 8080"],
    "gunicorn": ["Starting gunicorn 22.0.0", "Listening at: http://0.0.0.0:8080 (1)", "Booting worker with pid: 8"],
    "uvicorn": ["Started server process [1]", "Application startup complete.", "Uvicorn running on http://0.0.0.0:8080 (Press CTRL+C to quit)"],
    "celery": ["celery@{app} v5.4.0 (opalescent) ready."],
    "rails": ["Puma starting in single mode...", "* Puma version: 6.4.2 (ruby 3.3.4-p94) (\"The Eagle of Durango\")", "* Listening on http://0.0.0.0:8080"],
    "sidekiq": ["Booted Rails 7.1.4 application in production environment", "Starting processing, hit Ctrl-C to stop"],
    "dotnet": ["Application started. Press Ctrl+C to shut down.", "Hosting environment: Production"],
    "rust": ["{app} v{v} listening on 0.0.0.0:8080"],
    "php": ["NOTICE: fpm is running, pid 1", "NOTICE: ready to handle connections"],
}


def startup(stack: str, app: str, version: str, t: float) -> list[tuple[float, str]]:
    """The boot lines of a freshly started container, rendered in the stack's line format."""
    camel = "".join(p.capitalize() for p in app.split("-"))
    out = []
    for k, msg in enumerate(STARTUP[stack]):
        text = msg.format(app=app, App=camel, v=version)
        ts = t + 0.4 + k * 0.9
        if stack == "spring":
            logger = "c.a.c." + camel + "Application"
            text = f"{clock.iso_ms(ts)}  INFO 1 --- [{app}] [           main] {logger:<40} : {text}"
        elif stack == "logrus":
            text = f'time="{clock.iso(ts)}" level=info msg="{text}"'
        elif stack == "zap":
            text = json.dumps({"level": "info", "ts": clock.iso_ms(ts), "caller": "cmd/main.go:58", "msg": text},
                              separators=(",", ":"))
        elif stack == "slog":
            text = f'time={clock.iso_ms(ts)} level=INFO msg="{text}"'
        elif stack == "pino":
            text = json.dumps({"level": 30, "time": int(ts * 1000), "pid": 1, "msg": text}, separators=(",", ":"))
        elif stack in ("gunicorn",):
            text = f"[{clock.spaced(ts, frac='')} +0000] [1] [INFO] {text}"
        elif stack == "uvicorn":
            text = f"INFO:     {text}"
        elif stack == "celery":
            text = f"[{clock.spaced(ts)}: INFO/MainProcess] {text}"
        elif stack == "sidekiq":
            text = f"{clock.iso_ms(ts)} pid=1 tid=gq1 INFO: {text}"
        elif stack == "dotnet":
            text = json.dumps({"Timestamp": clock.iso_ms(ts), "EventId": 0, "LogLevel": "Information",
                               "Category": "Microsoft.Hosting.Lifetime", "Message": text}, separators=(",", ":"))
        elif stack == "rust":
            text = f"{clock.iso_us(ts)}  INFO {app.replace('-', '_')}: {text}"
        elif stack == "php":
            text = f"[{clock.dt(ts):%d-%b-%Y %H:%M:%S}] {text}"
        out.append((ts, text))
    return out
