"""`[llm] daily_token_budget`: once the tokens of today's recorded calls (UTC day) reach it,
triage runs as `--llm none` with a notice. Routing stays the LLM layer's; this only decides
whether a model is asked at all."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from opslens import config

if TYPE_CHECKING:
    from opslens.store import Store


def daily_budget() -> int | None:
    """The configured budget (`[llm] daily_token_budget`), None for none."""
    from opslens.llm.settings import LLMConfig

    return config.section("llm", LLMConfig).daily_token_budget


def start_of_day(now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC)
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def budget_notice(store: Store, budget: int | None, now: datetime | None = None) -> str | None:
    """A one-line notice when today's tokens reached `budget` (then run without a model)."""
    if budget is None:
        return None
    from opslens.store.llmops import tokens_since

    used = tokens_since(store, start_of_day(now))
    if used < budget:
        return None
    return (f"daily token budget reached ({used:,} of {budget:,} tokens today): "
            "running with --llm none")
