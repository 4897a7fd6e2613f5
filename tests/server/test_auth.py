"""Every /api/... and /v1/... route needs `Authorization: Bearer <token>`, compared in
constant time against every configured token; the probes and /metrics are open."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable

import httpx
import pytest
from server_helpers import AM_TOKEN, TOKEN, alertmanager_payload

from opslens.server import ServerSettings
from opslens.store import Store

WEBHOOK = "/api/v1/alerts/alertmanager"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer"},
        {"Authorization": TOKEN},
        {"Authorization": f"Bearer {TOKEN}x"},
    ],
    ids=["missing", "wrong", "other-scheme", "empty", "no-scheme", "prefix-of-token"],
)
def test_request_without_a_valid_token_gets_401_with_a_bearer_challenge(
    base_url: str, headers: dict[str, str]
) -> None:
    response = httpx.post(base_url + WEBHOOK, json=alertmanager_payload(), headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("token", [TOKEN, "another-token", AM_TOKEN], ids=["ops", "ci", "am"])
def test_every_named_token_and_the_alertmanager_token_are_accepted(
    base_url: str, token: str
) -> None:
    response = httpx.post(
        base_url + WEBHOOK, json=alertmanager_payload(),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 202


@pytest.mark.parametrize("path", ["/api/v1/incidents", "/v1/models", "/api/v1/nothing-here"])
def test_unknown_or_future_api_paths_still_need_a_token(base_url: str, path: str) -> None:
    # An unknown path is 404 only to a caller with a token: nothing under /api leaks unauthenticated.
    assert httpx.get(base_url + path).status_code in (401, 404)


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics", "/docs", "/openapi.json"])
def test_probes_metrics_and_docs_need_no_token(base_url: str, path: str) -> None:
    assert httpx.get(base_url + path).status_code == 200


def test_tokens_are_compared_in_constant_time_against_every_configured_token(
    base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def recording(a: bytes, b: bytes) -> bool:
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)
    httpx.post(base_url + WEBHOOK, json=alertmanager_payload(),
               headers={"Authorization": f"Bearer {TOKEN}"})
    # all three tokens compared, even though the first one already matched
    assert sorted(b for _, b in seen) == sorted(
        t.encode() for t in (TOKEN, "another-token", AM_TOKEN)
    )


def test_the_token_name_is_logged_never_the_token(
    base_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="opslens.server")
    httpx.post(base_url + WEBHOOK, json=alertmanager_payload(),
               headers={"Authorization": f"Bearer {TOKEN}"})
    httpx.post(base_url + WEBHOOK, json=alertmanager_payload(),
               headers={"Authorization": "Bearer wrong-secret-value"})
    assert "'ops'" in caplog.text
    assert TOKEN not in caplog.text
    assert "wrong-secret-value" not in caplog.text


def test_a_server_without_any_token_refuses_every_api_request(
    serve: Callable[..., str], store: Store
) -> None:
    base = serve(ServerSettings(worker=False), store)
    response = httpx.post(base + WEBHOOK, json=alertmanager_payload(),
                          headers={"Authorization": "Bearer anything"})
    assert response.status_code == 401
    assert "no API token is configured" in response.json()["detail"]
