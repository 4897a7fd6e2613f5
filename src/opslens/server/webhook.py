"""`POST /api/v1/alerts/alertmanager`: the Alertmanager webhook receiver (payload version 4).

Answers fast and never triages inline: the delivery is parsed, stored in ONE transaction
(raw alert items redacted, each repeated alert counted once), and only then answered 202 with
the counts. The new alert ids then go to correlation (`ingest`), which groups them into
incidents and queues triage jobs that the worker runs.

Status codes, as Alertmanager reads them: 400 (one-line reason) for malformed JSON or another
payload version, which Alertmanager does not retry; 503 when we fail ourselves (the database is
down), which it retries; 413 over the size limit (set by `create_app`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import orjson
from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.exc import SQLAlchemyError

from opslens.server.correlate import ingest
from opslens.server.state import AppState, get_state
from opslens.store import StoreError
from opslens.store.alerts import DeliveredAlert, DeliveryResult, store_delivery

__all__ = ["PATH", "AlertmanagerAlert", "AlertmanagerPayload", "ingest", "router"]

log = logging.getLogger("opslens.server.webhook")

PATH = "/api/v1/alerts/alertmanager"


class AlertmanagerAlert(BaseModel):
    """One alert of a v4 payload; unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    status: str = Field(min_length=1)
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: datetime | None = None  # noqa: N815 - Alertmanager's field names
    endsAt: datetime | None = None  # noqa: N815
    generatorURL: str | None = None  # noqa: N815
    fingerprint: str = Field(min_length=1)


class AlertmanagerPayload(BaseModel):
    """An Alertmanager webhook payload, version 4; unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    version: str
    groupKey: str  # noqa: N815
    status: str
    receiver: str = ""
    groupLabels: dict[str, str] = Field(default_factory=dict)  # noqa: N815
    commonLabels: dict[str, str] = Field(default_factory=dict)  # noqa: N815
    commonAnnotations: dict[str, str] = Field(default_factory=dict)  # noqa: N815
    externalURL: str = ""  # noqa: N815
    truncatedAlerts: int = 0  # noqa: N815
    alerts: list[AlertmanagerAlert] = Field(default_factory=list)


class WebhookAccepted(BaseModel):
    """The 202 answer: how many alerts were new and how many repeated."""

    new: int
    duplicate: int


router = APIRouter(tags=["alerts"])


def parse_payload(body: bytes) -> tuple[AlertmanagerPayload, list[dict[str, Any]]]:
    """The validated payload and its raw alert items; HTTPException 400 (one line) if not v4."""
    try:
        raw = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise _bad_request(f"malformed JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise _bad_request("the payload is not a JSON object")
    if str(raw.get("version")) != "4":
        raise _bad_request(f"unsupported payload version {raw.get('version')!r} (expected '4')")
    try:
        payload = AlertmanagerPayload.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise _bad_request(f"invalid payload: {where}: {first['msg']}") from exc
    return payload, list(raw.get("alerts") or [])


def _bad_request(reason: str) -> HTTPException:
    return HTTPException(status.HTTP_400_BAD_REQUEST, reason.splitlines()[0][:300])


def _set(when: datetime | None) -> datetime | None:
    """Alertmanager writes an unset time as year 1 (Go's zero time): None here."""
    return None if when is None or when.year <= 1 else when


def _store(
    state: AppState, payload: AlertmanagerPayload, items: list[dict[str, Any]]
) -> DeliveryResult:
    group = payload.model_dump(mode="json", exclude={"alerts"})
    alerts = [
        DeliveredAlert(a.fingerprint, a.status, _set(a.startsAt), _set(a.endsAt), item)
        for a, item in zip(payload.alerts, items, strict=True)
    ]
    return store_delivery(state.store, payload.groupKey, group, alerts, state.now())


@router.post(
    PATH,
    status_code=status.HTTP_202_ACCEPTED,
    response_model=WebhookAccepted,
    responses={400: {"description": "Malformed JSON or not payload version 4"},
               503: {"description": "The database is unavailable; Alertmanager retries"}},
)
async def receive_alertmanager(
    request: Request, state: AppState = Depends(get_state)
) -> WebhookAccepted:
    """Store an Alertmanager delivery (committed before answering) and queue correlation."""
    payload, items = parse_payload(await request.body())
    try:
        result = await run_in_threadpool(_store, state, payload, items)
    except (StoreError, SQLAlchemyError) as exc:
        log.error("cannot store an Alertmanager delivery: %s", type(exc).__name__)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "the database is unavailable, retry later"
        ) from exc
    state.metrics.alerts.labels("new").inc(len(result.new_ids))
    state.metrics.alerts.labels("duplicate").inc(result.duplicates)
    if result.new_ids:
        await run_in_threadpool(_correlate, state, result.new_ids)
    return WebhookAccepted(new=len(result.new_ids), duplicate=result.duplicates)


def _correlate(state: AppState, new_ids: list[int]) -> None:
    """Correlation runs right after the commit; the alerts are safe whatever happens here, and
    a failure is logged (the worker's sweep picks unlinked alerts up again)."""
    try:
        ingest(state.store, new_ids, state.settings, state.now())
    except (StoreError, SQLAlchemyError) as exc:
        log.error("correlation of %d alerts failed: %s", len(new_ids), type(exc).__name__)
