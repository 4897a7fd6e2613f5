"""The provider interface: one streaming method yielding typed chunks; `complete()` joins it.

A provider is one module in this package that decorates its class with `@register("name")`;
third-party providers join the same registry through the `opslens.llm_providers` entry-point
group.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from opslens.errors import ConfigError
from opslens.llm.errors import FailureKind, LLMError
from opslens.llm.settings import Settings, Timeouts


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class ChatRequest:
    """One chat call. `schema` asks for structured JSON output where the server supports it."""

    model: str
    messages: tuple[Message, ...]
    schema: dict | None = None
    schema_name: str = "output"
    temperature: float | None = None
    seed: int | None = None
    num_ctx: int | None = None
    max_tokens: int | None = None


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@dataclass(frozen=True)
class TextDelta:
    """A piece of the model's answer."""

    text: str


@dataclass(frozen=True)
class StreamEnd:
    """The last chunk: token counts, why generation stopped, server-side timings (seconds)."""

    usage: Usage
    finish_reason: str | None = None
    model: str | None = None
    timings: dict[str, float] = field(default_factory=dict)


Chunk = TextDelta | StreamEnd


@dataclass(frozen=True)
class Completion:
    """A joined stream."""

    text: str
    usage: Usage
    finish_reason: str | None
    model: str
    first_token_s: float | None
    total_s: float
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelInfo:
    name: str
    size: int | None = None
    context_length: int | None = None
    detail: str | None = None
    digest: str | None = None  # Ollama's: a model swapped under the same name changes it


@dataclass(frozen=True)
class LoadedModel:
    """A model resident in memory (Ollama `/api/ps`)."""

    name: str
    size: int | None
    size_vram: int | None
    context_length: int | None
    expires_at: str | None


@dataclass(frozen=True)
class ServerStatus:
    provider: str
    endpoint: str
    reachable: bool
    version: str | None = None
    models: tuple[ModelInfo, ...] = ()
    loaded: tuple[LoadedModel, ...] = ()
    error: str | None = None


@runtime_checkable
class Provider(Protocol):
    """What every provider offers. `stream` is the only generation code path."""

    name: str
    endpoint: str
    local: bool
    timeouts: Timeouts

    def stream(self, request: ChatRequest) -> Iterator[Chunk]:
        """Yield `TextDelta`s then exactly one `StreamEnd`; raise `LLMError` on failure."""
        ...

    def list_models(self) -> list[ModelInfo]:
        """Models the server can serve."""
        ...

    def context_length(self, model: str) -> int | None:
        """The model's usable context in tokens, when the server says."""
        ...

    def status(self) -> ServerStatus:
        """Reachability, version, models (and loaded models where the server tells)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def guarded(
    chunks: Iterator[Chunk], timeouts: Timeouts, clock: Callable[[], float] = time.monotonic
) -> Iterator[Chunk]:
    """Enforce the first-token and total deadlines between chunks, and a complete stream."""
    start = clock()
    seen_text = False
    ended = False
    try:
        for chunk in chunks:
            elapsed = clock() - start
            if isinstance(chunk, TextDelta) and chunk.text:
                if not seen_text and elapsed > timeouts.first_token:
                    raise LLMError(
                        FailureKind.TIMEOUT, f"no first token within {timeouts.first_token:g}s"
                    )
                seen_text = True
            if elapsed > timeouts.total:
                raise LLMError(
                    FailureKind.TIMEOUT, f"answer not finished within {timeouts.total:g}s"
                )
            ended = ended or isinstance(chunk, StreamEnd)
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # release the HTTP response now, not at garbage collection
    if not ended:
        raise LLMError(
            FailureKind.PROTOCOL, "the stream ended before the server said it was done (truncated)"
        )


def complete(
    provider: Provider, request: ChatRequest, clock: Callable[[], float] = time.monotonic
) -> Completion:
    """Join the stream into one `Completion`, measuring first-token and total latency."""
    start = clock()
    parts: list[str] = []
    first: float | None = None
    end = StreamEnd(Usage())
    for chunk in guarded(provider.stream(request), provider.timeouts, clock):
        if isinstance(chunk, TextDelta):
            if first is None and chunk.text:
                first = clock() - start
            parts.append(chunk.text)
        else:
            end = chunk
    return Completion(
        text="".join(parts),
        usage=end.usage,
        finish_reason=end.finish_reason,
        model=end.model or request.model,
        first_token_s=first,
        total_s=clock() - start,
        timings=end.timings,
    )


ProviderFactory = Callable[[Settings], Provider]
_REGISTRY: dict[str, ProviderFactory] = {}
_loaded = False


def register(name: str) -> Callable[[type], type]:
    """Class decorator: make a provider available under `name` (built from `Settings`)."""

    def decorate(cls: type) -> type:
        if name in _REGISTRY and _REGISTRY[name] != cls.from_settings:
            raise ConfigError(f"LLM provider {name!r} registered twice")
        _REGISTRY[name] = cls.from_settings
        return cls

    return decorate


def known_providers() -> list[str]:
    """Names of every registered provider."""
    _load_all()
    return sorted(_REGISTRY)


def create_provider(name: str, settings: Settings) -> Provider:
    """Build the provider called `name`; an unknown name is a loud error listing the known ones."""
    _load_all()
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ConfigError(
            f"unknown LLM provider {name!r}; known: {', '.join(sorted(_REGISTRY))}"
        ) from None
    return factory(settings)


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    from opslens.llm import providers

    for info in pkgutil.iter_modules(providers.__path__):
        if info.name != "base" and not info.name.startswith("_"):
            importlib.import_module(f"{providers.__name__}.{info.name}")
    for ep in entry_points(group="opslens.llm_providers"):
        ep.load()  # a broken plugin fails loudly here rather than being skipped
    _loaded = True
