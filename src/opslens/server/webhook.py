"""`POST /api/v1/alerts/alertmanager`: the Alertmanager webhook receiver (payload version 4).

Answers fast and never triages inline: the delivery is parsed, stored in ONE transaction
(raw alert items redacted, each repeated alert counted once) and only then answered 202 with
the counts. Its new alerts are correlated (`ingest`: grouped into incidents, triage jobs
queued) by the worker when one runs beside the app, else here right after the commit. Deliveries arriving together share those transactions (`_Batcher`, a
group commit), which is what lets one process keep up with hundreds of deliveries a second
(bench/webhook.py); a 2xx still means the delivery is committed.

Status codes, as Alertmanager reads them: 400 (one-line reason) for malformed JSON or another
payload version, which Alertmanager does not retry; 503 when we fail ourselves (the database is
down), which it retries; 413 over the size limit (set by `create_app`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from typing import Any

import orjson
from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.exc import SQLAlchemyError

from opslens.server.correlate import ingest
from opslens.server.state import AppState, app_state
from opslens.store import StoreError
from opslens.store.alerts import (
    DeliveredAlert,
    Delivery,
    DeliveryResult,
    WriteLocked,
    prepare_deliveries,
    store_deliveries,
    write_deliveries,
)

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


def _delivery(payload: AlertmanagerPayload, items: list[dict[str, Any]]) -> Delivery:
    group = payload.model_dump(mode="json", exclude={"alerts"})
    alerts = [
        DeliveredAlert(a.fingerprint, a.status, _set(a.startsAt), _set(a.endsAt), item)
        for a, item in zip(payload.alerts, items, strict=True)
    ]
    return Delivery(payload.groupKey, group, alerts)


@router.post(
    PATH,
    status_code=status.HTTP_202_ACCEPTED,
    response_model=WebhookAccepted,
    responses={400: {"description": "Malformed JSON or not payload version 4"},
               503: {"description": "The database is unavailable; Alertmanager retries"}},
)
async def receive_alertmanager(
    request: Request, state: AppState = Depends(app_state)
) -> WebhookAccepted:
    """Store an Alertmanager delivery (committed before answering) and correlate it."""
    payload, items = parse_payload(await request.body())
    batcher = getattr(request.app.state, "opslens_webhook", None)
    if batcher is None:
        batcher = request.app.state.opslens_webhook = _Batcher(state)
    try:
        result = await batcher.submit(_delivery(payload, items))
    except (StoreError, SQLAlchemyError, WriteLocked) as exc:
        log.error("cannot store an Alertmanager delivery: %s", type(exc).__name__)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "the database is unavailable, retry later"
        ) from exc
    state.metrics.alerts.labels("new").inc(len(result.new_ids))
    state.metrics.alerts.labels("duplicate").inc(result.duplicates)
    return WebhookAccepted(new=len(result.new_ids), duplicate=result.duplicates)


class _Batcher:
    """Group commit: deliveries that arrive while a batch is being written wait for the next
    one, which stores them in ONE transaction and then correlates their new alerts in one
    more; each request is answered only after both (so a 2xx still means committed). Under
    load the batches grow and the per-transaction cost (begin, commit, reading the open
    incidents) is shared; alone, a delivery is a batch of one."""

    LIMIT = 256  # deliveries per batch: bounds one transaction
    # How long a batch waits for company once its first delivery arrived. A batch costs about
    # as much for one delivery as for ten (begin, commit, reading the open incidents), so
    # without it a server under moderate load writes batches of one or two and spends twice
    # the CPU per delivery; 5 ms is small next to Alertmanager's 10 s timeout.
    LINGER = 0.005
    LOCK_WAIT = 5.0  # seconds a batch waits for the database's write lock before a 503

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.pending: list[tuple[Delivery, asyncio.Future[DeliveryResult]]] = []
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def submit(self, delivery: Delivery) -> DeliveryResult:
        future: asyncio.Future[DeliveryResult] = asyncio.get_running_loop().create_future()
        self.pending.append((delivery, future))
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run())
        self.wake.set()
        return await future

    async def _run(self) -> None:
        while True:
            await self.wake.wait()
            await asyncio.sleep(self.LINGER)
            self.wake.clear()
            while self.pending:
                batch, self.pending = self.pending[:self.LIMIT], self.pending[self.LIMIT:]
                try:
                    results = await self._write([d for d, _ in batch])
                except Exception as exc:  # each waiting request answers for itself (503)
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():  # its client may have gone
                        future.set_result(result)

    async def _write(self, deliveries: list[Delivery]) -> list[DeliveryResult]:
        """Store one batch. With a worker beside us (it correlates), on the event loop's own
        thread, blocking it for the ~2 ms a batch takes: in a thread pool, a write transaction
        must take the GIL back from the busy loop thread after each statement, waiting a
        switch interval (5 ms) each time, and a batch of a few dozen inserts then holds the
        database's write lock for 100-300 ms (bench/webhook.py: p99 over 500 ms that way).
        Without a worker, correlation follows in the same call, too long for the loop."""
        if self.state.correlate_inline:
            return await run_in_threadpool(_store_and_correlate, self.state, deliveries)
        # While the worker process holds SQLite's write lock, poll for it every millisecond
        # and keep the loop serving meanwhile, instead of sleeping in SQLite's busy handler
        # (1, 2, 5, ... 100 ms steps, which overshoot the lock's release and block the loop).
        prepared = prepare_deliveries(deliveries, self.state.now())  # redacted once
        deadline = time.monotonic() + self.LOCK_WAIT
        while True:
            try:
                return write_deliveries(self.state.store, prepared, nowait=True)
            except WriteLocked:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.001)


def _store_and_correlate(state: AppState, deliveries: list[Delivery]) -> list[DeliveryResult]:
    """One batch with no worker beside this app: commit the deliveries, then correlate their
    new alerts (a second transaction, so a correlation failure never takes the stored alerts
    with it)."""
    results = store_deliveries(state.store, deliveries, state.now())
    new_ids = [i for result in results for i in result.new_ids]
    if new_ids:
        _correlate(state, new_ids)
    return results


def _correlate(state: AppState, new_ids: list[int]) -> None:
    """Correlation runs right after the commit; the alerts are safe whatever happens here, and
    a failure is logged (the worker's sweep picks unlinked alerts up again)."""
    try:
        ingest(state.store, new_ids, state.settings, state.now())
    except (StoreError, SQLAlchemyError) as exc:
        log.error("correlation of %d alerts failed: %s", len(new_ids), type(exc).__name__)
