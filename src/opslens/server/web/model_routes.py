"""The models page (providers reachable, loaded models, speed, recent calls and cost) and the
evaluations pages (saved `opslens eval --save` runs per model and prompt version, one run's
cases, and the case-by-case comparison of two runs).

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
from opslens.server.web.deps import CheckedForm, CurrentSession, PageError, State
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
def evaluations(request: Request, state: State, session: CurrentSession,
                a: int | None = None, b: int | None = None) -> Response:
    """Every saved run with a chart of pass rates; `?a=RUN&b=RUN` adds their comparison."""
    from opslens.server.web.eval_chart import legend, pass_rate_svg
    from opslens.store.llmops import eval_run, eval_runs

    runs = eval_runs(state.store)
    comparison = None
    if a is not None and b is not None:
        from opslens.llmops.evaluate import compare

        before, after = eval_run(state.store, a), eval_run(state.store, b)
        if before is None or after is None:
            raise PageError(404, f"no saved evaluation run {a if before is None else b}")
        comparison = {"a": before, "b": after, "diff": compare(before.cases, after.cases),
                      "reasons": {c["scenario"]: c.get("reasons", []) for c in after.cases}}
    return page(request, "evaluations.html", session, runs=runs, chart=pass_rate_svg(runs),
                legend=legend(runs), comparison=comparison, previous=_previous(runs))


@router.get("/evaluations/{run_id}")
def evaluation(request: Request, state: State, session: CurrentSession, run_id: int) -> Response:
    """One saved run: its totals and every case with why it failed."""
    from opslens.store.llmops import eval_run

    run = eval_run(state.store, run_id)
    if run is None:
        raise PageError(404, f"no saved evaluation run {run_id}")
    return page(request, "evaluation.html", session, run=run)


def _previous(runs: list) -> dict[int, int]:  # noqa: ANN001 (EvalRunRow)
    """Each run's previous run on the same dataset (what it is compared with)."""
    found: dict[int, int] = {}
    last: dict[str, int] = {}
    for run in sorted(runs, key=lambda r: (r.created_at, r.id)):
        if run.dataset in last:
            found[run.id] = last[run.dataset]
        last[run.dataset] = run.id
    return found
