"""Alert reader: Alertmanager webhook payloads, API v2 alerts and groups, Prometheus alerts."""

from __future__ import annotations

import json

import pytest
from structured_helpers import at, chosen, fixture_text, read_fixture, read_text

from opslens.errors import InputError
from opslens.events import Entity, EventKind, Severity
from opslens.sources.readers.alertmanager import AlertmanagerReader

FIXTURE_COUNTS = [
    ("alertmanager-webhook.json", 3),
    ("alertmanager-webhooks.jsonl", 2),
    ("alertmanager-v2-alerts.json", 2),
    ("alertmanager-v2-groups.json", 2),
    ("prometheus-alerts.json", 2),
]


@pytest.mark.parametrize(("name", "count"), FIXTURE_COUNTS)
def test_fixture_is_sniffed_and_read_completely(name: str, count: int) -> None:
    assert chosen(fixture_text(name), name) == "alertmanager"
    result = read_fixture(AlertmanagerReader, name)
    assert len(result.events) == count
    assert result.skips == []
    text = fixture_text(name)
    for event in result.events:
        assert event.kind is EventKind.ALERT and event.source == "alertmanager"
        # the alert's name and its summary, each line verbatim in the file
        assert all(line in text for line in event.raw.split("\n"))
        assert event.raw.split("\n")[0] == event.attrs["alertname"] or event.raw == event.message


def test_webhook_alert_fields() -> None:
    crash = read_fixture(AlertmanagerReader, "alertmanager-webhook.json").events[0]
    attrs = crash.attrs or {}
    assert crash.time == pytest.approx(at("2025-03-14T02:45:27.611Z"))
    assert crash.message == "Pod is crash looping."
    assert crash.severity is Severity.WARNING
    assert crash.namespace == "shop"
    assert crash.entity == Entity("Pod", "cart-5d8f7b9c4-x2lqp", "shop")
    assert crash.origin.line == 12
    assert attrs["alertname"] == "KubePodCrashLooping"
    assert attrs["status"] == "firing"
    assert attrs["ends_at"] is None  # Go's zero time
    assert attrs["fingerprint"] == "0f1e2d3c4b5a6978"
    assert attrs["receiver"] == "oncall-webhook"
    assert attrs["group_key"].startswith("{}/{severity=~")
    assert attrs["labels"]["container"] == "cart"
    assert attrs["generator_url"].startswith("http://prometheus.monitoring.svc:9090/graph")


def test_resolved_alert_and_description_fallback() -> None:
    latency = read_fixture(AlertmanagerReader, "alertmanager-webhook.json").events[1]
    attrs = latency.attrs or {}
    assert attrs["status"] == "resolved"
    assert attrs["ends_at"] == at("2025-03-14T02:50:00Z")
    assert latency.message == "p99 latency of cart is 2.4s"
    assert attrs["continuation"] == ["threshold is 1s"]
    assert latency.severity is Severity.CRITICAL
    assert latency.entity == Entity("Service", "cart", "shop")


def test_node_alert_is_about_the_node() -> None:
    node = read_fixture(AlertmanagerReader, "alertmanager-webhook.json").events[2]
    assert node.entity == Entity("Node", "worker-2", None)
    assert node.host == "worker-2"
    assert node.time == pytest.approx(at("2025-03-14T02:38:41Z"))


def test_webhook_lines_each_give_their_alerts() -> None:
    firing, resolved = read_fixture(AlertmanagerReader, "alertmanager-webhooks.jsonl").events
    assert (firing.origin.line, resolved.origin.line) == (1, 2)
    assert firing.entity == Entity("Deployment", "web", "frontend")
    assert (resolved.attrs or {})["status"] == "resolved"


def test_api_v2_alerts() -> None:
    job, disk = read_fixture(AlertmanagerReader, "alertmanager-v2-alerts.json").events
    assert job.entity == Entity(
        "Job", "ledger-reconcile-28981234", "billing"
    )  # job_name, not the scrape job
    assert (job.attrs or {})["state"] == "active"
    assert (job.attrs or {})["status"] == "firing"
    assert (job.attrs or {})["receiver"] == "oncall-webhook,slack"
    assert (job.attrs or {})["updated_at"] == at("2025-03-14T02:55:00Z")
    assert (disk.attrs or {})["state"] == "suppressed"
    assert (disk.attrs or {})["silenced_by"] == ["a1b2c3d4-0000-4000-8000-000000000009"]
    assert disk.severity is Severity.INFO


def test_api_v2_groups_carry_the_receiver() -> None:
    job, disk = read_fixture(AlertmanagerReader, "alertmanager-v2-groups.json").events
    assert (job.attrs or {})["receiver"] == "oncall-webhook"
    assert (disk.attrs or {})["receiver"] == "null"
    assert (
        job.origin.line is not None
        and disk.origin.line is not None
        and disk.origin.line > job.origin.line
    )


def test_prometheus_alerts() -> None:
    target, throttling = read_fixture(AlertmanagerReader, "prometheus-alerts.json").events
    assert target.time == pytest.approx(at("2025-03-14T02:46:00.123456789Z"))
    assert (target.attrs or {})["status"] == "firing"
    assert (target.attrs or {})["value"] == "1e+00"
    assert (throttling.attrs or {})["status"] == "pending"
    assert throttling.entity == Entity("Pod", "cart-5d8f7b9c4-x2lqp", "shop")


def test_alert_without_labels_is_skipped() -> None:
    payload = {"receiver": "r", "status": "firing", "alerts": [{"status": "firing"}, "junk"]}
    result = read_text(AlertmanagerReader, json.dumps(payload))
    assert result.events == []
    assert [reason for reason, _ in result.skips] == ["alert without labels"] * 2


def test_truncated_alert_count_is_kept() -> None:
    payload = {"receiver": "r", "truncatedAlerts": 12, "alerts": [{"labels": {"alertname": "A"}}]}
    (event,) = read_text(AlertmanagerReader, json.dumps(payload)).events
    assert (event.attrs or {})["truncated_alerts"] == 12


def test_exporter_service_label_is_not_the_entity() -> None:
    labels = {
        "alertname": "KubeStateMetricsListErrors",
        "service": "kube-state-metrics",
        "namespace": "monitoring",
    }
    payload = {"receiver": "r", "alerts": [{"labels": labels}]}
    (event,) = read_text(AlertmanagerReader, json.dumps(payload)).events
    assert event.entity is None and event.namespace == "monitoring"


def test_single_alert_object() -> None:
    alert = {
        "labels": {"alertname": "Watchdog", "severity": "none"},
        "startsAt": "2025-03-14T00:00:00Z",
        "fingerprint": "f",
    }
    (event,) = read_text(AlertmanagerReader, json.dumps(alert)).events
    assert event.message == "Watchdog" and event.severity is Severity.INFO


@pytest.mark.parametrize("text", ['{"kind": "List", "items": []}', "[1, 2, 3]", "nope"])
def test_input_without_alerts_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError):
        read_text(AlertmanagerReader, text)


@pytest.mark.parametrize(
    "head",
    [
        '{"id": "rb-1", "alert": {"labels": {"alertname": "X"}, "startsAt": "2025", "fingerprint": "f"}}',
        '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[]}]}}',
        '{"level":"info","msg":"alerts sent","alerts":3}\n',
    ],
)
def test_sniff_rejects_other_documents(head: str) -> None:
    assert AlertmanagerReader.sniff(head, "x.json") == 0.0
