"""`create_app(settings, store, ...)`: the FastAPI application of `opslens serve`.

Everything the routes need is passed in and kept on `app.state.opslens` (an `AppState`); there
are no module globals, so tests build as many apps as they like. The app holds no analysis
logic: the webhook stores alerts and hands them to correlation, the API calls the store and the
pipeline, the worker (started by the lifespan) runs triage jobs.

Routers: `webhook.router` and `api.router` are mounted under the bearer-token dependency
(every `/api/...` and `/v1/...` route needs a token); `/healthz`, `/readyz`, `/metrics` and
`/docs` are open. The web UI (`server.web.mount`) serves its pages at `/` behind a login
session of its own (cookie + CSRF), and adds the security headers to every response.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from starlette.types import ASGIApp, Receive, Scope, Send

from opslens.server import api, web, webhook
from opslens.server.auth import TokenAuth
from opslens.server.chat import COMPLETIONS_PATH, chat_router
from opslens.server.limits import BodyLimit
from opslens.server.metrics import CONTENT_TYPE, Metrics
from opslens.server.settings import ServerSettings
from opslens.server.state import AppState

if TYPE_CHECKING:
    from opslens.store import Store

__all__ = ["Background", "create_app"]

log = logging.getLogger("opslens.server")

# A background service: started with the app's state, returns its stop function.
Background = Callable[[AppState], Callable[[], None]]


def _default_triage(*args: Any, **kwargs: Any) -> Any:
    from opslens.pipeline import run_triage

    return run_triage(*args, **kwargs)


def create_app(
    settings: ServerSettings,
    store: Store,
    *,
    clock: Callable[[], float] = time.time,
    triage: Callable[..., Any] = _default_triage,
    background: tuple[Background, ...] = (),
    worker_beside: bool | None = None,
) -> FastAPI:
    """The app serving `store` with `settings`. `background` services (the triage worker)
    start with the app and stop with it; `opslens serve` passes the worker unless --no-worker.
    `worker_beside` (default: whether `background` has any) says a worker correlates the
    webhook's alerts, so the webhook only stores them."""
    metrics = Metrics()
    _add_database_gauges(metrics, store)
    triage = _observed(triage, metrics, store)
    state = AppState(settings=settings, store=store, metrics=metrics, clock=clock, triage=triage,
                     correlate_inline=not (bool(background) if worker_beside is None
                                           else worker_beside))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stops = [start(state) for start in background]
        try:
            yield
        finally:
            for stop in reversed(stops):
                stop()

    app = FastAPI(
        title="opslens",
        summary="Local-first incident assistant: Alertmanager webhook, incidents, triage.",
        lifespan=lifespan,
    )
    app.state.opslens = state
    authenticated = [Depends(TokenAuth(settings))]
    app.include_router(webhook.router, dependencies=authenticated)
    app.include_router(api.router, dependencies=authenticated)
    app.include_router(chat_router(settings, triage), dependencies=authenticated)
    _add_probes(app, state)
    web.mount(app)  # the web UI at / (its pages, /static, login redirect, security headers)
    # Outermost last: metrics see every request, 413s included.
    app.add_middleware(
        BodyLimit,
        default_limit=settings.upload_max_bytes,
        limits={webhook.PATH: settings.webhook_max_bytes,
                # a chat turn carries its pasted or attached files: the upload limit
                COMPLETIONS_PATH: settings.upload_max_bytes},
    )
    app.add_middleware(_Measured, metrics=metrics)
    return app


class _Measured:
    """`Metrics.asgi` in the shape `add_middleware` takes."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self._app = metrics.asgi(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


def _observed(triage: Callable[..., Any], metrics: Metrics, store: Store) -> Callable[..., Any]:
    """Every triage this process runs is measured (`metrics.llm`) and held to the daily token
    budget; the eval pass rate and feedback score are read from the store when scraped."""
    from opslens.llmops.budget import daily_budget
    from opslens.llmops.metrics import StoreCollector
    from opslens.llmops.observers import observed_triage, with_telemetry
    from opslens.llmops.sources import feedback_scores, pass_rates

    metrics.add_collector(StoreCollector(lambda: pass_rates(store), lambda: feedback_scores(store)))
    return observed_triage(triage, with_telemetry(metrics.llm), store, daily_budget)


def _add_database_gauges(metrics: Metrics, store: Store) -> None:
    """Incidents and jobs by status, read from the database at scrape time (so every replica
    reports the shared truth, and nothing drifts after a restart)."""
    from opslens.store.jobs import count_by_status
    from opslens.store.queries import incident_counts

    metrics.add_gauge("opslens_incidents", "Incidents by status.", "status",
                      lambda: incident_counts(store))
    metrics.add_gauge("opslens_jobs", "Triage jobs by status.", "status",
                      lambda: count_by_status(store))


def _add_probes(app: FastAPI, state: AppState) -> None:
    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> JSONResponse:
        """Readiness: the database answers a trivial query."""
        try:
            with state.store.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # any database failure means not ready; say which kind
            log.warning("readiness check failed: %s", type(exc).__name__)
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "up"})

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(state.metrics.render(), media_type=CONTENT_TYPE)
