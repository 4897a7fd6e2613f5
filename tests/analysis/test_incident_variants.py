"""The dev-scenario categories again, in other languages, wordings and with other sources.

Detectors must key on what signals mean (reasons, exit codes, kernel/kubelet/runtime wording,
metric meaning), so the same root cause written by a different stack must still be found.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from opslens.pipeline import TriageOptions, run_triage
from tests.analysis.incidents import INCIDENT, Bundle, at

Scenario = Callable[[Bundle], None]


def oom_from_kube_state_metrics_only(b: Bundle) -> None:
    """No kernel lines: the OOM shows only as terminated-reason metrics and restarts."""
    pod = "recommender-6c9d8f7b5-q8w2e"
    b.metric("kube_pod_container_status_last_terminated_reason", lambda t: 1 if t >= INCIDENT else 0,
             namespace="ml", pod=pod, container="recommender", reason="OOMKilled")
    b.metric("container_memory_working_set_bytes",
             lambda t: 2.0e8 if t < INCIDENT - timedelta(minutes=10) else 2.0e8 + (t - (INCIDENT - timedelta(minutes=10))).total_seconds() * 4e5,
             namespace="ml", pod=pod, container="recommender")
    b.event("Pod", pod, "ml", "BackOff", f"Back-off restarting failed container recommender in pod {pod}_ml(ab12)",
            INCIDENT + timedelta(seconds=30), count=9, last=at(69))


def bad_deploy_python(b: Bundle) -> None:
    """A Python service starts raising after an Argo CD sync of a new image."""
    b.sync("billing-api", "pay", INCIDENT - timedelta(minutes=2))
    b.rollout("pay", "billing-api", "7f8c9d6b5", "5b6c7d8f9", INCIDENT - timedelta(minutes=1, seconds=30))
    t = at(5)
    while t < at(70):
        pod = "billing-api-7f8c9d6b5-r2d2x" if t < INCIDENT else "billing-api-5b6c7d8f9-c3p0z"
        stamp = t.strftime("%Y-%m-%d %H:%M:%S,000")
        if t < INCIDENT:
            b.log("pay", pod, "billing-api", t, f"{stamp} INFO billing.views: POST /invoices 201")
        else:
            b.log("pay", pod, "billing-api", t, f"{stamp} ERROR billing.views: Internal Server Error: /invoices")
            b.log("pay", pod, "billing-api", t, "Traceback (most recent call last):")
            b.log("pay", pod, "billing-api", t, '  File "/app/billing/views.py", line 57, in create_invoice')
            b.log("pay", pod, "billing-api", t, "    currency = payload['currency_code']")
            b.log("pay", pod, "billing-api", t, "KeyError: 'currency_code'")
        t += timedelta(seconds=8)


def config_error_spring(b: Bundle) -> None:
    """A Spring Boot app cannot bind a property and exits at start-up, over and over."""
    pod = "ledger-5d8f7c6b9-x9y8z"
    for k in range(8):
        t = INCIDENT + timedelta(minutes=3 * k)
        b.log("fin", pod, "ledger", t, f"{t.strftime('%Y-%m-%dT%H:%M:%S.000Z')}  INFO 1 --- [ledger] [           main] c.e.ledger.LedgerApplication  : Starting LedgerApplication v4.2.0 using Java 21")
        b.log("fin", pod, "ledger", t + timedelta(seconds=3), f"{(t + timedelta(seconds=3)).strftime('%Y-%m-%dT%H:%M:%S.000Z')} ERROR 1 --- [ledger] [           main] o.s.b.d.LoggingFailureAnalysisReporter   : ")
        b.log("fin", pod, "ledger", t + timedelta(seconds=3), "***************************")
        b.log("fin", pod, "ledger", t + timedelta(seconds=3), "APPLICATION FAILED TO START")
        b.log("fin", pod, "ledger", t + timedelta(seconds=3), "Failed to bind properties under 'ledger.retention' to java.time.Duration")
    b.event("Pod", pod, "fin", "BackOff", f"Back-off restarting failed container ledger in pod {pod}_fin(77aa)",
            INCIDENT + timedelta(seconds=20), count=14, last=at(69))


def db_connectivity_node(b: Bundle) -> None:
    """A Node.js service exhausts its pg pool; Postgres refuses more clients."""
    t = INCIDENT
    while t < at(70):
        b.json_log("shop", "carts-7c8d9f6b5-m4n5b", "carts", t, "error", "failed to load cart",
                   err="Error: timeout exceeded when trying to connect", pool="pg")
        b.log("shop", "carts-db-0", "postgres", t + timedelta(seconds=1),
              f"{t.strftime('%Y-%m-%d %H:%M:%S.000')} UTC [4242] FATAL:  sorry, too many clients already")
        t += timedelta(seconds=6)
    b.alert("PostgresqlTooManyConnections", INCIDENT + timedelta(minutes=3), "Postgresql too many connections", namespace="shop", service="carts-db")


def dns_failure_java(b: Bundle) -> None:
    """Java and Go clients cannot resolve names; CoreDNS logs forward errors."""
    t = INCIDENT
    while t < at(70):
        b.log("shop", "orders-6f7d8c9b5-q1w2e", "orders", t,
              f"{t.strftime('%Y-%m-%d %H:%M:%S.000')} ERROR [http-nio-8080-exec-3] o.e.OrderService - java.net.UnknownHostException: payments.shop.svc.cluster.local")
        b.json_log("shop", "pricing-5c6d7e8f9-a1s2d", "pricing", t, "error", "quote failed",
                   error='Get "http://tax.shop.svc.cluster.local/rates": dial tcp: lookup tax.shop.svc.cluster.local on 10.96.0.10:53: server misbehaving')
        b.log("kube-system", "coredns-5d78c9869d-h7j8k", "coredns", t,
              "[ERROR] plugin/errors: 2 tax.shop.svc.cluster.local. A: read udp 10.244.0.5:51234->10.0.0.2:53: i/o timeout")
        t += timedelta(seconds=9)


CASES: list[tuple[str, Scenario, str, str]] = [
    ("oom", oom_from_kube_state_metrics_only, "recommender", "ml"),
    ("bad-deploy", bad_deploy_python, "billing-api", "pay"),
    ("config-error", config_error_spring, "ledger", "fin"),
    ("db-connectivity", db_connectivity_node, "carts", "shop"),
    ("dns-failure", dns_failure_java, "coredns", "kube-system"),
]


@pytest.mark.parametrize(("category", "make", "culprit", "namespace"), CASES, ids=[f"{c[0]}-{c[1].__name__}" for c in CASES])
def test_variant_is_recognised(tmp_path: Path, category: str, make: Scenario, culprit: str, namespace: str) -> None:
    bundle = Bundle(tmp_path / category)
    make(bundle)
    report = run_triage(TriageOptions(paths=[str(bundle.write())])).report
    assert report is not None
    ranked = [(h.category, h.confidence, h.entity.name if h.entity else None) for h in report.hypotheses]
    top = report.hypotheses[0]
    assert top.category == category, ranked
    assert top.entity is not None and top.entity.name == culprit and top.entity.namespace == namespace, ranked
    assert report.onset is not None and abs((report.onset - INCIDENT).total_seconds()) <= 180, report.onset


def disk_full_pvc(b: Bundle) -> None:
    """A database's volume fills up: write failures, no node eviction."""
    t = INCIDENT
    while t < at(70):
        b.log("data", "reports-db-0", "postgres", t,
              f"{t.strftime('%Y-%m-%d %H:%M:%S.000')} UTC [311] ERROR:  could not extend file \"base/16384/24576\": No space left on device")
        b.json_log("data", "reports-api-6d7c8b9f5-k1l2m", "reports-api", t + timedelta(seconds=2), "error", "insert failed",
                   error="pq: could not extend file: No space left on device")
        t += timedelta(seconds=10)
    b.alert("KubePersistentVolumeFillingUp", INCIDENT - timedelta(minutes=1), "PersistentVolume is filling up.",
            namespace="data", persistentvolumeclaim="data-reports-db-0", severity="critical")
    b.metric("kubelet_volume_stats_available_bytes", lambda t: max(0.0, 5e9 - (t - at(0)).total_seconds() * 2.1e6),
             namespace="data", persistentvolumeclaim="data-reports-db-0")


