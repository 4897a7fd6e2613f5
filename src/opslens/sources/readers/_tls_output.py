"""What `curl -v` and `openssl s_client` / `openssl x509` output says about a connection.

A pasted `curl -v https://api.example.com/` or `openssl s_client -connect api:443` answers the
questions an incident asks of a dependency: does its name resolve, does it accept connections,
is its certificate still valid and trusted, does it answer with a 5xx. The lines that answer
them are terse (`*  expire date: Nov 12 08:00:00 2026 GMT`, `curl: (7) Failed to connect to
api port 443 after 2 ms: Couldn't connect to server`, `< HTTP/2 502`); the facts read here say
the same in the words the knowledge base matches (`... the certificate has expired`,
`connection refused`, `received HTTP 502 from api.example.com`), naming the host. The output
itself stays verbatim in the event's `raw` (`_shell_output.shell_output_event`).

Dates count from the paste's time: `--now` when given, else the server's own `Date:` header in
the same output, else the paste's anchor (a guess). A certificate is only called "not yet valid"
from a time that is no guess: an early guess would invent the failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC
from http import HTTPStatus

from opslens.timeparse import parse_ctime, parse_rfc2822

#: Lines that start curl's or openssl's output and appear once per run, so that the output is
#: known without its command. (`*   Trying 10.0.0.1:443...` is not one: curl prints it again
#: for every address it tries, and after `* Host ... was resolved.` in curl 8.5+; as a header
#: it would cut one run's output in two.)
HEADERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("curl", re.compile(r"^\* Host \S+:\d+ was resolved\.\s*$")),  # curl 8.5+
    ("curl", re.compile(r"^\* (?:Rebuilt URL to: \S|About to connect\(\) to \S|Hostname was NOT found in DNS cache)")),
    ("curl", re.compile(r"^\s*% Total\s+% Received % Xferd\s+Average Speed\b")),  # progress meter
    # -v lines that repeat within one run: the splitter keeps a run whole (same tool, one part)
    ("curl", re.compile(r"^\*\s+Trying \S+(?:\.\.\.)?\s*$|^\* Connected to \S+ \(")),
    ("curl", re.compile(r"^\* Server certificate:\s*$|^\*\s+(?:subject|expire date): \S")),
    ("openssl", re.compile(r"^CONNECTED\(\d{8}\)\s*$")),  # s_client
    ("openssl", re.compile(r"^notBefore=[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\b")),  # x509 -dates
)

_DATE = r"([A-Z][a-z]{2}\s+\d{1,2} \d\d:\d\d:\d\d \d{4}(?: [A-Z]{2,5})?)"
_EXPIRE = re.compile(rf"^\*\s+expire date:\s*{_DATE}")
_START = re.compile(rf"^\*\s+start date:\s*{_DATE}")
# openssl x509 -dates / -enddate, -text (`Not After :`), s_client 3.x chains (`NotAfter: `)
_NOT_AFTER = re.compile(rf"(?:notAfter=|Not ?After\s*:\s*){_DATE}")
_NOT_BEFORE = re.compile(rf"(?:notBefore=|Not ?Before\s*:\s*){_DATE}")
_CONNECTED = re.compile(r"^\* Connected to (\S+) \(")
_RESOLVED = re.compile(r"^\* Host (\S+):\d+ was resolved")
_SUBJECT_CN = re.compile(r"^depth=0 .*?\bCN ?= ?([\w*.-]+)")
_RESPONSE_DATE = re.compile(r"^<\s+[Dd]ate:\s*(.+?)\s*$")
_REQUEST = re.compile(r"^>\s+(?:GET|HEAD|POST|PUT|OPTIONS)\s+(/\S*)\s+HTTP/")
#: Paths that only health checks ask for: a 404 there means the probe asks the wrong place.
_HEALTH_PATH = re.compile(r"^/(?:[\w.-]+/)*(?:healthz?|livez|readyz|liveness|readiness|ready|live|ping|health-?check|actuator/health(?:/\w+)?)/?(?:\?\S*)?$", re.I)
_STATUS = re.compile(r"^(<\s+)?HTTP/\d(?:\.\d)? (\d{3})\b ?(.*?)\s*$")
_CURL_ERROR = re.compile(r"curl: \((\d{1,3})\) (.+?)\s*$")  # may follow a progress meter's line
_CERT_PROBLEM = re.compile(r"SSL certificate problem: (.+?)\s*$")
_VERIFY_RESULT = re.compile(r"SSL certificate verify result: (.+?) \((\d+)\)")  # curl -k
_OPENSSL_VERIFY = re.compile(
    r"Verify return code: (?P<code>\d+) \((?P<a>.+?)\)|verify error:num=\d+:(?P<b>.+?)\s*$|Verification error: (?P<c>.+?)\s*$"
)
_NAME_MISMATCH = re.compile(r"SSL: (?:no alternative certificate subject name matches|certificate subject name .{0,200} does not match) target host")
_EXPIRED_WORDS = re.compile(r"expired", re.I)
_RETURNED_ERROR = re.compile(r"returned error: (\d{3})")
_RESOLVE_FAILED = re.compile(r"Could not resolve (?:host|proxy): ([^\s;]+)")
# `* connect to 10.0.0.7 port 443 [from 10.0.0.2 port 51234] failed: Connection refused`
_CONNECT_ATTEMPT = re.compile(r"^\*\s+(?:connect to \S+ port \d+(?: from \S+ port \d+)? failed|Immediate connect fail for \S+): (.+?)\s*$")
# curl 7.3x+: `Failed to connect to api port 443[ after 3 ms]: ...`; 7.29: `Failed connect to api:443; ...`
_FAILED_TO_CONNECT = re.compile(r"Failed (?:to connect to (\S+) port (\d+)(?: after \d+ ms)?: |connect to (\S+?):(\d+); )(.+?)\s*$")
_TIMED_OUT = re.compile(r"\b(?:(Operation|Connection|Connect|Resolving) timed out after|Connection timeout after|SSL connection timeout)")
_ERRNO = re.compile(r"^connect:errno=(\d+)")  # s_client
_BIO_CONNECT = re.compile(r"BIO_connect:(Connection refused|Connection timed out|No route to host|Network is unreachable)")
_LOOKUP_FAILED = re.compile(r"Name or service not known|nodename nor servname provided|gethostbyname failure|Temporary failure in name resolution")
_ERRNO_REASONS = {"111": "connection refused", "110": "connection timed out", "113": "no route to host", "101": "network is unreachable"}
#: Tools whose output is read whole here (`curl -sv URL | jq .` shows curl's stderr too).
_CONNECTION_TOOLS = frozenset({"curl", "openssl", "jq", ""})
_VAGUE = ("couldn't connect to server", "could not connect to server", "timeout was reached")
_URL = re.compile(r"\bhttps?://(?:[^@/\s'\"]*@)?(\[[0-9a-fA-F:.]+\]|[^/:\s'\"?#]+)")
_CONNECT_FLAG = re.compile(r"-connect[= ]+\[?([^\s:\]]+)")


@dataclass(frozen=True)
class Fact:
    """One thing the output says, in plain words; `failure` when it is something broken;
    `line` the output line (verbatim) that says it, to quote as its evidence."""

    text: str
    failure: bool
    line: str = ""


@dataclass
class _Reading:
    """What the lines read so far established (the host, whether a connection was made)."""

    host: str
    now: float
    exact: bool  # whether `now` is no guess
    tool: str
    verbose: bool  # curl -v: its `* ...` lines say how far the connection got
    connected: bool = False
    connect_reason: str | None = None  # the reason of curl's last failed connect attempt
    connect_line: str = ""  # the line that gave it
    failed_to_connect: bool = False
    path: str | None = None  # the request's path (`> GET /healthz HTTP/1.1`)
    line: str = ""  # the line being read: what the facts added now quote
    facts: list[Fact] = field(default_factory=list)

    def add(self, text: str, failure: bool = True) -> None:
        self.facts.append(Fact(text, failure, self.line))


def target_of(command: str | None) -> str | None:
    """The host a `curl URL` or `openssl s_client -connect HOST:PORT` command line talks to."""
    if not command:
        return None
    m = _CONNECT_FLAG.search(command) or _URL.search(command)
    return m.group(1).strip("[]") if m else None


def response_date(output: list[str]) -> float | None:
    """The server's clock when it answered (`< date: Tue, 16 Sep 2025 10:53:20 GMT`)."""
    for line in output:
        if line[:1] == "<" and (m := _RESPONSE_DATE.match(line)):
            return parse_rfc2822(m.group(1))
    return None


