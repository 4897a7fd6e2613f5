"""nginx (and Apache httpd) access logs, ingress-nginx's `upstreaminfo`, and the nginx error log.

- access, `combined`: `$remote_addr - $remote_user [$time_local] "$request" $status
  $body_bytes_sent "$http_referer" "$http_user_agent"` (the docker image's `main` adds
  `"$http_x_forwarded_for"`; `common` stops after the bytes);
- ingress-nginx `upstreaminfo` continues with `$request_length $request_time
  [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr
  $upstream_response_length $upstream_response_time $upstream_status $req_id` (the upstream
  fields are lists `a, b` or `a : b` when several upstreams were tried);
- error log: `2025/03/14 02:51:09 [error] 31#31: *1 connect() failed ..., client: ..., server:
  ..., request: "GET / HTTP/1.1", upstream: "http://...", host: "..."`.

- Envoy / Istio sidecar access logs (text): `[2025-03-14T02:51:09.123Z] "GET /x HTTP/1.1" 503 UF
  ...` with response flags, details, duration (ms), upstream host and cluster.

Access-line severity comes from the status: 5xx ERROR, 4xx NOTICE, else INFO (Envoy's 0, no
response at all, is a WARNING).
"""

from __future__ import annotations

import re
from typing import Any

from opslens.events import Severity
from opslens.sources.lines.base import LineFormat, LineParser, Parsed, register
from opslens.sources.lines.levels import level_severity, status_severity
from opslens.timeparse import Clock

NAME = "nginx"
_Q = r'"([^"\\]*(?:\\.[^"\\]*)*)"'
# combined, plus (optionally) the ingress-nginx upstreaminfo tail when one upstream was tried
_ACCESS = re.compile(
    r"(\S+) \S+ (\S+) \[([^\]]{20,32})\] " + _Q + r" (\d{3}) (\d+|-)(?: " + _Q + " " + _Q + ")?"
    r"(?: \d+ (\d+\.\d+|-) \[([^\]]*)\] \[[^\]]*\] (\S+) (?:\d+|-) (\d+\.\d+|-) (\d{3}|-)(?: ([0-9a-f]{16,64}))?\s*$)?"
)
# several upstreams tried (`a, b` / `a : b` lists): keep the upstream part verbatim
_UPSTREAMS = re.compile(r" (\d+) (\d+\.\d+|-) \[([^\]]*)\] \[[^\]]*\] (.*?)(?: ([0-9a-f]{16,64}))?\s*$")
# Envoy / Istio sidecar (text): `[START_TIME] "METHOD PATH PROTOCOL" CODE FLAGS` [Istio: DETAILS
# TERMINATION "TRANSPORT_FAILURE"] `RECEIVED SENT DURATION UPSTREAM_TIME "XFF" "UA" "REQ_ID"
# "AUTHORITY" "UPSTREAM_HOST"` [Istio: `UPSTREAM_CLUSTER ...`]
_ENVOY = re.compile(
    r'\[(\d{4}-\d\d-\d\dT[^\]]{8,30})\] "(\S+) (\S+) ([^"]*)" (\d{1,3}) (\S+) (?:(\S+) \S+ "[^"]*" )?'
    r'(?:\d+|-) (?:\d+|-) (\d+|-) (?:\d+|-) "[^"]*" "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)"(?: (\S+))?'
)
_ERROR = re.compile(r"(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) \[(\w+)\] (\d+)#(\d+): (?:\*(\d+) )?")
_ERROR_FIELDS = re.compile(r', (client|server|request|upstream|host|referrer): ("[^"]*"|[^,]*)')
_REQ_ID = re.compile(r"[0-9a-f]{16,64}")


def _upstreams(tail: str, attrs: dict[str, Any]) -> None:
    m = _UPSTREAMS.match(tail)
    if m is None:
        return
    _, latency, name, addr, request_id = m.groups()
    if latency != "-":
        attrs["latency"] = float(latency)
    attrs["upstream"] = name
    attrs["upstream_addr"] = addr
    if request_id:
        attrs["request_id"] = request_id


