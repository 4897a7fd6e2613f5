"""Bounded retries with exponential backoff for failures a second try can fix."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from opslens.llm.errors import LLMError
from opslens.llm.settings import RetryPolicy

T = TypeVar("T")


def backoff_delay(policy: RetryPolicy, attempt: int, last: LLMError | None) -> float:
    """Delay before retry number `attempt` (1-based); a server's Retry-After wins, capped."""
    delay = policy.backoff * (2 ** (attempt - 1))
    if last is not None and last.retry_after is not None:
        delay = last.retry_after
    return min(delay, policy.max_backoff)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header; None for absent or HTTP-date values."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: the exponential backoff is good enough


def retrying(policy: RetryPolicy, sleep: Callable[[float], None], attempt: Callable[[], T]) -> T:
    """Call `attempt` until it succeeds, retrying only `LLMError`s marked retriable."""
    last: LLMError | None = None
    for number in range(policy.retries + 1):
        if number:
            sleep(backoff_delay(policy, number, last))
        try:
            return attempt()
        except LLMError as exc:
            if not exc.retriable:
                raise
            last = exc
    assert last is not None
    raise last