def connection_facts(output: list[str], now: float, exact: bool, tool: str = "", target: str | None = None) -> list[Fact]:
    """The facts of curl/openssl output lines, in order, without repeats. `now` is when the
    output was taken (`exact` when it is no guess); `target` the host its command named."""
    # other tools' output (`cat`, `grep` of a big log) only has certificate dates to read
    dates_only = tool not in _CONNECTION_TOOLS and not any(line.startswith(("* ", "< ", "curl: (")) for line in output[:200])
    host = target or (None if dates_only else _host_in(output)) or "the server"
    reading = _Reading(host, now, exact, tool, verbose=any(line[:2] == "* " for line in output))
    for line in output:
        reading.line = line
        if dates_only:
            _cert_dates(line, reading)
            continue
        if line[:1] == "*":
            _verbose_line(line, reading)
        elif m := _REQUEST.match(line):
            reading.path = m.group(1)
            continue
        elif m := _STATUS.match(line):
            if m.group(1) or tool == "curl":  # `< HTTP/2 502`; `HTTP/1.1 503 ...` of `curl -I`
                _status_fact(reading, int(m.group(2)), m.group(3))
            continue
        else:
            _openssl_line(line, reading)
            _cert_dates(line, reading)
        _curl_failure(line, reading)
    if reading.connect_reason and not reading.failed_to_connect:
        reading.line = reading.connect_line
        _connect_fact(reading, reading.host, None, reading.connect_reason)  # a cut-off paste
    unique: dict[str, Fact] = {}
    for fact in reading.facts:
        unique.setdefault(fact.text, fact)
    return list(unique.values())


