"""A failure that has gone on all along is the incident when nothing new began.

A pasted describe whose only warning has repeated for days (`3m (x40 over 5d)`) has no burst
of new trouble: its past occurrences would count as background, and the paste would get no
hypothesis at all. When nothing fresh explains anything, the ongoing failure is what the user
brought, reported with a little less confidence. An autoscaler pinned at its maximum with CPU
above target is CPU saturation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from opslens.pipeline import TriageOptions, run_triage
from opslens.report.models import Report

CERTIFICATE = """\
$ kubectl describe certificate web-tls -n web
Name:         web-tls
Namespace:    web
API Version:  cert-manager.io/v1
Kind:         Certificate
Status:
  Conditions:
    Last Transition Time:  2026-03-02T10:00:00Z
    Message:               Issuing certificate as Secret does not exist
    Reason:                DoesNotExist
    Status:                False
    Type:                  Ready
Events:
  Type     Reason  Age               From                               Message
  ----     ------  ----              ----                               -------
  Warning  Failed  3m (x40 over 5d)  cert-manager-certificates-issuing  The certificate request has failed to complete and will be retried: Failed to wait for order resource "web-tls-1-2291" to become ready: order is in "errored" state: Failed to create Order: 429 urn:ietf:params:acme:error:rateLimited: Error creating new order :: too many certificates already issued for exact set of domains: web.example.test
"""
NEW_FAILURE = """\
2026-03-07T09:58:00Z ERROR checkout: payment call failed: dial tcp: lookup payments.internal on 10.96.0.10:53: no such host
2026-03-07T09:58:30Z ERROR checkout: payment call failed: dial tcp: lookup payments.internal on 10.96.0.10:53: no such host
2026-03-07T09:59:10Z ERROR checkout: payment call failed: dial tcp: lookup payments.internal on 10.96.0.10:53: no such host
"""
HPA = """\
$ kubectl get hpa -n api
NAME      REFERENCE            TARGETS        MINPODS   MAXPODS   REPLICAS   AGE
gateway   Deployment/gateway   cpu: 212%/70%  3         12        12         80d
"""
NOW = datetime(2026, 3, 7, 10, 0, tzinfo=UTC).timestamp()


def _triage(tmp_path: Path, files: dict[str, str]) -> Report:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    report = run_triage(TriageOptions(paths=[str(tmp_path)], now=NOW)).report
    assert report is not None
    return report


def test_a_failure_repeating_for_days_is_the_incident_when_nothing_new_began(tmp_path: Path) -> None:
    report = _triage(tmp_path, {"certificate.txt": CERTIFICATE})
    assert report.hypotheses, "an ongoing failure must not leave the paste without a hypothesis"
    top = report.hypotheses[0]
    assert top.category == "rate-limit"
    cited = {e.id: e.text for e in report.evidence}
    assert any("rateLimited" in cited[i] for i in top.evidence if i in cited)


def test_the_ongoing_failure_stays_background_beside_new_trouble(tmp_path: Path) -> None:
    report = _triage(tmp_path, {"certificate.txt": CERTIFICATE, "checkout.log": NEW_FAILURE})
    assert report.hypotheses and report.hypotheses[0].category == "dns-failure"
    assert "rate-limit" not in [h.category for h in report.hypotheses]  # background, not a cause


def test_an_autoscaler_at_its_maximum_above_its_cpu_target_is_cpu_saturation(tmp_path: Path) -> None:
    report = _triage(tmp_path, {"hpa.txt": HPA})
    assert report.hypotheses and report.hypotheses[0].category == "resource-exhaustion-cpu"