def readiness_probe_after_change(b: Bundle) -> None:
    """A readiness path changed in a rollout: pods go unready while the app is healthy."""
    b.commit("search: move readiness probe to /ready", INCIDENT - timedelta(minutes=3), ["apps/shop/search/deployment.yaml"])
    b.rollout("shop", "search", "6b5c4d3f2", "7c8d9f6b5", INCIDENT - timedelta(minutes=1))
    for pod in ("search-7c8d9f6b5-a1b2c", "search-7c8d9f6b5-d3e4f"):
        b.event("Pod", pod, "shop", "Unhealthy", 'Readiness probe failed: HTTP probe failed with statuscode: 404',
                INCIDENT, count=120, last=at(69))
        t = INCIDENT
        while t < at(70):
            b.json_log("shop", pod, "search", t, "info", "request completed", path="/ready", status=404)
            t += timedelta(seconds=10)
    b.alert("KubeDeploymentReplicasMismatch", INCIDENT + timedelta(minutes=15), "Deployment has not matched the expected number of replicas.",
            namespace="shop", deployment="search")


MORE: list[tuple[str, Scenario, str, str]] = [
    ("disk-pressure", disk_full_pvc, "reports-db", "data"),
    ("probe-misconfig", readiness_probe_after_change, "search", "shop"),
]


@pytest.mark.parametrize(("category", "make", "culprit", "namespace"), MORE, ids=[f"{c[0]}-{c[1].__name__}" for c in MORE])
def test_more_variants(tmp_path: Path, category: str, make: Scenario, culprit: str, namespace: str) -> None:
    test_variant_is_recognised(tmp_path, category, make, culprit, namespace)