def _host_in(output: list[str]) -> str | None:
    """The host the output names: where curl connected or what it resolved, else the subject
    of the certificate s_client was shown."""
    for pattern in (_CONNECTED, _RESOLVED, _RESOLVE_FAILED, _FAILED_TO_CONNECT, _SUBJECT_CN):
        for line in output:
            if m := pattern.search(line):
                return m.group(1) or m.group(3) if pattern is _FAILED_TO_CONNECT else m.group(1)
    return None


def _verbose_line(line: str, reading: _Reading) -> None:
    """Facts of one `* ...` line of `curl -v`: the connection and the server's certificate."""
    if _CONNECTED.match(line):
        reading.connected = True
    elif m := _CONNECT_ATTEMPT.match(line):
        reading.connect_reason, reading.connect_line = m.group(1), line
    elif m := _EXPIRE.match(line):
        _expiry(reading, m.group(1))
    elif (m := _START.match(line)) and reading.exact:
        _not_yet_valid(reading, m.group(1), f"certificate of {reading.host} start date")
    elif (m := _VERIFY_RESULT.search(line)) and m.group(2) != "0":
        _verify_fact(reading, m.group(1))


def _curl_failure(line: str, reading: _Reading) -> None:
    """Facts of the failures curl reports both as `* ...` and as `curl: (N) ...`."""
    if m := _CERT_PROBLEM.search(line):
        _verify_fact(reading, m.group(1))
    elif _NAME_MISMATCH.search(line):
        reading.add(f"TLS certificate verify failed for {reading.host}: the certificate does not name this host")
    elif m := _RESOLVE_FAILED.search(line):
        reading.add(f"DNS lookup of {m.group(1)} failed: could not resolve host {m.group(1)}")
    elif m := _FAILED_TO_CONNECT.search(line):
        reading.failed_to_connect = True
        _connect_fact(reading, m.group(1) or m.group(3), m.group(2) or m.group(4), m.group(5))
    elif m := _TIMED_OUT.search(line):
        _timeout_fact(reading, m.group(1))
    elif m := _CURL_ERROR.search(line):
        _curl_error_fact(reading, int(m.group(1)), m.group(2))


def _curl_error_fact(reading: _Reading, code: int, message: str) -> None:
    """`curl: (N) message` lines no more specific rule read."""
    if code == 22 and (m := _RETURNED_ERROR.search(message)):
        _status_fact(reading, int(m.group(1)), "")
    elif _EXPIRED_WORDS.search(message) and "alert" not in message:
        _verify_fact(reading, message)  # NSS/GnuTLS builds: `(60) Peer's Certificate has expired.`
    else:  # `(52) Empty reply from server`, `(56) Recv failure: Connection reset by peer`, ...
        reading.add(f"curl request to {reading.host} failed (curl error {code}): {message}")


