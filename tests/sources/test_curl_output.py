"""`curl -v` and `openssl s_client` / `openssl x509` output in pastes: one record per run, with
the facts its lines state (a certificate expired, a name that does not resolve, a refused
connection, a 5xx answer) in the words the knowledge base matches, failures at ERROR. Fixtures
under tests/fixtures/pastes/shell."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opslens.analysis import signals
from opslens.events import Event, Severity
from opslens.sources.base import ReadContext, SourceFile, choose_reader
from opslens.sources.readers._paste_split import split_paste
from opslens.sources.readers._shell_output import implied_tool
from opslens.sources.readers._tls_output import Fact, connection_facts, response_date, target_of
from opslens.sources.readers.paste import PasteReader

SHELL = Path(__file__).resolve().parents[1] / "fixtures" / "pastes" / "shell"
NOW = datetime(2026, 9, 21, 12, 0, tzinfo=UTC).timestamp()


def _read(name: str, now: float | None = NOW) -> tuple[list[Event], str]:
    text = (SHELL / name).read_text(encoding="utf-8")
    ctx = ReadContext(SourceFile("paste.txt"), now=now)
    return list(PasteReader().read(io.StringIO(text), ctx)), text


# fixture -> (line of the record, tool, severity, facts, the signals the facts meet)
FIXTURES = {
    "curl-insecure-expired.txt": (1, "curl", Severity.ERROR, [
        "certificate of billing.internal.example expire date Jun  1 00:00:00 2026 GMT has passed: the certificate has expired",
        "TLS connection to billing.internal.example failed: the certificate has expired",
    ], {"cert_expired"}),
    "curl-verify-expired.txt": (3, "curl", Severity.ERROR, [
        "TLS connection to ledger.payments.svc failed: the certificate has expired",
    ], {"cert_expired"}),
    "curl-local-issuer.txt": (1, "curl", Severity.ERROR, [
        "TLS certificate verify failed for artifacts.corp.example: unable to get local issuer certificate",
    ], {"cert_expired"}),
    "curl-dns.txt": (1, "curl", Severity.ERROR, [
        "DNS lookup of inventory-api.retail.svc.cluster.local failed: could not resolve host inventory-api.retail.svc.cluster.local",
    ], {"dns_failure"}),
    "curl-refused.txt": (1, "curl", Severity.ERROR, [
        "connecting to localhost port 9090 failed: connection refused",  # not `Couldn't connect`
    ], {"conn_refused"}),
    "curl-timeout.txt": (1, "curl", Severity.ERROR, [
        "search.catalog.svc accepted the connection but did not answer in time: read timed out",
    ], {"dependency_failure"}),
    "curl-502-without-command.txt": (1, "curl", Severity.ERROR, [
        "certificate of gateway.edge.example valid until Nov  1 23:59:59 2026 GMT",
        "received HTTP 502 from gateway.edge.example (Bad Gateway)",
    ], {"dependency_failure"}),
    "curl-progress-refused.txt": (1, "curl", Severity.ERROR, [
        "connecting to 10.0.3.4 port 5432 failed: connection refused",
    ], {"conn_refused"}),
    "curl-healthy.txt": (1, "curl", Severity.INFO, [
        "certificate of status.example.org valid until Oct 28 23:59:59 2026 GMT",
    ], set()),
    "openssl-s-client-expired.txt": (1, "openssl", Severity.ERROR, [
        "TLS connection to vault.example.net failed: the certificate has expired",
        "certificate notAfter Apr  2 12:00:00 2026 GMT has passed: the certificate has expired",
    ], {"cert_expired"}),
    "openssl-dates-without-command.txt": (2, "openssl", Severity.ERROR, [
        "certificate notAfter Jan 12 09:30:00 2026 GMT has passed: the certificate has expired",
    ], {"cert_expired"}),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixture_is_one_record_with_its_facts(name: str) -> None:
    line, tool, severity, facts, meets = FIXTURES[name]
    events, text = _read(name)
    (record,) = [e for e in events if e.source == "shell"]
    assert (record.origin.line, (record.attrs or {})["tool"], record.severity) == (line, tool, severity)
    assert (record.attrs or {})["facts"] == facts
    assert record.raw in text  # verbatim, the command line with it
    cited = (record.attrs or {}).get("fact_lines", {})
    assert set(cited) <= set(facts) and all(line in record.raw.split("\n") for line in cited.values())
    found = set().union(*(signals.text_signals(fact) for fact in facts)) if facts else set()
    assert found == meets


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_content_sniffing_takes_it_as_a_paste(name: str) -> None:
    best, _ = choose_reader((SHELL / name).read_text(encoding="utf-8"), name)
    assert best is not None and best.name == "paste"


def test_a_commands_whole_output_stays_one_record() -> None:
    """`* Connected to`, `*   Trying` and `* Host ... was resolved.` inside a run start nothing new."""
    for name in ("curl-insecure-expired.txt", "curl-refused.txt", "curl-timeout.txt", "curl-dns.txt"):
        events, text = _read(name)
        assert [e.source for e in events] == ["shell"]
        assert events[0].raw == text.rstrip("\n")


def test_the_servers_date_header_dates_the_paste_unless_now_is_given() -> None:
    # no --now: the response's `date: Mon, 21 Sep 2026` is when it ran, past the June expiry
    events, _ = _read("curl-insecure-expired.txt", now=None)
    assert events[0].severity is Severity.ERROR
    # --now wins over the header: in May the certificate was still valid
    may = datetime(2026, 5, 1, tzinfo=UTC).timestamp()
    events, _ = _read("curl-insecure-expired.txt", now=may)
    facts = (events[0].attrs or {})["facts"]
    assert facts[0] == "certificate of billing.internal.example valid until Jun  1 00:00:00 2026 GMT"
    # `verify result: certificate has expired` is curl's own verdict and stays a failure
    assert events[0].severity is Severity.ERROR


_CONNECTED = "* Connected to api.shop.svc (10.0.0.9) port 443 (#0)"
# lines -> facts (text, failure), with --now NOW unless the case says otherwise
CASES: list[tuple[str, list[str], str, list[tuple[str, bool]]]] = [
    ("status line of curl -I", ["HTTP/1.1 503 Service Unavailable", "server: envoy"], "curl",
     [("received HTTP 503 from the server (Service Unavailable)", True)]),
    ("HTTP/2 status without a phrase", [_CONNECTED, "< HTTP/2 504"], "curl",
     [("received HTTP 504 from api.shop.svc (Gateway Timeout)", True)]),
    ("4xx is no dependency failure", [_CONNECTED, "< HTTP/1.1 404 Not Found"], "curl", []),
    ("404 on a health path: the probe asks the wrong place", [_CONNECTED, "> GET /healthz HTTP/1.1", "< HTTP/1.1 404 Not Found"], "curl",
     [("health check path /healthz on api.shop.svc answered HTTP 404 (Not Found)", True)]),
    ("404 on Spring's health path", [_CONNECTED, "> GET /actuator/health/liveness HTTP/1.1", "< HTTP/1.1 404 "], "curl",
     [("health check path /actuator/health/liveness on api.shop.svc answered HTTP 404 (Not Found)", True)]),
    ("404 on another path is no probe fact", [_CONNECTED, "> GET /api/orders/7 HTTP/1.1", "< HTTP/1.1 404 Not Found"], "curl", []),
    ("a healthy health path", [_CONNECTED, "> GET /readyz HTTP/2", "< HTTP/2 200"], "curl", []),
    ("a body line is no status line", ["HTTP/1.1 503 is what nginx said"], "cat", []),
    ("other tools: certificate dates only", ["web-1 Failed to connect to db port 5432: Connection refused",
                                             "notAfter=Jan 12 09:30:00 2026 GMT"], "grep",
     [("certificate notAfter Jan 12 09:30:00 2026 GMT has passed: the certificate has expired", True)]),
    ("curl's error under another tool's command", ["curl: (6) Could not resolve host: db.internal"], "grep",
     [("DNS lookup of db.internal failed: could not resolve host db.internal", True)]),
    ("-f: the requested URL returned an error", ["curl: (22) The requested URL returned error: 500"], "curl",
     [("received HTTP 500 from the server (Internal Server Error)", True)]),
    ("other curl errors name the host", [_CONNECTED, "curl: (56) Recv failure: Connection reset by peer"], "curl",
     [("curl request to api.shop.svc failed (curl error 56): Recv failure: Connection reset by peer", True)]),
    ("resolving timed out", ["curl: (28) Resolving timed out after 5000 milliseconds"], "curl",
     [("resolving the server: DNS lookup timed out", True)]),
    ("connect timed out", ["*   Trying 10.0.0.9:443...", "curl: (28) Connection timed out after 3001 milliseconds"], "curl",
     [("connecting to the server failed: connection timed out", True)]),
    ("verbose, never connected", ["*   Trying 10.0.0.9:443...", "curl: (28) Operation timed out after 3001 milliseconds with 0 bytes received"], "curl",
     [("connecting to the server failed: connection timed out", True)]),
    ("not verbose: no telling which step", ["curl: (28) Operation timed out after 3001 milliseconds with 0 bytes received"], "curl",
     [("request to the server timed out: operation timed out", True)]),
    ("timeout was reached", ["curl: (28) Failed to connect to db.internal port 5432 after 75003 ms: Timeout was reached"], "curl",
     [("connecting to db.internal port 5432 failed: connection timed out", True)]),
    ("curl 7.29 wording", ["curl: (7) Failed connect to web.local:8080; Connection refused"], "curl",
     [("connecting to web.local port 8080 failed: connection refused", True)]),
    ("a cut-off paste: only the attempt", ["*   Trying 10.0.0.9:443...", "* connect to 10.0.0.9 port 443 failed: No route to host"], "curl",
     [("connecting to the server failed: no route to host", True)]),
    ("NSS build's wording", ["curl: (60) Peer's Certificate has expired."], "curl",
     [("TLS connection to the server failed: the certificate has expired", True)]),
    ("host name mismatch", [_CONNECTED, "curl: (60) SSL: no alternative certificate subject name matches target host name 'api.shop.svc'"], "curl",
     [("TLS certificate verify failed for api.shop.svc: the certificate does not name this host", True)]),
    ("-k verify ok", [_CONNECTED, "*  SSL certificate verify result: ok (0), continuing anyway."], "curl", []),
    ("`Expire in` is a timer, no date", ["* Expire in 0 ms for 6 (transfer 0x55d0c8a1e2a0)"], "curl", []),
    ("an impossible date says nothing", ["*  expire date: Feb 30 00:00:00 2026 GMT"], "curl", []),
    ("s_client refused", ["connect:errno=111"], "openssl", [("connecting to the server failed: connection refused", True)]),
    ("OpenSSL 3 refused", ["40C7B0F7A87F0000:error:8000006F:system library:BIO_connect:Connection refused:../crypto/bio/bio_sock2.c:114:calling connect()"],
     "openssl", [("connecting to the server failed: connection refused", True)]),
    ("s_client lookup", ["BIO_lookup_ex:system lib: getaddrinfo: Name or service not known"], "openssl",
     [("DNS lookup of the server failed: could not resolve host the server", True)]),
    ("a missing CA is not the server's failure",
     ["depth=0 CN = kafka.data.svc", "verify error:num=20:unable to get local issuer certificate", "Verify return code: 21 (unable to verify the first certificate)"],
     "openssl", [("openssl could not verify the certificate of kafka.data.svc: unable to get local issuer certificate", False),
                 ("openssl could not verify the certificate of kafka.data.svc: unable to verify the first certificate", False)]),
    ("verify ok", ["Verify return code: 0 (ok)"], "openssl", []),
    ("x509 -text", ["            Not After : Dec 31 23:59:59 2030 GMT"], "openssl",
     [("certificate valid until Dec 31 23:59:59 2030 GMT", False)]),
    ("not yet valid, from an exact now", ["notBefore=Jan  1 00:00:00 2027 GMT", "notAfter=Apr  1 00:00:00 2027 GMT"], "openssl",
     [("certificate notBefore Jan  1 00:00:00 2027 GMT is still to come: the certificate is not yet valid", True),
      ("certificate valid until Apr  1 00:00:00 2027 GMT", False)]),
]  # fmt: skip


@pytest.mark.parametrize(("lines", "tool", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_connection_facts(lines: list[str], tool: str, expected: list[tuple[str, bool]]) -> None:
    facts = connection_facts(lines, NOW, True, tool)
    assert [(f.text, f.failure) for f in facts] == expected
    assert all(f.line in lines for f in facts)  # each quotes the line that says it


def test_each_fact_quotes_its_line() -> None:
    lines = ["*   Trying 10.0.0.9:443...", "* connect to 10.0.0.9 port 443 failed: Connection refused"]
    assert connection_facts(lines, NOW, True, "curl") == [
        Fact("connecting to the server failed: connection refused", True, lines[1])
    ]
    events, _ = _read("curl-502-without-command.txt")
    cited = (events[0].attrs or {})["fact_lines"]
    assert cited == {
        "certificate of gateway.edge.example valid until Nov  1 23:59:59 2026 GMT": "*  expire date: Nov  1 23:59:59 2026 GMT",
        "received HTTP 502 from gateway.edge.example (Bad Gateway)": "< HTTP/2 502",
    }
    refused, _ = _read("curl-refused.txt")
    assert (refused[0].attrs or {})["fact_lines"] == {
        "connecting to localhost port 9090 failed: connection refused":
            "* Failed to connect to localhost port 9090 after 0 ms: Couldn't connect to server",
    }


def test_not_yet_valid_needs_a_time_that_is_no_guess() -> None:
    lines = ["*  start date: Jan  1 00:00:00 2027 GMT", "notBefore=Jan  1 00:00:00 2027 GMT"]
    assert connection_facts(lines, NOW, False, "curl") == []
    assert [f.text for f in connection_facts(lines, NOW, True, "curl")] == [
        "certificate of the server start date Jan  1 00:00:00 2027 GMT is still to come: the certificate is not yet valid",
        "certificate notBefore Jan  1 00:00:00 2027 GMT is still to come: the certificate is not yet valid",
    ]


@pytest.mark.parametrize(("line", "tool"), [
    ("* Host api.shop.svc:443 was resolved.", "curl"),
    ("* Rebuilt URL to: https://api.shop.svc/", "curl"),
    ("* About to connect() to api.shop.svc port 443 (#0)", "curl"),
    ("* Hostname was NOT found in DNS cache", "curl"),
    ("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current", "curl"),
    ("CONNECTED(00000003)", "openssl"),
    ("notBefore=Oct 14 09:30:00 2025 GMT", "openssl"),
    # repeated within one run: as headers they would cut the run in two
    ("*   Trying 10.0.0.9:443...", "curl"),  # repeats in one run: the splitter keeps it whole
    ("* Connected to api.shop.svc (10.0.0.9) port 443 (#0)", "curl"),
    ("* Server certificate:", "curl"),
    ("*  expire date: Aug 23 22:41:03 2019 GMT", "curl"),
    ("notAfter=Jan 12 09:30:00 2026 GMT", None),
    ("depth=0 CN = vault.example.net", None),
    ("< HTTP/1.1 503 Service Unavailable", None),
])  # fmt: skip
def test_implied_tool(line: str, tool: str | None) -> None:
    assert implied_tool(line) == tool


@pytest.mark.parametrize(("command", "host"), [
    ("curl -v https://api.shop.svc:8443/v1/x", "api.shop.svc"),
    ("curl -sv 'http://user:pw@10.0.0.4/health'", "10.0.0.4"),
    ("curl -v http://[fd00::12]:8080/", "fd00::12"),
    ("openssl s_client -connect vault.example.net:8200 -servername vault", "vault.example.net"),
    ("openssl s_client -connect=db:5432 -starttls postgres", "db"),
    ("openssl x509 -noout -dates -in tls.crt", None),
    (None, None),
])  # fmt: skip
def test_target_of(command: str | None, host: str | None) -> None:
    assert target_of(command) == host


def test_response_date() -> None:
    assert response_date(["< HTTP/1.1 200 OK", "< Date: Mon, 21 Sep 2026 09:12:44 GMT"]) == datetime(2026, 9, 21, 9, 12, 44, tzinfo=UTC).timestamp()
    assert response_date(["> Date: Mon, 21 Sep 2026 09:12:44 GMT", "< date: yesterday"]) is None


# --- never raises ----------------------------------------------------------------------------

_FRAGMENTS = [
    "*   Trying 10.0.0.9:443...", _CONNECTED, "*  expire date: ", "*  start date: ", "notAfter=", "notBefore=",
    "Not After : ", "curl: (", "Failed to connect to ", " port ", ": Connection refused", "Could not resolve host: ",
    "< HTTP/2 ", "HTTP/1.1 ", "< date: ", "Verify return code: ", "verify error:num=", "connect:errno=",
    "SSL certificate problem: ", "SSL certificate verify result: ", " (10)", "Jun  1 00:00:00 2026 GMT",
    "Feb 29 25:61:61 0000 ZZZ", "timed out after ", "Operation", "Resolving", "\t", " ", "*", "<", ")", "(", "999",
]  # fmt: skip
_LINE = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=20)), max_size=8).map("".join)


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(_LINE, max_size=12), exact=st.booleans(), tool=st.sampled_from(["curl", "openssl", "cat", ""]),
       target=st.one_of(st.none(), st.text(max_size=12)))  # fmt: skip
def test_connection_facts_never_raise(lines: list[str], exact: bool, tool: str, target: str | None) -> None:
    facts = connection_facts(lines, NOW, exact, tool, target)
    assert len({f.text for f in facts}) == len(facts)  # no repeats
    assert all(f.line in lines for f in facts)
    for line in lines:
        implied_tool(line)
    target_of(" ".join(lines))
    response_date(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(FIXTURES)), data=st.data())
def test_mutated_fixtures_never_raise(name: str, data: st.DataObject) -> None:
    lines = (SHELL / name).read_text(encoding="utf-8").splitlines()
    keep = data.draw(st.lists(st.sampled_from(range(len(lines))), max_size=len(lines) + 3))
    cut = data.draw(st.integers(min_value=0, max_value=80))
    mutated = [lines[i][: cut if i % 3 == 0 else None] for i in keep]
    ctx = ReadContext(SourceFile("paste.txt"), now=data.draw(st.sampled_from([None, NOW])))
    events = list(PasteReader().read(io.StringIO("\n".join(mutated)), ctx))
    for event in events:
        if event.source == "shell":
            assert event.severity in (Severity.INFO, Severity.WARNING, Severity.ERROR)


def test_curl_7_output_without_its_command_is_one_record() -> None:
    """curl 7.x starts `-v` output with `*   Trying`; pasted without the command line, after
    prose, the whole run is still one curl record, and an expired date in it is a failure."""
    text = (
        "the gateway answers with an old certificate:\n"
        "\n"
        "*   Trying 10.20.0.4:443...\n"
        "*   Trying 10.20.0.5:443...\n"
        "* Connected to shop.example.test (10.20.0.5) port 443 (#0)\n"
        "* Server certificate:\n"
        "*  subject: CN=shop.example.test\n"
        "*  start date: Jan  2 10:00:00 2021 GMT\n"
        "*  expire date: Jan  2 10:00:00 2022 GMT\n"
        "*  issuer: CN=Example Test CA\n"
    )
    ctx = ReadContext(SourceFile("paste.txt"), now=datetime(2023, 3, 1, tzinfo=UTC).timestamp())
    events = list(PasteReader().read(io.StringIO(text), ctx))
    (curl,) = [e for e in events if e.source == "shell"]
    assert curl.origin.line == 3 and curl.raw.endswith("CN=Example Test CA")
    assert curl.severity is Severity.ERROR


def test_a_certificate_excerpt_alone_is_curl_output() -> None:
    lines = ["* Server certificate:", "*  subject: CN=shop.example.test", "*  expire date: Jan  2 10:00:00 2022 GMT"]
    parts = split_paste([line + "\n" for line in lines])
    assert [(p.kind, len(p.lines)) for p in parts] == [("output", 3)]
