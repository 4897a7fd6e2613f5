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

Access-line severity comes from the status: 5xx ERROR, 4xx NOTICE, else INFO.
"""

from __future__ import annotations

import re
from typing import Any

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


def make(clock: Clock) -> LineParser:
    """The nginx access/error parser for one file."""
    clf, iso = clock.clf, clock.iso

    def parse(line: str) -> Parsed | None:
        if line[4:5] == "/" and line[19:21] == " [":
            return _error(line)
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


FORMAT = register(LineFormat(NAME, make, first="0123456789abcdefABCDEF:", order=30,
                             description="nginx/Apache access (combined, ingress-nginx) and nginx error logs"))  # fmt: skip