def _openssl_line(line: str, reading: _Reading) -> None:
    """Facts of `openssl s_client` lines: the verify result and connect/lookup errors."""
    if m := _OPENSSL_VERIFY.search(line):
        reason = (m.group("a") or m.group("b") or m.group("c") or "").strip().rstrip(".")
        if m.group("code") == "0" or reason.lower() in ("", "ok"):
            return
        if _EXPIRED_WORDS.search(reason) or "not yet valid" in reason:
            _verify_fact(reading, reason)
        else:  # often only a CA s_client was not given (-CAfile): not the server's failure
            reading.add(f"openssl could not verify the certificate of {reading.host}: {reason}", failure=False)
    elif m := _ERRNO.match(line):
        if reason := _ERRNO_REASONS.get(m.group(1)):
            _connect_fact(reading, reading.host, None, reason)
    elif m := _BIO_CONNECT.search(line):
        _connect_fact(reading, reading.host, None, m.group(1))
    elif reading.tool == "openssl" and _LOOKUP_FAILED.search(line):
        reading.add(f"DNS lookup of {reading.host} failed: could not resolve host {reading.host}")


def _cert_dates(line: str, reading: _Reading) -> None:
    """`notAfter=` / `Not After :` dates (x509, s_client); `notBefore=` only from an exact now."""
    if m := _NOT_AFTER.search(line):
        date = m.group(1).strip()
        end = parse_ctime(date, UTC)
        if end is not None and end < reading.now:
            reading.add(f"certificate notAfter {date} has passed: the certificate has expired")
        elif end is not None:
            reading.add(f"certificate valid until {date}", failure=False)
    if reading.exact and (m := _NOT_BEFORE.search(line)):
        _not_yet_valid(reading, m.group(1).strip(), "certificate notBefore")


def _expiry(reading: _Reading, date: str) -> None:
    """curl's `*  expire date:` of the server's certificate."""
    end = parse_ctime(date, UTC)
    if end is not None and end < reading.now:
        reading.add(f"certificate of {reading.host} expire date {date} has passed: the certificate has expired")
    elif end is not None:
        reading.add(f"certificate of {reading.host} valid until {date}", failure=False)


def _not_yet_valid(reading: _Reading, date: str, what: str) -> None:
    start = parse_ctime(date, UTC)
    if start is not None and start > reading.now:
        reading.add(f"{what} {date} is still to come: the certificate is not yet valid")


def _verify_fact(reading: _Reading, reason: str) -> None:
    """A failed certificate verification, in the words of its kind."""
    reason = reason.strip().rstrip(".")
    if _EXPIRED_WORDS.search(reason):
        reading.add(f"TLS connection to {reading.host} failed: the certificate has expired")
    elif "not yet valid" in reason:
        reading.add(f"TLS connection to {reading.host} failed: the certificate is not yet valid")
    else:
        reading.add(f"TLS certificate verify failed for {reading.host}: {reason}")


def _connect_fact(reading: _Reading, host: str, port: str | None, reason: str) -> None:
    """A refused, timed-out or unroutable connection (curl's vague `Couldn't connect to server`
    replaced by the reason of its last attempt)."""
    reason = reason.strip().rstrip(".").lower()
    if reason in _VAGUE:
        if reading.connect_reason:
            reason = reading.connect_reason.strip().rstrip(".").lower()
        elif "timeout" in reason:
            reason = "connection timed out"
    where = f"{host} port {port}" if port else host
    reading.add(f"connecting to {where} failed: {reason}")


def _timeout_fact(reading: _Reading, phase: str | None) -> None:
    """curl's timeouts: resolving, connecting, or waiting for an answer after connecting."""
    if phase == "Resolving":
        reading.add(f"resolving {reading.host}: DNS lookup timed out")
    elif phase == "Operation" and reading.connected:
        reading.add(f"{reading.host} accepted the connection but did not answer in time: read timed out")
    elif phase == "Operation" and not reading.verbose:  # without -v: no telling which step hung
        reading.add(f"request to {reading.host} timed out: operation timed out")
    else:
        reading.add(f"connecting to {reading.host} failed: connection timed out")


def _status_fact(reading: _Reading, code: int, phrase: str) -> None:
    """A 5xx answer: the dependency itself failed. A 404 on a health-check path: the server
    runs but does not serve that path, so a probe asking for it fails."""
    if code == 404 and reading.path and _HEALTH_PATH.match(reading.path):
        reading.add(f"health check path {reading.path} on {reading.host} answered HTTP 404 (Not Found)")
        return
    if not 500 <= code <= 599:
        return
    if not phrase:
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Server Error"
    reading.add(f"received HTTP {code} from {reading.host} ({phrase})")
