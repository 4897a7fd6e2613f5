"""Per-task routing: an ordered list of models, falling back on error, timeout or a context
too small for the evidence. Every attempt is recorded so the report says which model served.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from opslens.llm.errors import FailureKind, LLMError
from opslens.llm.settings import DEFAULT_ROUTE, RouteTarget, Settings, Task
from opslens.report.llm_models import RouteAttempt

T = TypeVar("T")

# Failures that doom every model on the same provider: do not try its other models.
_PROVIDER_WIDE = frozenset({FailureKind.UNREACHABLE, FailureKind.AUTH})


@dataclass(frozen=True)
class Target:
    provider: str
    model: str


class RoutingFailed(LLMError):
    """Every candidate failed; the message is the most useful of their errors."""

    def __init__(self, last: LLMError, attempts: list[RouteAttempt]) -> None:
        self.attempts = attempts
        super().__init__(last.kind, str(last), status=last.status)


def candidates(task: Task, settings: Settings, provider: str, model: str | None) -> list[Target]:
    """The ordered targets for `task`: `--model` alone, else the configured route, else defaults."""
    if model:
        return [Target(provider, model)]
    if settings.model:
        return [Target(provider, settings.model)]
    configured = settings.routes.get(task) or ()
    if configured:
        return [_target(t, provider) for t in configured]
    return [Target(provider, m) for m in DEFAULT_ROUTE]


def _target(item: RouteTarget, default_provider: str) -> Target:
    return Target(item.provider or default_provider, item.model)


def route(
    targets: list[Target], attempt: Callable[[Target], T]
) -> tuple[T, Target, list[RouteAttempt]]:
    """Try each target in order; return the first result, the target that served, all attempts."""
    if not targets:
        raise LLMError(FailureKind.MODEL_NOT_FOUND, "no model to try")
    attempts: list[RouteAttempt] = []
    dead: dict[str, LLMError] = {}
    last: LLMError | None = None
    for target in targets:
        if target.provider in dead:
            attempts.append(
                RouteAttempt(
                    provider=target.provider,
                    model=target.model,
                    outcome=f"skipped: {dead[target.provider]}",
                )
            )
            continue
        try:
            result = attempt(target)
        except LLMError as exc:
            attempts.append(
                RouteAttempt(
                    provider=target.provider, model=target.model, outcome=f"{exc.kind.value}: {exc}"
                )
            )
            last = exc
            if exc.kind in _PROVIDER_WIDE:
                dead[target.provider] = exc
            continue
        attempts.append(
            RouteAttempt(provider=target.provider, model=target.model, outcome="served")
        )
        return result, target, attempts
    assert last is not None
    raise RoutingFailed(last, attempts)
