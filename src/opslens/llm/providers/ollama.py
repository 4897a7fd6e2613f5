"""Ollama's native API: `POST /api/chat` streaming NDJSON, plus tags/ps/show/version.

Errors can arrive inside a 200 stream as a line `{"error": "..."}`, so every line is checked.
The final line has `done: true`, `done_reason`, token counts and durations in nanoseconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from opslens.llm.errors import LLMError, from_stream_error, model_not_found
from opslens.llm.providers._wire import chat_messages, failed_status, json_object
from opslens.llm.providers.base import (
    ChatRequest,
    Chunk,
    LoadedModel,
    ModelInfo,
    ServerStatus,
    StreamEnd,
    TextDelta,
    Usage,
    register,
)
from opslens.llm.settings import RetryPolicy, Settings, Timeouts
from opslens.llm.transport import Endpoint, Http

_NS = 1e9
_DURATIONS = ("total_duration", "load_duration", "prompt_eval_duration", "eval_duration")


@register("ollama")
class OllamaProvider:
    """The user's own local Ollama server."""

    name = "ollama"
    local = True

    def __init__(
        self,
        base_url: str,
        timeouts: Timeouts,
        retry: RetryPolicy,
        *,
        keep_alive: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.timeouts = timeouts
        self.keep_alive = keep_alive
        self._http = Http(Endpoint("ollama", base_url), timeouts, retry, transport=transport)
        self.endpoint = self._http.endpoint.display

    @classmethod
    def from_settings(cls, settings: Settings) -> OllamaProvider:
        """Build from resolved settings (`OLLAMA_HOST` already parsed)."""
        return cls(
            settings.ollama_url, settings.timeouts, settings.retry, keep_alive=settings.keep_alive
        )

    def close(self) -> None:
        """Release connections."""
        self._http.close()

    def stream(self, request: ChatRequest) -> Iterator[Chunk]:
        """Stream `/api/chat`; one `TextDelta` per content line, one `StreamEnd` at done."""
        for line in self._http.stream_lines("api/chat", self._body(request), model=request.model):
            if not line.strip():
                continue
            data = json_object(line, "line in Ollama's stream")
            if "error" in data:
                raise from_stream_error(str(data["error"]), provider=self.name, model=request.model)
            content = (data.get("message") or {}).get("content") or ""
            if content:
                yield TextDelta(content)
            if data.get("done"):
                yield _end(data)
                return

    def _body(self, request: ChatRequest) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if request.temperature is not None:
            options["temperature"] = request.temperature
        if request.seed is not None:
            options["seed"] = request.seed
        if request.num_ctx is not None:
            options["num_ctx"] = request.num_ctx  # without it Ollama silently truncates the prompt
        if request.max_tokens is not None:
            options["num_predict"] = request.max_tokens
        body: dict[str, Any] = {
            "model": request.model,
            "messages": chat_messages(request),
            "stream": True,
            "options": options,
        }
        if request.schema is not None:
            body["format"] = request.schema
        if self.keep_alive is not None:
            body["keep_alive"] = self.keep_alive
        return body

    def version(self, timeout: float | None = None) -> str | None:
        """`GET /api/version`."""
        return self._http.get_json("api/version", timeout=timeout).get("version")

    def list_models(self, timeout: float | None = None) -> list[ModelInfo]:
        """`GET /api/tags`: the pulled models."""
        data = self._http.get_json("api/tags", timeout=timeout)
        return [_model_info(m) for m in data.get("models") or []]

    def loaded(self, timeout: float | None = None) -> list[LoadedModel]:
        """`GET /api/ps`: models resident in memory."""
        data = self._http.get_json("api/ps", timeout=timeout)
        return [
            LoadedModel(
                name=m.get("name") or m.get("model", "?"),
                size=m.get("size"),
                size_vram=m.get("size_vram"),
                context_length=m.get("context_length"),
                expires_at=m.get("expires_at"),
            )
            for m in data.get("models") or []
        ]

    def context_length(self, model: str) -> int | None:
        """`POST /api/show`: a Modelfile `num_ctx` if set, else the model's trained context."""
        try:
            data = self._http.post_json("api/show", {"model": model}, model=model)
        except LLMError as exc:
            if exc.status == 404:
                raise model_not_found(self.name, self.endpoint, model) from exc
            raise
        return parse_context(data)

    def status(self, timeout: float | None = None) -> ServerStatus:
        """Reachability, version, pulled models and loaded models."""
        try:
            version = self.version(timeout)
            models = tuple(self.list_models(timeout))
            loaded = tuple(self.loaded(timeout))
        except LLMError as exc:
            return failed_status(self.name, self.endpoint, exc)
        return ServerStatus(self.name, self.endpoint, True, version, models, loaded)


def has_model(models: list[ModelInfo], wanted: str) -> bool:
    """Whether `wanted` is among the pulled models (a missing tag means `:latest`)."""
    return normalize(wanted) in {normalize(m.name) for m in models}


def normalize(name: str) -> str:
    """Ollama's model-name convention: the tag defaults to `latest`."""
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last else f"{name}:latest"


def parse_context(show: dict[str, Any]) -> int | None:
    """Context length from an `/api/show` answer."""
    for line in (show.get("parameters") or "").splitlines():
        key, _, value = line.strip().partition(" ")
        if key == "num_ctx" and value.strip().isdigit():
            return int(value.strip())
    info = show.get("model_info") or {}
    for key, value in info.items():
        if key.endswith(".context_length") and isinstance(value, int):
            return value
    return None


def _model_info(m: dict[str, Any]) -> ModelInfo:
    details = m.get("details") or {}
    bits = [details.get("family"), details.get("parameter_size"), details.get("quantization_level")]
    return ModelInfo(
        name=m.get("name") or m.get("model", "?"),
        size=m.get("size"),
        detail=" ".join(b for b in bits if b) or None,
        digest=m.get("digest"),
    )


def _end(data: dict[str, Any]) -> StreamEnd:
    timings = {
        k.removesuffix("_duration"): data[k] / _NS
        for k in _DURATIONS
        if isinstance(data.get(k), int | float)
    }
    return StreamEnd(
        usage=Usage(data.get("prompt_eval_count"), data.get("eval_count")),
        finish_reason=data.get("done_reason"),
        model=data.get("model"),
        timings=timings,
    )
