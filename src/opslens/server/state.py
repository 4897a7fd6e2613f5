"""`AppState`: what one app's routes and its worker share, passed in by `create_app` (no
module globals). Routes get it with `Depends(app_state)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

if TYPE_CHECKING:
    from opslens.server.metrics import Metrics
    from opslens.server.settings import ServerSettings
    from opslens.store import Store

__all__ = ["AppState", "app_state", "get_state"]


@dataclass
class AppState:
    """The app's dependencies. `clock` gives epoch seconds; `triage` is `run_triage`."""

    settings: ServerSettings
    store: Store
    metrics: Metrics
    clock: Callable[[], float]
    triage: Callable[..., Any]
    # False when a worker runs beside the app: the webhook then only stores, and the worker
    # correlates what arrived within a fraction of a second (off the reply's CPU budget).
    correlate_inline: bool = True

    def now(self) -> datetime:
        """`clock()` as an aware UTC datetime."""
        return datetime.fromtimestamp(self.clock(), UTC)


def get_state(request: Request) -> AppState:
    """The `AppState` of the app serving `request`."""
    state: AppState = request.app.state.opslens
    return state


async def app_state(request: Request) -> AppState:
    """FastAPI dependency: `get_state`. A coroutine, so FastAPI calls it on the event loop
    instead of sending it to a thread (a thread hop per request is most of a webhook
    delivery's latency under load)."""
    return get_state(request)
