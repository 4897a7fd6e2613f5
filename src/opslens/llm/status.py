"""What `opslens models` reports: each configured provider's reachability, version, models,
loaded models (Ollama), and optionally a measured round trip and tokens/s from a tiny probe.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from opslens.llm.errors import LLMError
from opslens.llm.providers.base import (
    ChatRequest,
    Message,
    Provider,
    Role,
    ServerStatus,
    complete,
    create_provider,
)
from opslens.llm.settings import Mode, Settings

PROBE_PROMPT = "Reply with the single word: ready"


@dataclass(frozen=True)
class Probe:
    model: str
    round_trip_s: float | None = None
    first_token_s: float | None = None
    tokens_per_s: float | None = None
    error: str | None = None


@dataclass(frozen=True)
class ProviderReport:
    status: ServerStatus
    probe: Probe | None = None


def configured_providers(settings: Settings) -> list[str]:
    """Ollama always (it is the local default); OpenAI-compatible when configured at all."""
    names = ["ollama"]
    if settings.mode is Mode.OPENAI or settings.openai_base_explicit or settings.openai_api_key:
        names.append("openai")
    return names


def describe(settings: Settings, *, probe: bool = False) -> list[ProviderReport]:
    """Status of every configured provider, with a probe of one model each when asked."""
    reports = []
    for name in configured_providers(settings):
        provider = create_provider(name, settings)
        try:
            status = provider.status()
            measured = (
                _probe(provider, _probe_model(settings, status))
                if probe and status.reachable
                else None
            )
        finally:
            provider.close()
        reports.append(ProviderReport(status, measured))
    return reports


def _probe_model(settings: Settings, status: ServerStatus) -> str | None:
    names = [m.name for m in status.models]
    if settings.model and (settings.model in names or not names):
        return settings.model
    loaded = [m.name for m in status.loaded]
    return (loaded or names or [None])[0]


def _probe(provider: Provider, model: str | None) -> Probe | None:
    """A tiny generation: round trip, first token, and decode speed."""
    if model is None:
        return None
    request = ChatRequest(
        model=model,
        messages=(Message(Role.USER, PROBE_PROMPT),),
        temperature=0.0,
        max_tokens=8,
        num_ctx=512,
    )
    start = time.monotonic()
    try:
        done = complete(provider, request)
    except LLMError as exc:
        return Probe(model, error=str(exc))
    eval_s = done.timings.get("eval")
    tokens = done.usage.completion_tokens
    if eval_s and tokens:
        speed = tokens / eval_s  # server-side decode time (Ollama), free of network and load
    elif tokens and done.first_token_s is not None and done.total_s > done.first_token_s:
        speed = max(tokens - 1, 1) / (done.total_s - done.first_token_s)
    else:
        speed = None
    return Probe(model, round(time.monotonic() - start, 3), _r(done.first_token_s), _r(speed))


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
