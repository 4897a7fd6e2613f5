"""Record-aware evidence text: the decisive parts of long records survive, verbatim."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from opslens.analysis.excerpt import LINE_CHARS, RECORD_CHARS, excerpt, verbatim_pieces

SPRING_FRAMES = [f"\tat org.springframework.web.servlet.FrameworkServlet.service{i}(FrameworkServlet.java:{800 + i})" for i in range(30)]
JAVA_TRACE = "\n".join([
    "2025-05-20 09:41:07.112 ERROR 1 --- [nio-8080-exec-3] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() threw exception",
    "org.springframework.dao.DataAccessResourceFailureException: Unable to acquire JDBC Connection",
    *SPRING_FRAMES,
    "\tat com.acme.billing.InvoiceService.charge(InvoiceService.java:88)",
    "\tat com.acme.billing.InvoiceController.post(InvoiceController.java:41)",
    *SPRING_FRAMES[:10],
    "Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.",
    "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
    "\t... 48 more",
])
PY_TRACE = "\n".join([
    "Traceback (most recent call last):",
    '  File "/usr/local/lib/python3.12/site-packages/redis/connection.py", line 707, in connect',
    "    sock = self.retry.call_with_retry(",
    '  File "/usr/local/lib/python3.12/site-packages/redis/retry.py", line 46, in call_with_retry',
    "    return do()",
    "ConnectionRefusedError: [Errno 111] Connection refused",
    "",
    "During handling of the above exception, another exception occurred:",
    "",
    "Traceback (most recent call last):",
    *[f'  File "/usr/local/lib/python3.12/site-packages/django/core/handlers/base.py", line {100 + i}, in inner' for i in range(12)],
    '  File "/app/orders/views.py", line 57, in create_order',
    "    cache.set(key, payload)",
    "redis.exceptions.ConnectionError: Error 111 connecting to redis-master.cache.svc:6379. Connection refused.",
])
GO_PANIC = "\n".join([
    "panic: runtime error: invalid memory address or nil pointer dereference",
    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x9a1b2c]",
    "",
    "goroutine 214 [running]:",
    *[f"net/http.(*conn).serve{i}(0xc000{i:03d})\n\t/usr/local/go/src/net/http/server.go:{2000 + i} +0x5b4" for i in range(8)],
    "github.com/acme/ledger/internal/post.(*Handler).Apply(0xc0001a2b40, {0x0, 0x0})",
    "\t/src/internal/post/handler.go:132 +0x1c",
    "created by net/http.(*Server).Serve in goroutine 1",
    "\t/usr/local/go/src/net/http/server.go:3285 +0x4b4",
])


def _verbatim(text: str, source: str) -> bool:
    return all(piece in source for piece in verbatim_pieces(text))


def test_java_keeps_exception_first_app_frame_and_cause() -> None:
    text = excerpt(JAVA_TRACE, needle="Connection is not available")
    assert len(text) <= RECORD_CHARS + 200
    assert "DataAccessResourceFailureException: Unable to acquire JDBC Connection" in text
    assert "InvoiceService.java:88" in text
    assert "Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available" in text
    assert "FrameworkServlet.service12" not in text
    assert "\n…\n" in text
    assert _verbatim(text, JAVA_TRACE)


def test_python_keeps_both_exceptions_the_chain_and_the_app_frame() -> None:
    text = excerpt(PY_TRACE, needle="Connection refused")
    assert "ConnectionRefusedError: [Errno 111] Connection refused" in text
    assert "During handling of the above exception" in text
    assert '/app/orders/views.py", line 57' in text
    assert "redis.exceptions.ConnectionError: Error 111 connecting to redis-master.cache.svc:6379" in text
    assert _verbatim(text, PY_TRACE)


def test_go_keeps_panic_signal_and_the_first_own_frame() -> None:
    text = excerpt(GO_PANIC)
    assert text.startswith("panic: runtime error: invalid memory address or nil pointer dereference")
    assert "[signal SIGSEGV" in text
    assert "github.com/acme/ledger/internal/post.(*Handler).Apply" in text
    assert _verbatim(text, GO_PANIC)


def test_long_json_line_keeps_message_and_error_fields() -> None:
    record = {"ts": "2025-05-20T09:41:07.112Z", "level": "error", "caller": "svc/client.go:88"}
    record.update({f"ctx_{i}": "x" * 30 for i in range(30)})
    record.update({"msg": "payment provider call failed", "error": "Post \"https://api.payments.example/v2/charge\": dial tcp 10.2.3.4:443: i/o timeout"})
    line = json.dumps(record)
    text = excerpt(line)
    assert len(text) <= LINE_CHARS + 10
    assert '"msg": "payment provider call failed"' in text
    assert "i/o timeout" in text
    assert _verbatim(text, line)


def test_short_block_is_kept_whole_with_its_layout() -> None:
    block = "    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137\n      Started:      Mon, 04 Mar 2024 10:00:01 +0000"
    text = excerpt(block)
    assert "Reason:       OOMKilled\n      Exit Code:    137" in text
    assert text.startswith("Last State:")


def test_the_needle_survives_in_a_long_line() -> None:
    line = "a" * 900 + " FATAL: remaining connection slots are reserved " + "b" * 900
    text = excerpt(line, needle="remaining connection slots are reserved")
    assert "remaining connection slots are reserved" in text
    assert len(text) <= LINE_CHARS
    assert _verbatim(text, line)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300), min_size=1, max_size=60),
       st.integers(min_value=0, max_value=59))
def test_excerpts_are_verbatim_and_bounded_and_keep_the_needle(lines: list[str], pick: int) -> None:
    lines = [line.replace("\n", " ").replace("\r", " ") for line in lines]
    raw = "\n".join(lines)
    needle_line = lines[pick % len(lines)].strip()
    needle = needle_line[:40] if len(needle_line) >= 8 else None
    text = excerpt(raw, needle)
    assert _verbatim(text, raw)
    assert len(text) <= RECORD_CHARS + len(needle or "") + 400
    if needle and "…" not in needle:
        assert needle in text


def test_a_long_line_keeps_its_end_where_a_wrapped_error_names_its_cause() -> None:
    line = (
        'Failed to pull image "ghcr.io/acme/billing:3.2.0": rpc error: code = Unknown desc = failed to pull and unpack image '
        '"ghcr.io/acme/billing:3.2.0": failed to resolve reference "ghcr.io/acme/billing:3.2.0": failed to authorize: '
        + "failed to fetch anonymous token: " * 8
        + "unexpected status from GET request to https://ghcr.io/token?scope=repository%3Aacme%2Fbilling%3Apull: 401 Unauthorized"
    )
    text = excerpt(line, "Failed to pull image")
    assert len(text) <= LINE_CHARS
    assert text.startswith('Failed to pull image "ghcr.io/acme/billing:3.2.0"')
    assert text.endswith("401 Unauthorized") and " … " in text


def test_context_fields_at_a_lines_end_do_not_take_the_room_of_its_message() -> None:
    """A structured logger appends context (`provider=x router=y`): the head keeps the message."""
    message = 'level=error msg="unable to obtain certificate: acme: error: 429 :: ' + "detail " * 40 + 'the decisive clause"'
    line = message + " provider=letsencrypt router=web@docker rule=Host(`shop.example.test`) " + "k=v " * 30
    text = excerpt(line)
    assert text == line[:LINE_CHARS] and " … " not in text


def test_a_flattened_log_keeps_its_last_error_line() -> None:
    """A CI page or a paste that lost its newlines: the final `ERROR:` says what the job died of."""
    warning = "WARNING: Event retrieved from the cluster: The node was low on resource: ephemeral-storage. "
    line = ("Preparing the build pod " + "x" * 40 + ". ") + warning * 6 + (
        'ERROR: Job failed (system failure): pod "ci/runner-abc-project-7-concurrent-0-q2" is disrupted: '
        'reason "TerminationByKubelet", message "The node was low on resource"')
    text = excerpt(line)
    assert len(text) <= LINE_CHARS and text.startswith("Preparing the build pod")
    assert 'ERROR: Job failed (system failure): pod "ci/runner-abc-project-7-concurrent-0-q2" is disrupted: reason "TerminationByKubelet"' in text
    assert all(piece in line for piece in verbatim_pieces(text))
    # lower-case words and level names inside other words are not log levels
    quiet = "the handler said error: nothing " * 15 + "TERRORS: none, " + "the handler said error: nothing " * 15
    assert excerpt(quiet) == excerpt(quiet.replace("TERRORS:", "nothing:"))


def test_a_traceback_keeps_the_end_of_its_long_final_exception() -> None:
    """An API client's exception names the cause after a long message (its error `code`);
    the record's last line keeps up to LINE_CHARS, the other lines RECORD_LINE_CHARS."""
    message = ("Rate limit reached for model m-small in organization org-quill on requests per "
               "day (RPD): Limit 10000, Used 10000, Requested 1. Please retry after 7 seconds; "
               "visit the usage page to raise your limits.")
    final = (f"vendorapi.QuotaError: Error code: 429 - {{'error': {{'message': '{message}', "
             "'type': 'requests', 'param': None, 'code': 'quota_exhausted'}}")
    frames = [f'  File "/srv/lib/vendorapi/client_{n}.py", line {n + 10}, in call_{n}\n'
              f"    return self.transport.send(request, retries={n})" for n in range(30)]
    trace = "\n".join(["Traceback (most recent call last):", *frames, final])
    assert len(trace) > RECORD_CHARS and 240 < len(final) <= LINE_CHARS
    cut = excerpt(trace)
    assert cut.splitlines()[-1] == final
    assert _verbatim(cut, trace)
