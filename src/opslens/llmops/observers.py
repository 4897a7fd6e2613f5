"""Observers together, and a triage function that is observed and budgeted: what the
service (and its worker) wrap `run_triage` in, so every model call it makes is measured."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opslens.pipeline import TriageObserver, TriageOptions
    from opslens.store import Store


class Fanout:
    """Several triage observers as one."""

    def __init__(self, *observers: TriageObserver | None) -> None:
        self._all = [o for o in observers if o is not None]

    def on_call(self, call: Any) -> None:
        for o in self._all:
            o.on_call(call)

    def on_verification(self, record: Any) -> None:
        for o in self._all:
            o.on_verification(record)

    def on_retrieval(self, index: str, seconds: float, results: int) -> None:
        for o in self._all:
            o.on_retrieval(index, seconds, results)


def observed_triage(
    triage: Callable[..., Any],
    observer: TriageObserver,
    store: Store | None = None,
    budget: Callable[[], int | None] | None = None,
) -> Callable[..., Any]:
    """`triage` (`run_triage`'s signature) with `observer` hearing every run, and, when a
    daily token budget is configured, runs past it made without a model (with a notice)."""

    def run(options: TriageOptions, *args: Any, **kwargs: Any) -> Any:
        options.observer = Fanout(options.observer, observer) if options.observer else observer
        notice = None
        if store is not None and budget is not None and options.llm != "none":
            from opslens.llmops.budget import budget_notice

            notice = budget_notice(store, budget())
            if notice:
                options.llm = "none"
        outcome = triage(options, *args, **kwargs)
        if notice:
            outcome.notices.append(notice)
        return outcome

    return run


def with_telemetry(observer: TriageObserver) -> TriageObserver:
    """`observer`, plus the OTLP GenAI exporter when an endpoint is configured (a missing SDK
    is logged, not fatal: the service still serves)."""
    import logging

    from opslens.errors import ConfigError
    from opslens.llmops.otel import exporter_from_config

    try:
        exporter = exporter_from_config()
    except ConfigError as exc:
        logging.getLogger("opslens.llmops").warning("%s", exc)
        return observer
    return observer if exporter is None else Fanout(observer, exporter)
