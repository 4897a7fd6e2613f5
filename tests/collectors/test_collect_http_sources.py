"""Loki and Argo CD collectors against local servers speaking their APIs' wire formats; auth
from config (token from an environment variable or a file, never written to the bundle)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from collect_helpers import collect, manifest, triage
from fake_apis import JsonApi, argocd_application, loki_streams

from opslens.collectors.settings import CollectSettings

ARGO_TOKEN = "argocd-test-token-value"


def test_loki_reads_one_selector_per_namespace_over_the_window(tmp_path: Path) -> None:
    now = time.time()
    lines = [(int((now - 60 + i) * 1e9), f'level=error msg="payment declined" order={i}') for i in range(3)]
    with JsonApi({"/loki/api/v1/query_range": lambda q: loki_streams(lines, {"namespace": "shop", "pod": "checkout-1", "container": "checkout"})}) as loki:
        bundle = tmp_path / "b"
        collect(bundle, ["loki"], CollectSettings.model_validate({"loki": {"url": loki.url}}), namespaces=["shop", "pay"])
    queries = [q["query"] for _, path, q, _ in loki.requests]
    assert queries == ['{namespace="shop"}', '{namespace="pay"}']
    assert all(q["direction"] == "backward" and int(q["end"]) - int(q["start"]) == 3600 * 10**9 for _, _, q, _ in loki.requests)
    assert triage(bundle).stats.readers["loki"] == 6  # three lines per namespace file


def test_loki_line_limit_is_reported_as_cut(tmp_path: Path) -> None:
    lines = [(int((time.time() - 5) * 1e9) + i, f"line {i}") for i in range(2)]
    with JsonApi({"/loki/api/v1/query_range": lambda q: loki_streams(lines, {"namespace": "shop"})}) as loki:
        bundle = tmp_path / "b"
        collect(bundle, ["loki"], CollectSettings.model_validate({"loki": {"url": loki.url, "limit": 2}}), namespaces=["shop"])
    assert manifest(bundle)["sources"]["loki"]["cut"][0]["reason"].startswith("limit of 2 lines reached")


def test_loki_without_a_namespace_is_skipped_rather_than_reading_everything(tmp_path: Path) -> None:
    result = collect(tmp_path / "b", ["loki"], CollectSettings.model_validate({"loki": {"url": "http://127.0.0.1:9"}}), kubeconfig=str(tmp_path / "none"))
    assert result.outcomes[0].status == "skipped" and "no namespace" in result.outcomes[0].detail


def test_argocd_history_with_a_token_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOCD_TOKEN", ARGO_TOKEN)
    apps = {"items": [argocd_application("checkout", "2026-12-07T09:35:00Z", "9f1c2ab")], "metadata": {}}
    with JsonApi({"/api/v1/applications": lambda q: apps}, token=ARGO_TOKEN) as argo:
        bundle = tmp_path / "b"
        settings = CollectSettings.model_validate({"argocd": {"url": argo.url, "bearer_token_env": "ARGOCD_TOKEN"}})
        collect(bundle, ["argocd"], settings)
    assert [r[0] for r in argo.requests] == ["GET"]
    written = json.loads((bundle / "argocd/applications.json").read_text())
    assert written["items"][0]["kind"] == "Application"
    changes = [c for c in triage(bundle).changes if c.kind == "argocd-sync"]
    assert changes and changes[0].revision == "9f1c2ab"
    assert ARGO_TOKEN not in "".join(p.read_text() for p in bundle.rglob("*") if p.is_file())


def test_argocd_rejected_token_fails_in_one_line_and_names_no_secret(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("stale-token\n")
    with JsonApi({"/api/v1/applications": lambda q: {}}, token=ARGO_TOKEN) as argo:
        settings = CollectSettings.model_validate({"argocd": {"url": argo.url, "bearer_token_file": str(token_file)}})
        result = collect(tmp_path / "b", ["argocd"], settings)
    assert argo.requests[0][3] == "Bearer stale-token"
    outcome = result.outcomes[0]
    assert outcome.status == "failed"
    assert outcome.detail == f"GET {argo.url}/api/v1/applications: HTTP 401: invalid session: token is invalid"


def test_a_token_variable_that_is_not_set_fails_the_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_TOKEN", raising=False)
    settings = CollectSettings.model_validate({"argocd": {"url": "http://127.0.0.1:9", "bearer_token_env": "NO_SUCH_TOKEN"}})
    result = collect(tmp_path / "b", ["argocd"], settings)
    assert result.outcomes[0].detail == "bearer token: environment variable NO_SUCH_TOKEN is not set"


def test_basic_auth_for_an_http_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AM_PASSWORD", "s3cret")
    with JsonApi({"/api/v2/alerts": lambda q: []}) as am:
        settings = CollectSettings.model_validate({"alertmanager": {"url": am.url, "username": "ops", "password_env": "AM_PASSWORD"}})
        collect(tmp_path / "b", ["alertmanager"], settings)
    assert am.requests[0][3] == "Basic b3BzOnMzY3JldA=="


def test_credentials_in_a_url_become_basic_auth_and_are_never_written(tmp_path: Path) -> None:
    with JsonApi({"/api/v2/alerts": lambda q: []}) as am:
        url = am.url.replace("http://", "http://ops:s3cret@")
        bundle = tmp_path / "b"
        collect(bundle, ["alertmanager"], CollectSettings.model_validate({"alertmanager": {"url": url}}))
    assert am.requests[0][3] == "Basic b3BzOnMzY3JldA=="
    written = (bundle / "manifest.json").read_text()
    assert "s3cret" not in written and manifest(bundle)["sources"]["alertmanager"]["endpoint"] == am.url


def test_a_query_prometheus_refuses_is_cut_and_the_others_still_run(tmp_path: Path) -> None:
    def query_range(q: dict[str, str]) -> dict[str, object]:
        if q["query"] == "sum((":
            return {"status": "error", "errorType": "bad_data", "error": "1:8: parse error: unexpected <op:(>"}
        return {"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {"job": "x"}, "values": [[time.time() - 30, "1"]]}]}}

    team = tmp_path / "team.yaml"
    team.write_text("broken: sum((\nfine: up\n")
    routes = {"/api/v1/query_range": query_range, "/api/v1/rules": lambda q: {"status": "success", "data": {"groups": []}},
              "/api/v1/alerts": lambda q: {"status": "success", "data": {"alerts": []}}}
    with JsonApi(routes, status_of=lambda body: 400 if body.get("status") == "error" else 200) as prom:
        bundle = tmp_path / "b"
        settings = CollectSettings.model_validate({"prometheus": {"url": prom.url, "queries_file": str(team), "replace_default_queries": True}})
        result = collect(bundle, ["prometheus"], settings)
    assert result.outcomes[0].status == "ok"
    assert list(json.loads((bundle / "prometheus/queries.json").read_text())) == ["fine"]
    (cut,) = manifest(bundle)["sources"]["prometheus"]["cut"]
    assert cut == {"what": "query broken", "reason": f"GET {prom.url}/api/v1/query_range: HTTP 400: 1:8: parse error: unexpected <op:(>"}


def test_a_url_serving_something_else_fails_that_source_in_one_line(tmp_path: Path) -> None:
    # Prometheus' paths answered with JSON of another shape (a list where an object belongs).
    with JsonApi({"/api/v1/query_range": lambda q: {"status": "success", "data": ["not", "a", "matrix"]}}) as other:
        result = collect(tmp_path / "b", ["prometheus"], CollectSettings.model_validate({"prometheus": {"url": other.url}}))
    outcome = result.outcomes[0]
    assert outcome.status == "failed" and outcome.detail.startswith("unexpected answer (AttributeError: ")
