"""The Prometheus and Alertmanager collectors against the real servers (Debian binaries):
Prometheus scrapes a local exporter, a rule fires, and Prometheus notifies Alertmanager."""

from __future__ import annotations

import json
import time
from pathlib import Path

from collect_helpers import collect, manifest, triage
from prom_stack import PromStack

from opslens.collectors.base import Window
from opslens.collectors.settings import CollectSettings, PrometheusSource


def _settings(prom: PromStack, **extra: object) -> CollectSettings:
    return CollectSettings(prometheus=PrometheusSource(url=prom.prometheus, step=1, **extra))  # type: ignore[arg-type]


def test_default_red_queries_return_the_services_series(prom: PromStack, tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    collect(bundle, ["prometheus"], _settings(prom), namespaces=["shop"])
    queries = json.loads((bundle / "prometheus/queries.json").read_text())
    assert 'namespace=~"shop"' in queries["http_error_ratio"]["query"]
    services = {s["metric"]["service"] for s in queries["http_request_rate"]["response"]["data"]["result"]}
    assert services == {"checkout", "frontend"}
    # Queries of metrics this Prometheus lacks cost a request and leave nothing behind.
    assert "node_cpu_utilisation" not in queries
    assert len(manifest(bundle)["sources"]["prometheus"]["queries"]) >= 15


def test_firing_alert_expression_and_series_are_found(prom: PromStack, tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    collect(bundle, ["prometheus"], _settings(prom), namespaces=["shop"])
    series = json.loads((bundle / "prometheus/alert-series.json").read_text())
    entry = series["alert CheckoutErrorRate"]
    # The expression as /api/v1/rules gives it (Prometheus prints it normalised).
    assert entry["query"] == 'sum by (namespace, service) (rate(http_requests_total{code=~"5..",service="checkout"}[1m])) > 1'
    assert [s["metric"]["service"] for s in entry["response"]["data"]["result"]] == ["checkout"]
    alerts = json.loads((bundle / "prometheus/alerts.json").read_text())["data"]["alerts"]
    assert any(a["labels"]["alertname"] == "CheckoutErrorRate" and a["state"] == "firing" for a in alerts)


def test_alertmanager_alert_is_collected(prom: PromStack, tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    settings = CollectSettings.model_validate({"alertmanager": {"url": prom.alertmanager}})
    collect(bundle, ["alertmanager"], settings)
    alerts = json.loads((bundle / "alertmanager/alerts.json").read_text())
    assert [a["labels"]["alertname"] for a in alerts] == ["CheckoutErrorRate"]
    assert alerts[0]["status"]["state"] == "active"


def test_triage_reads_the_collected_metrics_and_alerts(prom: PromStack, tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    settings = CollectSettings.model_validate({"prometheus": {"url": prom.prometheus, "step": 1}, "alertmanager": {"url": prom.alertmanager}})
    collect(bundle, ["prometheus", "alertmanager"], settings, namespaces=["shop"])
    readers = triage(bundle).stats.readers
    assert readers["prometheus"] >= 3 and readers["alertmanager"] >= 2


def test_a_team_query_file_extends_the_defaults_with_templated_names(prom: PromStack, tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text('checkout_5xx: sum(rate(http_requests_total{namespace=~"${namespace}", service="checkout", code="500"}[1m]))\n')
    bundle = tmp_path / "b"
    collect(bundle, ["prometheus"], _settings(prom, queries_file=str(team)), namespaces=["shop"])
    queries = json.loads((bundle / "prometheus/queries.json").read_text())
    assert queries["checkout_5xx"]["query"] == 'sum(rate(http_requests_total{namespace=~"shop", service="checkout", code="500"}[1m]))'
    assert "http_request_rate" in queries


def test_an_unknown_placeholder_fails_the_source_naming_the_file(prom: PromStack, tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text('x: up{cluster="${cluster}"}\n')
    result = collect(tmp_path / "b", ["prometheus"], _settings(prom, queries_file=str(team)))
    assert result.outcomes[0].status == "failed"
    assert result.outcomes[0].detail == f"{team}: query 'x' uses unknown placeholder(s) cluster (known: namespace, service)"


def test_unreachable_prometheus_fails_alone_while_other_sources_run(prom: PromStack, tmp_path: Path) -> None:
    settings = CollectSettings.model_validate({"prometheus": {"url": "http://127.0.0.1:9", "timeout": 2}, "alertmanager": {"url": prom.alertmanager}})
    result = collect(tmp_path / "b", ["prometheus", "alertmanager"], settings)
    status = {o.source: o.status for o in result.outcomes}
    assert status == {"prometheus": "failed", "alertmanager": "ok"}
    assert any(s.reason.startswith("prometheus not collected: GET http://127.0.0.1:9/api/v1/query_range: ConnectError")
               for s in triage(tmp_path / "b").stats.skipped)


def test_a_fixed_window_gives_the_same_series_twice(prom: PromStack, tmp_path: Path) -> None:
    end = time.time() - 2
    window = Window(end - 60, end)
    first, second = tmp_path / "1", tmp_path / "2"
    collect(first, ["prometheus"], _settings(prom), window=window, namespaces=["shop"])
    time.sleep(1.5)
    collect(second, ["prometheus"], _settings(prom), window=window, namespaces=["shop"])
    assert (first / "prometheus/queries.json").read_text() == (second / "prometheus/queries.json").read_text()
