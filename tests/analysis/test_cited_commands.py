"""The command line that printed a cited line is cited beside it, without taking the room of
the failures themselves: six pods failing in six wordings are all quoted."""

from __future__ import annotations

from pathlib import Path

from opslens.pipeline import TriageOptions, run_triage

FAILURES = {
    "cart": "dial tcp: lookup redis.shop.svc.cluster.local on 10.96.0.10:53: no such host",
    "checkout": "getaddrinfo EAI_AGAIN payments.shop.svc.cluster.local",
    "worker": "socket.gaierror: [Errno -3] Temporary failure in name resolution",
    "api": "java.net.UnknownHostException: orders-db.shop.svc.cluster.local",
    "search": 'could not translate host name "pg-main.shop.svc" to address: Name or service not known',
    "mailer": "dial tcp: lookup smtp.example.com on 10.96.0.10:53: server misbehaving",
}


def test_every_failing_pod_is_quoted_with_the_command_that_printed_it(tmp_path: Path) -> None:
    paste = "".join(
        f"$ kubectl logs -n shop {pod}-7c9f8d6b54-a1b2c\n2026-03-07T09:5{i}:10Z ERROR {pod}: {line}\n\n"
        for i, (pod, line) in enumerate(FAILURES.items())
    )
    (tmp_path / "chat.txt").write_text(paste, encoding="utf-8")
    report = run_triage(TriageOptions(paths=[str(tmp_path)])).report
    assert report is not None and report.hypotheses[0].category == "dns-failure"
    texts = {e.id: e.text for e in report.evidence}
    cited = [texts[i] for i in report.hypotheses[0].evidence if i in texts]
    for pod, line in FAILURES.items():
        assert any(line[:40] in t for t in cited), pod
        assert any(t.startswith(f"$ kubectl logs -n shop {pod}-") for t in cited), pod
