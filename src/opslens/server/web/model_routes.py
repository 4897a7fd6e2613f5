"""The models page (providers reachable, loaded models, speed, recent calls and cost) and the
evaluations page (a placeholder until the LLMOps work fills it).

Provider status comes from the LLM layer (`opslens.llm.status.describe`, what `opslens models`
prints) with the narrative settings the server's worker uses; speed and cost come from the
model calls recorded in the store. Measuring speed with a probe generates a few tokens, so it
is a button (POST), never done on page load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import Response

from opslens.server.state import AppState
from opslens.server.web.deps import CheckedForm, CurrentSession, State
from opslens.server.web.render import page
from opslens.server.web.session import Session
from opslens.store.listing import model_use, recent_calls

if TYPE_CHECKING:
    from opslens.llm.status import ProviderReport

__all__ = ["router"]

router = APIRouter()


def _providers(state: AppState, probe: bool) -> tuple[list[ProviderReport], str | None]:
    """Each configured provider's status (and probe), or the one-line reason it failed."""
    from opslens.errors import OpslensError
    from opslens.llm.settings import load_settings
    from opslens.llm.status import describe

    try:
        return describe(load_settings(mode=state.settings.llm, model=state.settings.model),
                        probe=probe), None
    except OpslensError as exc:
        return [], str(exc).splitlines()[0]


def _models_page(
    request: Request, state: AppState, session: Session, probe: bool,
) -> Response:
    providers, error = _providers(state, probe)
    return page(request, "models.html", session, providers=providers, provider_error=error,
                use=model_use(state.store), calls=recent_calls(state.store),
                narrative=state.settings.llm, probed=probe)


@router.get("/models")
def models(request: Request, state: State, session: CurrentSession) -> Response:
    return _models_page(request, state, session, probe=False)


@router.post("/models/probe")
def probe(request: Request, state: State, session: CurrentSession, form: CheckedForm) -> Response:
    """Status plus a tiny generation per reachable provider: round trip and tokens/s."""
    return _models_page(request, state, session, probe=True)


@router.get("/evaluations")
def evaluations(request: Request, session: CurrentSession) -> Response:
    return page(request, "evaluations.html", session)
