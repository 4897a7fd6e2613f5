"""The Alertmanager webhook over real HTTP: 202 with counts once the delivery is committed,
a repeated delivery stored once, 400 for malformed JSON or another version, 413 over the size
limit, 503 when the database is down."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import orjson
import pytest
from server_helpers import TOKEN, alertmanager_payload, closed_port
from sqlalchemy import select

from opslens.server import ServerSettings
from opslens.store import Store
from opslens.store.engine import connect_engine
from opslens.store.models import AlertReceived

WEBHOOK = "/api/v1/alerts/alertmanager"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def stored_alerts(store: Store) -> list[AlertReceived]:
    with store._read() as session:
        return list(session.scalars(select(AlertReceived).order_by(AlertReceived.id)))


def test_a_new_delivery_is_committed_and_answered_202_with_counts(
    client: httpx.Client, store: Store
) -> None:
    response = client.post(WEBHOOK, json=alertmanager_payload(fingerprints=("f1", "f2")))
    assert response.status_code == 202
    assert response.json() == {"new": 2, "duplicate": 0}
    rows = stored_alerts(store)
    assert [r.fingerprint for r in rows] == ["f1", "f2"]
    assert rows[0].status == "firing"
    assert rows[0].starts_at is not None and rows[0].starts_at.isoformat() == "2024-05-01T10:00:00+00:00"
    assert rows[0].ends_at is None  # Alertmanager's zero time
    assert rows[0].group_key == '{}:{alertname="KubePodCrashLooping"}'
    # the raw item verbatim, with the delivery's group fields beside it
    assert rows[0].payload_json["labels"]["namespace"] == "shop"
    assert rows[0].payload_json["_group"]["receiver"] == "opslens"


def test_a_repeated_delivery_is_stored_once_and_still_answered_2xx(
    client: httpx.Client, store: Store
) -> None:
    payload = alertmanager_payload(fingerprints=("f1", "f2"))
    assert client.post(WEBHOOK, json=payload).json() == {"new": 2, "duplicate": 0}
    again = client.post(WEBHOOK, json=payload)
    assert again.status_code == 202
    assert again.json() == {"new": 0, "duplicate": 2}
    assert len(stored_alerts(store)) == 2


@pytest.mark.parametrize(
    ("change", "new"),
    [
        ({"status": "resolved"}, 1),  # the same alert resolving is news
        ({"starts_at": "2024-05-01T11:00:00Z"}, 1),  # it fired again
        ({"group_key": "{}:{other}"}, 1),  # another group
        ({}, 0),
    ],
)
def test_dedupe_is_on_group_key_fingerprint_starts_at_and_status(
    client: httpx.Client, change: dict[str, str], new: int
) -> None:
    client.post(WEBHOOK, json=alertmanager_payload())
    assert client.post(WEBHOOK, json=alertmanager_payload(**change)).json()["new"] == new


def test_secrets_in_a_payload_are_redacted_before_storing(
    client: httpx.Client, store: Store
) -> None:
    payload = alertmanager_payload()
    secret = "AKIAIOSFODNN7EXAMPLE"
    payload["alerts"][0]["annotations"]["description"] = f"aws key {secret} leaked"
    assert client.post(WEBHOOK, json=payload).status_code == 202
    assert secret not in orjson.dumps(stored_alerts(store)[0].payload_json).decode()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"version": "4", "alerts": [', "malformed JSON"),
        (b"not json at all", "malformed JSON"),
        (b"[]", "not a JSON object"),
        (orjson.dumps(alertmanager_payload(version="3")), "unsupported payload version '3'"),
        (orjson.dumps({k: v for k, v in alertmanager_payload().items() if k != "version"}),
         "unsupported payload version None"),
        (orjson.dumps({**alertmanager_payload(), "alerts": [{"status": "firing"}]}),
         "invalid payload: alerts.0.fingerprint"),
    ],
    ids=["truncated", "text", "array", "version-3", "no-version", "alert-without-fingerprint"],
)
def test_a_bad_payload_gets_400_with_a_one_line_reason(
    client: httpx.Client, store: Store, body: bytes, reason: str
) -> None:
    response = client.post(WEBHOOK, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert reason in detail
    assert "\n" not in detail
    assert stored_alerts(store) == []


def test_extra_fields_are_ignored(client: httpx.Client) -> None:
    payload = alertmanager_payload()
    payload["somethingNew"] = {"x": 1}
    payload["alerts"][0]["silencedBy"] = []
    assert client.post(WEBHOOK, json=payload).status_code == 202


@pytest.fixture
def small_limit_url(serve: Callable[..., str], store: Store) -> str:
    settings = ServerSettings(tokens={"ops": TOKEN}, webhook_max_bytes=2_000, worker=False)
    return serve(settings, store)


def test_a_body_over_the_webhook_limit_gets_413(small_limit_url: str, store: Store) -> None:
    big = alertmanager_payload(fingerprints=tuple(f"fp{i}" for i in range(20)))
    response = httpx.post(small_limit_url + WEBHOOK, json=big, headers=AUTH)
    assert response.status_code == 413
    assert stored_alerts(store) == []
    small = httpx.post(small_limit_url + WEBHOOK, json=alertmanager_payload(), headers=AUTH)
    assert small.status_code == 202


def test_a_chunked_body_without_length_is_cut_off_at_the_limit(small_limit_url: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"version": "4", "groupKey": "g", "status": "firing", "alerts": ['
        for _ in range(100):
            yield b'{"status": "firing", "fingerprint": "x"},'
        yield b"]}"

    response = httpx.post(small_limit_url + WEBHOOK, content=chunks(), headers=AUTH)
    assert response.status_code == 413


def test_the_database_being_down_gets_503_so_alertmanager_retries(
    serve: Callable[..., str], settings: ServerSettings
) -> None:
    # A real Store on a PostgreSQL URL where nothing listens.
    down = Store(connect_engine(
        f"postgresql+psycopg://opslens@127.0.0.1:{closed_port()}/opslens?connect_timeout=2"
    ))
    base = serve(settings, down)
    response = httpx.post(base + WEBHOOK, json=alertmanager_payload(), headers=AUTH, timeout=20)
    assert response.status_code == 503
    assert "database is unavailable" in response.json()["detail"]
    down.close()


def test_new_alerts_are_correlated_into_an_incident_after_the_commit(
    client: httpx.Client, store: Store
) -> None:
    client.post(WEBHOOK, json=alertmanager_payload(fingerprints=("f1", "f2")))
    incidents = store.list_incidents()
    assert len(incidents) == 1
    assert {row.incident_id for row in stored_alerts(store)} != {None}


def test_with_a_worker_beside_it_the_webhook_only_stores_and_the_worker_correlates(
    serve: Callable[..., str], store: Store
) -> None:
    """A worker beside the app correlates what the webhook stored (on its own core in
    `opslens serve`); the reply only waits for the commit."""
    from opslens.server.worker import Worker, start_worker

    workers: list[Worker] = []

    def beside(state: Any) -> Callable[[], None]:
        workers.append(start_worker(state, poll=0.05, correlate_every=3600))
        return workers[0].stop

    base = serve(ServerSettings(tokens={"ops": TOKEN}, llm="none"), store, background=(beside,))
    time.sleep(0.5)  # the worker's first passes (at its start) are over
    answer = httpx.post(base + WEBHOOK, json=alertmanager_payload(fingerprints=("f1", "f2")),
                        headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 202 and answer.json() == {"new": 2, "duplicate": 0}
    assert store.list_incidents() == []  # stored, not correlated in the request
    workers[0].correlate()
    (incident,) = store.list_incidents()
    assert incident.title == "KubePodCrashLooping in shop"
    workers[0].correlate()  # the watermark: nothing is looked at twice
    assert len(store.list_incidents()) == 1


def test_a_delivery_waits_out_another_process_holding_the_write_lock(
    serve: Any, settings: ServerSettings, store: Store
) -> None:
    """With a worker beside it (the webhook only stores), a delivery arriving while another
    process holds SQLite's write lock polls for it and is answered 202 once it is free."""
    import sqlite3
    import threading

    base = serve(settings, store, worker_beside=True)
    holder = sqlite3.connect(store.engine.url.database, isolation_level=None,
                             check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        answer = httpx.post(f"{base}/api/v1/alerts/alertmanager", json=alertmanager_payload(),
                            headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    finally:
        release.join()
        holder.close()
    assert answer.status_code == 202, answer.text
    assert answer.json()["new"] == len(alertmanager_payload()["alerts"])
