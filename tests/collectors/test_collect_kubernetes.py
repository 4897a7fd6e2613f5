"""The Kubernetes collector against the local API server: real HTTP, real JSON shapes, the
kubeconfig's token on every request, and only GETs."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest
from collect_helpers import collect, manifest, triage
from kube_api import TOKEN, KubeApiServer

from opslens.collectors.settings import CollectSettings, KubernetesSource


def test_bundle_holds_kubectl_lists_that_the_existing_readers_read(kubeconfig: Path, tmp_path: Path, shop_api: KubeApiServer) -> None:
    bundle = tmp_path / "b"
    collect(bundle, ["kubernetes"], kubeconfig=str(kubeconfig))
    pods = json.loads((bundle / "kubernetes/pods.json").read_text())
    assert pods["kind"] == "List" and {p["kind"] for p in pods["items"]} == {"Pod"}
    assert {p["apiVersion"] for p in pods["items"]} == {"v1"}
    report = triage(bundle)
    readers = report.stats.readers
    assert readers.get("k8s-events", 0) > 0 and readers.get("k8s-manifest", 0) > 0
    assert shop_api.log.refused_methods == []


def test_logs_are_read_only_for_unhealthy_containers_with_previous_for_restarted(kubeconfig: Path, tmp_path: Path, shop_api: KubeApiServer) -> None:
    bundle = tmp_path / "b"
    collect(bundle, ["kubernetes"], kubeconfig=str(kubeconfig))
    logs = sorted(p.relative_to(bundle).as_posix() for p in (bundle / "kubernetes/logs").rglob("*.log"))
    assert logs == [
        "kubernetes/logs/previous/shop_checkout-7d9f8b6c5d-q8w7n_checkout.log",
        "kubernetes/logs/previous/shop_checkout-7d9f8b6c5d-x2k4p_checkout.log",
        "kubernetes/logs/shop_checkout-7d9f8b6c5d-q8w7n_checkout.log",
        "kubernetes/logs/shop_checkout-7d9f8b6c5d-x2k4p_checkout.log",
    ]
    previous = (bundle / logs[0]).read_text()
    assert "connection refused" in previous and previous[:4].isdigit()  # --timestamps
    log_requests = [path for _, path in shop_api.log.requests if "/log?" in path]
    assert all("frontend" not in path for path in log_requests)
    assert sum("previous=true" in path for path in log_requests) == 2
    assert all("tailLines=" in path and "limitBytes=" in path for path in log_requests)


def test_the_same_event_from_both_apis_counts_once(kubeconfig: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    collect(bundle, ["kubernetes"], kubeconfig=str(kubeconfig))
    assert not (bundle / "kubernetes/events.k8s.io.json").exists()
    counts = manifest(bundle)["sources"]["kubernetes"]["counts"]
    assert counts["events"] == 6 and counts["events.k8s.io duplicates of core/v1"] == 6


def test_events_only_the_new_api_serves_are_kept(kubeconfig: Path, tmp_path: Path, shop_api: KubeApiServer) -> None:
    shop_api.cluster.objects[("api/v1", "events")] = shop_api.cluster.objects[("api/v1", "events")][:2]
    bundle = tmp_path / "b"
    collect(bundle, ["kubernetes"], kubeconfig=str(kubeconfig))
    newer = json.loads((bundle / "kubernetes/events.k8s.io.json").read_text())["items"]
    assert len(newer) == 4 and all("regarding" in e and e["apiVersion"] == "events.k8s.io/v1" for e in newer)
    assert triage(bundle).stats.readers["k8s-events"] == 6


def test_lists_are_paginated_with_limit_and_continue(kubeconfig: Path, tmp_path: Path, shop_api: KubeApiServer) -> None:
    settings = CollectSettings(kubernetes=KubernetesSource(page_size=1))
    bundle = tmp_path / "b"
    collect(bundle, ["kubernetes"], settings, kubeconfig=str(kubeconfig))
    pod_pages = [p for _, p in shop_api.log.requests if p.startswith("/api/v1/namespaces/shop/pods?")]
    assert len(pod_pages) == 3 and sum("continue=" in p for p in pod_pages) == 2
    assert len(json.loads((bundle / "kubernetes/pods.json").read_text())["items"]) == 3


def test_item_cap_stops_paging_and_is_reported_as_skipped(kubeconfig: Path, tmp_path: Path) -> None:
    settings = CollectSettings(kubernetes=KubernetesSource(page_size=2, max_items=2))
    bundle = tmp_path / "b"
    collect(bundle, ["kubernetes"], settings, kubeconfig=str(kubeconfig))
    assert len(json.loads((bundle / "kubernetes/events.json").read_text())["items"]) == 2
    skipped = [s.reason for s in triage(bundle).stats.skipped]
    assert any("events in shop: cap of 2 items reached; 4 more not fetched" in r for r in skipped), skipped


def test_expired_continue_token_keeps_the_first_page_and_says_so(kubeconfig: Path, tmp_path: Path, shop_api: KubeApiServer) -> None:
    shop_api.cluster.expire_continue = True
    bundle = tmp_path / "b"
    collect(bundle, ["kubernetes"], CollectSettings(kubernetes=KubernetesSource(page_size=2)), kubeconfig=str(kubeconfig))
    assert len(json.loads((bundle / "kubernetes/events.json").read_text())["items"]) == 2
    cuts = manifest(bundle)["sources"]["kubernetes"]["cut"]
    assert any("410 Gone" in c["reason"] and c["what"] == "events in shop" for c in cuts), cuts


def test_forbidden_and_unserved_kinds_are_cut_while_the_rest_is_collected(kubeconfig: Path, tmp_path: Path, shop_api: KubeApiServer) -> None:
    shop_api.cluster.forbidden.add("nodes")
    shop_api.cluster.missing_roots.add("apis/events.k8s.io/v1")
    bundle = tmp_path / "b"
    result = collect(bundle, ["kubernetes"], kubeconfig=str(kubeconfig))
    assert result.outcomes[0].status == "ok"
    assert not (bundle / "kubernetes/nodes.json").exists() and (bundle / "kubernetes/pods.json").exists()
    skipped = [s.reason for s in triage(bundle).stats.skipped]
    assert any(r.startswith("kubernetes: nodes: ") and "403 Forbidden" in r and 'cannot list resource "nodes"' in r for r in skipped), skipped
    assert any(r.startswith("kubernetes: events.v1.events.k8s.io in shop: ") and "404 NotFound" in r for r in skipped), skipped


def test_a_rejected_token_fails_the_source_in_one_line(shop_api: KubeApiServer, tmp_path: Path) -> None:
    config = shop_api.kubeconfig(tmp_path / "kc", namespace="shop")
    config.write_text(config.read_text().replace(TOKEN, "wrong"))
    bundle = tmp_path / "b"
    result = collect(bundle, ["kubernetes"], kubeconfig=str(config))
    outcome = result.outcomes[0]
    assert outcome.status == "failed" and "\n" not in outcome.detail
    assert "401" in outcome.detail
    assert "wrong" not in (bundle / "manifest.json").read_text()


def test_selector_and_several_namespaces(kubeconfig: Path, tmp_path: Path, shop_api: KubeApiServer) -> None:
    bundle = tmp_path / "b"
    collect(bundle, ["kubernetes"], kubeconfig=str(kubeconfig), namespaces=["shop", "other"], selector="app=frontend")
    pods = json.loads((bundle / "kubernetes/pods.json").read_text())["items"]
    assert [p["metadata"]["name"] for p in pods] == ["frontend-6c8d9f7b5a-m3n4b"]
    paths = [p for _, p in shop_api.log.requests]
    assert any(p.startswith("/api/v1/namespaces/other/pods?") for p in paths)
    assert any("labelSelector=app%3Dfrontend" in p for p in paths)


def test_all_namespaces_lists_cluster_wide(kubeconfig: Path, tmp_path: Path, shop_api: KubeApiServer) -> None:
    collect(tmp_path / "b", ["kubernetes"], kubeconfig=str(kubeconfig), all_namespaces=True)
    assert any(p.startswith("/api/v1/pods?") for _, p in shop_api.log.requests)
    assert not any("/namespaces/" in p and not p.endswith("/log") and "/log?" not in p for _, p in shop_api.log.requests)


def test_kubeconfig_env_with_several_files_and_a_named_context(shop_api: KubeApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    decoy = tmp_path / "decoy"
    decoy.write_text(json.dumps({"current-context": "elsewhere", "contexts": [{"name": "elsewhere", "context": {"cluster": "none", "user": "x"}}],
                                 "clusters": [{"name": "none", "cluster": {"server": "http://127.0.0.1:9"}}], "users": [{"name": "x", "user": {}}]}))
    real = shop_api.kubeconfig(tmp_path / "real", namespace="shop", context="lab")
    monkeypatch.setenv("KUBECONFIG", f"{decoy}:{real}")
    result = collect(tmp_path / "b", ["kubernetes"], context="lab")
    assert result.outcomes[0].status == "ok", result.outcomes[0].detail
    assert "--context" in manifest(tmp_path / "b")["commands"][0]["argv"]


def test_exec_credential_plugin_supplies_the_token(shop_api: KubeApiServer, tmp_path: Path) -> None:
    plugin = tmp_path / "plugin.py"
    plugin.write_text(textwrap.dedent(f"""
        import json
        print(json.dumps({{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                          "status": {{"token": "{TOKEN}"}}}}))
    """))
    config = tmp_path / "kc"
    config.write_text(json.dumps({
        "current-context": "lab", "contexts": [{"name": "lab", "context": {"cluster": "c", "user": "u", "namespace": "shop"}}],
        "clusters": [{"name": "c", "cluster": {"server": shop_api.url}}],
        "users": [{"name": "u", "user": {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": sys.executable, "args": [str(plugin)]}}}],
    }))
    result = collect(tmp_path / "b", ["kubernetes"], kubeconfig=str(config))
    assert result.outcomes[0].status == "ok", result.outcomes[0].detail


def test_missing_kubeconfig_skips_the_source_with_a_reason(tmp_path: Path) -> None:
    result = collect(tmp_path / "b", ["kubernetes"], kubeconfig=str(tmp_path / "absent"))
    assert result.outcomes[0].status == "skipped" and "no kubeconfig" in result.outcomes[0].detail


def test_replicasets_date_the_rollout_history_when_no_event_does(kubeconfig: Path, tmp_path: Path, shop_api: KubeApiServer) -> None:
    for key in (("api/v1", "events"), ("apis/events.k8s.io/v1", "events")):  # events expired: no ScalingReplicaSet
        shop_api.cluster.objects[key] = [e for e in shop_api.cluster.objects[key] if e.get("reason") != "ScalingReplicaSet"]
    bundle = tmp_path / "b"
    collect(bundle, ["kubernetes"], kubeconfig=str(kubeconfig))
    replicasets = json.loads((bundle / "kubernetes/replicasets.json").read_text())["items"]
    created = next(rs["metadata"]["creationTimestamp"] for rs in replicasets if rs["metadata"]["name"] == "checkout-7d9f8b6c5d")
    report = triage(bundle)
    (change,) = [c for c in report.changes if c.kind == "rollout-revision" and "checkout" in c.summary]
    assert change.revision == "2" and change.ts is not None
    assert change.ts.strftime("%Y-%m-%dT%H:%M:%SZ") == created
    assert change.summary == "deployment.apps/checkout revision 2: ReplicaSet checkout-7d9f8b6c5d created (registry.example/checkout:1.4.2)"
    assert [c.summary for c in report.changes if c.kind == "rollout-history"] == ["deployment.apps/checkout: revision 1 (earlier history)"]