def _access(m: re.Match[str], line: str, when: float | None) -> Parsed:
    (client, user, _, request, status_text, size, _referer, agent,
     latency, upstream, addr, upstream_latency, upstream_status, request_id) = m.groups()  # fmt: skip
    status = int(status_text)
    method, _, rest = request.partition(" ")
    attrs: dict[str, Any] = {"status": status, "method": method, "path": rest.rpartition(" ")[0] or rest,
                             "client": client, "user_agent": agent}  # fmt: skip
    if size != "-":
        attrs["bytes"] = int(size)
    if user != "-":
        attrs["user"] = user
    if upstream is not None:  # ingress-nginx, one upstream
        attrs["upstream"], attrs["upstream_addr"] = upstream, addr
        if latency != "-":
            attrs["latency"] = float(latency)
        if upstream_status != "-":
            attrs["upstream_status"] = int(upstream_status)
        if upstream_latency != "-":
            attrs["upstream_latency"] = float(upstream_latency)
        if request_id:
            attrs["request_id"] = request_id
    elif line[m.end() + 1 : m.end() + 2].isdigit():
        _upstreams(line[m.end() :], attrs)
    return NAME, when, status_severity(status), line[m.start(4) - 1 : m.end(5)], attrs  # `"GET /x HTTP/1.1" 200`


def _envoy(m: re.Match[str], when: float | None) -> Parsed:
    _, method, path, _, code, flags, details, duration, agent, request_id, authority, upstream_host, cluster = m.groups()
    status = int(code)
    attrs: dict[str, Any] = {"status": status, "method": method, "path": path, "response_flags": flags,
                             "user_agent": agent, "request_id": request_id, "host": authority}  # fmt: skip
    if details:
        attrs["details"] = details
    if duration != "-":
        attrs["latency"] = int(duration) / 1000.0  # milliseconds in Envoy, seconds here
    if upstream_host != "-":
        attrs["upstream_addr"] = upstream_host
    if cluster and cluster != "-":
        attrs["upstream"] = cluster
    severity = status_severity(status) if status >= 100 else Severity.WARNING  # 0: no response at all
    return "envoy", when, severity, m.string[m.start(2) - 1 : m.end(6)], attrs  # `"GET /x HTTP/1.1" 503 UF`


def make(clock: Clock) -> LineParser:
    """The nginx access/error parser for one file."""
    clf, iso = clock.clf, clock.iso

    def parse(line: str) -> Parsed | None:
        if line[4:5] == "/" and line[19:21] == " [":
            return _error(line)
        if line[:1] == "[":
            m = _ENVOY.match(line) if line[5:6] == "-" else None
            return _envoy(m, iso(m.group(1))) if m is not None else None
        bracket = line.find(" [", 6, 300)
        if bracket < 0 or line[bracket + 4 : bracket + 5] != "/":
            return None
        m = _ACCESS.match(line)
        if m is None:
            return None
        return _access(m, line, clf(m.group(3)))

    def _error(line: str) -> Parsed | None:
        m = _ERROR.match(line)
        if m is None:
            return None
        stamp, level, pid, _tid, conn = m.groups()
        message = line[m.end() :]
        attrs: dict[str, Any] = {"level": level, "pid": int(pid)}
        if conn:
            attrs["connection"] = int(conn)
        for key, value in _ERROR_FIELDS.findall(message):
            attrs.setdefault(key, value.strip('"'))
        return NAME, iso(stamp), level_severity(level), message, attrs

    return parse


FORMAT = register(LineFormat(NAME, make, first="0123456789abcdefABCDEF:[", order=30,
                             description="nginx/Apache access (combined, ingress-nginx), Envoy/Istio access, nginx error"))  # fmt: skip
