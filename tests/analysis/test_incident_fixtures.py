"""Detectors end to end on small incidents of the categories the dev scenarios do not cover.

Each incident is written in native formats by `incidents.Bundle` with healthy background and
chronic noise, then triaged through the real pipeline; the top hypothesis must name the right
category and culprit, and the onset must be the first symptom.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from opslens.pipeline import TriageOptions, run_triage
from tests.analysis.incidents import INCIDENT, Bundle, at

Scenario = Callable[[Bundle], None]


def dependency_outage(b: Bundle) -> None:
    t = INCIDENT
    while t < at(70):
        b.json_log("shop", "checkout-6f8d9c7b5-k2m4p", "checkout", t, "error", "charge failed",
                   error='Post "https://api.payprovider.example/v1/charges": context deadline exceeded (Client.Timeout exceeded while awaiting headers)')
        t += timedelta(seconds=7)
    b.json_log("shop", "checkout-6f8d9c7b5-k2m4p", "checkout", INCIDENT + timedelta(seconds=40), "warn",
               "circuit breaker payprovider is now OPEN")
    b.metric("probe_success", lambda t: 1 if t < INCIDENT else 0, instance="https://api.payprovider.example/health", job="blackbox", namespace="shop")
    b.alert("BlackboxProbeFailed", INCIDENT + timedelta(minutes=2), "Probe failed for https://api.payprovider.example/health", namespace="shop", service="checkout")


def cert_expiry(b: Bundle) -> None:
    t = INCIDENT
    while t < at(70):
        b.log("shop", "billing-7c9f8d6b4-w8r2t", "billing", t,
              f"{t.strftime('%Y/%m/%d %H:%M:%S')} http: TLS handshake error from 10.1.3.{int(t.second) + 2}:51234: remote error: tls: bad certificate")
        stamp = t.strftime("%Y-%m-%d %H:%M:%S,000")
        b.log("shop", "invoices-5d7c8b9f6-p4q7z", "invoices", t + timedelta(seconds=1), f"{stamp} ERROR invoices.client: billing call failed")
        b.log("shop", "invoices-5d7c8b9f6-p4q7z", "invoices", t + timedelta(seconds=1), "Traceback (most recent call last):")
        b.log("shop", "invoices-5d7c8b9f6-p4q7z", "invoices", t + timedelta(seconds=1), "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)")
        t += timedelta(seconds=9)


def node_failure(b: Bundle) -> None:
    b.journal_line("node-b", "kubelet", INCIDENT, 'E0520 09:40:00.000000    1042 kubelet.go:2396] "Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active 3m10.2s ago; threshold is 3m0s"', 3)
    b.journal_line("node-b", "containerd", INCIDENT + timedelta(seconds=5), 'time="2025-05-20T09:40:05Z" level=error msg="failed to handle container TaskExit event" error="context deadline exceeded"')
    b.event("Node", "node-b", None, "NodeNotReady", "Node node-b status is now: NodeNotReady", INCIDENT + timedelta(seconds=40), "Normal", component="node-controller")
    for pod in ("cart-85f6d9c7b-4jq8s", "orders-6c7d8f9b5-z2x4c"):
        b.event("Pod", pod, "shop", "TaintManagerEviction", f"Marking for deletion Pod shop/{pod}", INCIDENT + timedelta(minutes=5, seconds=40), "Normal", component="taint-controller")
    b.alert("KubeNodeNotReady", INCIDENT + timedelta(minutes=15), "Node is not ready.", node="node-b", severity="warning")


def scheduling(b: Bundle) -> None:
    b.commit("cart: raise memory request to 48Gi for the cache warmup", INCIDENT - timedelta(minutes=4), ["apps/shop/cart/deployment.yaml"])
    b.rollout("shop", "cart", "85f6d9c7b", "6b7c8d9f4", INCIDENT - timedelta(minutes=1))
    for pod in ("cart-6b7c8d9f4-h2k8d", "cart-6b7c8d9f4-q5n7v"):
        b.event("Pod", pod, "shop", "FailedScheduling",
                "0/6 nodes are available: 6 Insufficient memory. preemption: 0/6 nodes are available: 6 No preemption victims found for incoming pod.",
                INCIDENT, count=25, last=at(69), component="default-scheduler")
        b.event("Pod", pod, "shop", "NotTriggerScaleUp", "pod didn't trigger scale-up: 2 max node group size reached", INCIDENT + timedelta(seconds=30),
                "Normal", count=10, last=at(69), component="cluster-autoscaler")
    b.alert("KubeDeploymentReplicasMismatch", INCIDENT + timedelta(minutes=15), "Deployment has not matched the expected number of replicas.", namespace="shop", deployment="cart")


def cpu_exhaustion(b: Bundle) -> None:
    b.alert("CPUThrottlingHigh", INCIDENT + timedelta(minutes=3), "Processes experience elevated CPU throttling.",
            namespace="shop", pod="search-7d9f8c6b5-x2x9q", container="search", severity="info")
    b.metric("container_cpu_cfs_throttled_periods_total", lambda t: 0 if t < INCIDENT else (t - INCIDENT).total_seconds() * 8,
             namespace="shop", pod="search-7d9f8c6b5-x2x9q", container="search")
    b.metric("namespace_service:http_request_duration_seconds:p99", lambda t: 0.2 if t < INCIDENT else 4.5, namespace="shop", service="search")
    t = INCIDENT
    while t < at(70):
        b.json_log("shop", "search-7d9f8c6b5-x2x9q", "search", t, "warn", "slow request", path="/search", took_ms=4800)
        t += timedelta(seconds=11)


def rate_limit(b: Bundle) -> None:
    t = INCIDENT
    while t < at(70):
        b.json_log("shop", "notifier-69c8d7f5b-m3n8q", "notifier", t, "error", "sms provider returned 429 Too Many Requests",
                   retry_after="30s", provider="smsgate")
        t += timedelta(seconds=5)


def network_policy(b: Bundle) -> None:
    b.commit("shop: add default-deny NetworkPolicy for the namespace", INCIDENT - timedelta(minutes=3), ["apps/shop/networkpolicies/default-deny.yaml"])
    t = INCIDENT
    while t < at(70):
        b.json_log("shop", "orders-6c7d8f9b5-z2x4c", "orders", t, "error", "stock lookup failed",
                   error='Get "http://inventory.shop.svc.cluster.local:8080/stock": dial tcp 10.96.31.7:8080: i/o timeout')
        t += timedelta(seconds=6)


def crash_bug(b: Bundle) -> None:
    for k in range(6):
        t = INCIDENT + timedelta(minutes=4 * k)
        pod, ns = "ledger-5b8c9d7f6-t6v2n", "finance"
        b.log(ns, pod, "ledger", t, f"{t.strftime('%Y/%m/%d %H:%M:%S')} applying entry batch=2291 account=ACC-4412")
        b.log(ns, pod, "ledger", t, "panic: runtime error: invalid memory address or nil pointer dereference")
        b.log(ns, pod, "ledger", t, "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x6b2f1d]")
        b.log(ns, pod, "ledger", t, "")
        b.log(ns, pod, "ledger", t, "goroutine 1 [running]:")
        b.log(ns, pod, "ledger", t, "main.(*Ledger).apply(0xc0001a2000, 0x0)")
        b.log(ns, pod, "ledger", t, "\t/app/ledger.go:88 +0x1d")
    b.event("Pod", "ledger-5b8c9d7f6-t6v2n", "finance", "BackOff", "Back-off restarting failed container ledger in pod ledger-5b8c9d7f6-t6v2n_finance(1c2d)",
            INCIDENT + timedelta(seconds=20), count=12, last=at(69))
    b.alert("KubePodCrashLooping", INCIDENT + timedelta(minutes=15), "Pod is crash looping.", namespace="finance", pod="ledger-5b8c9d7f6-t6v2n", container="ledger")


def secret_missing(b: Bundle) -> None:
    b.rollout("pay", "payments", "7f8c9d6b5", "5d6f7c8b9", INCIDENT - timedelta(seconds=30))
    for pod in ("payments-5d6f7c8b9-r7w2x", "payments-5d6f7c8b9-c4v8b"):
        b.event("Pod", pod, "pay", "Failed", 'Error: secret "payments-db-credentials" not found', INCIDENT, count=30, last=at(69))
    b.alert("KubeContainerWaiting", INCIDENT + timedelta(minutes=12), "Pod container waiting longer than 1 hour", namespace="pay",
            pod="payments-5d6f7c8b9-r7w2x", reason="CreateContainerConfigError")


CASES: list[tuple[str, Scenario, str, str]] = [
    ("dependency-outage", dependency_outage, "checkout", "shop"),
    ("cert-expiry", cert_expiry, "billing", "shop"),
    ("node-failure", node_failure, "node-b", ""),
    ("scheduling", scheduling, "cart", "shop"),
    ("resource-exhaustion-cpu", cpu_exhaustion, "search", "shop"),
    ("rate-limit", rate_limit, "notifier", "shop"),
    ("network-policy", network_policy, "default-deny", "shop"),
    ("crash-bug", crash_bug, "ledger", "finance"),
    ("secret-missing", secret_missing, "payments", "pay"),
]


@pytest.mark.parametrize(("category", "make", "culprit", "namespace"), CASES, ids=[c[0] for c in CASES])
def test_top_hypothesis_names_category_culprit_and_onset(tmp_path: Path, category: str, make: Scenario, culprit: str, namespace: str) -> None:
    bundle = Bundle(tmp_path / category)
    make(bundle)
    outcome = run_triage(TriageOptions(paths=[str(bundle.write())]))
    report = outcome.report
    assert report is not None, outcome.error
    top = report.hypotheses[0]
    ranked = [(h.category, h.confidence) for h in report.hypotheses]
    assert top.category == category, ranked
    assert top.entity is not None and top.entity.name == culprit, (top.entity, ranked)
    assert (top.entity.namespace or "") == namespace
    assert report.onset is not None
    assert abs((report.onset - INCIDENT).total_seconds()) <= 180, report.onset
    assert top.evidence and all(any(e.id == ref for e in report.evidence) for ref in top.evidence)


def test_quiet_background_gives_insufficient_evidence(tmp_path: Path) -> None:
    report = run_triage(TriageOptions(paths=[str(Bundle(tmp_path / "quiet").write())])).report
    assert report is not None
    assert not report.hypotheses or report.hypotheses[0].confidence < 0.3
    assert "Insufficient evidence" in report.summary


def _histories(b: Bundle) -> dict[str, list[str]]:
    """Undated rollout history for every workload the bundle mentions, the culprit included."""
    names = {name.split("_")[1].rsplit("-", 2)[0] for name in b.pods} | {"cart", "payments", "billing", "ledger", "checkout"}
    return {f"deployment.apps/{n}": ["<none>", f"kubectl set image deployment/{n} {n}=registry.example.com/{n}:1.{k}", f"kubectl set image deployment/{n} {n}=registry.example.com/{n}:1.{k + 1}"]
            for k, n in enumerate(sorted(names))}


@pytest.mark.parametrize(("category", "make", "culprit", "namespace"), CASES, ids=[c[0] for c in CASES])
def test_undated_rollout_history_changes_nothing(tmp_path: Path, category: str, make: Scenario, culprit: str, namespace: str) -> None:
    """Revisions without times are context: the same incident with and without them ranks the
    same top hypothesis, and no undated revision is cited as the change behind it."""
    tops = []
    for with_history in (False, True):
        bundle = Bundle(tmp_path / f"{category}-{with_history}")
        make(bundle)
        if with_history:
            bundle.rollout_history(_histories(bundle))
        report = run_triage(TriageOptions(paths=[str(bundle.write())])).report
        assert report is not None
        top = report.hypotheses[0]
        tops.append((top.category, top.entity, top.change))
        if with_history:
            undated = [c for c in report.changes if c.ts is None]
            assert undated and all(c.kind == "rollout-history" and c.score == 0 for c in undated)
            assert len(undated) == len(_histories(bundle))  # grouped: one entry per resource
    assert tops[0] == tops[1]
