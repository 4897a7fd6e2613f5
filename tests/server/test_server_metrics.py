"""/metrics speaks Prometheus with the conventional names, per app registry."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families
from server_helpers import alertmanager_payload

WEBHOOK = "/api/v1/alerts/alertmanager"


def samples(base_url: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = httpx.get(base_url + "/metrics").text
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_carry_the_conventional_names(client: httpx.Client, base_url: str) -> None:
    client.get("/healthz")
    text = httpx.get(base_url + "/metrics").text
    for name in ("http_requests_total", "http_request_duration_seconds_bucket",
                 "opslens_alerts_received_total"):
        assert name in text


def test_requests_are_counted_by_route_template_and_status(
    client: httpx.Client, base_url: str
) -> None:
    client.post(WEBHOOK, json=alertmanager_payload())
    client.post(WEBHOOK, content=b"{", headers={"Content-Type": "application/json"})
    httpx.post(base_url + WEBHOOK, json=alertmanager_payload())  # no token
    found = samples(base_url)

    def count(status: str) -> float:
        key = frozenset({"method": "POST", "route": WEBHOOK, "status": status}.items())
        return found[("http_requests_total", key)]

    assert (count("202"), count("400"), count("401")) == (1, 1, 1)


def test_alerts_received_are_counted_new_and_duplicate(
    client: httpx.Client, base_url: str
) -> None:
    payload = alertmanager_payload(fingerprints=("f1", "f2"))
    client.post(WEBHOOK, json=payload)
    client.post(WEBHOOK, json=payload)
    found = samples(base_url)
    new = found[("opslens_alerts_received_total", frozenset({("outcome", "new")}))]
    duplicate = found[("opslens_alerts_received_total", frozenset({("outcome", "duplicate")}))]
    assert (new, duplicate) == (2, 2)


def test_incidents_and_jobs_by_status_are_read_from_the_database(
    client: httpx.Client, base_url: str
) -> None:
    def gauge(name: str, status: str) -> float:
        return samples(base_url)[(name, frozenset({("status", status)}))]

    assert gauge("opslens_incidents", "open") == 0
    assert gauge("opslens_jobs", "queued") == 0
    client.post(WEBHOOK, json=alertmanager_payload(fingerprints=("f1",)))
    # No worker runs in this app: the new incident's triage job waits in the queue.
    assert (gauge("opslens_incidents", "open"), gauge("opslens_incidents", "resolved")) == (1, 0)
    assert (gauge("opslens_jobs", "queued"), gauge("opslens_jobs", "failed")) == (1, 0)
