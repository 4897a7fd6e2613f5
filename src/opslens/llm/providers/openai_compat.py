"""OpenAI-compatible servers (vLLM, llama.cpp server, LM Studio, Ollama's /v1, hosted APIs).

`POST {base}/chat/completions` with SSE streaming: `data: {json}` events, a usage-only chunk
when `stream_options.include_usage` is set (its `choices` empty, null or absent depending on
the server), and `data: [DONE]`. Structured output uses `response_format` `json_schema`; a
server that rejects it is asked again without, and the caller parses JSON from the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from opslens.llm.errors import FailureKind, LLMError, from_stream_error
from opslens.llm.providers._wire import chat_messages, failed_status, json_object
from opslens.llm.providers.base import (
    ChatRequest,
    Chunk,
    ModelInfo,
    ServerStatus,
    StreamEnd,
    TextDelta,
    Usage,
    register,
)
from opslens.llm.settings import RetryPolicy, Settings, Timeouts
from opslens.llm.transport import Endpoint, Http, is_local_url

# Request fields some servers reject; on a 400 naming one of them we ask again without it.
_OPTIONAL_FIELDS = ("response_format", "stream_options", "seed")


@register("openai")
class OpenAICompatProvider:
    """Any server speaking the OpenAI chat-completions wire protocol."""

    name = "openai"

    def __init__(
        self,
        base_url: str,
        timeouts: Timeouts,
        retry: RetryPolicy,
        *,
        api_key: str | None = None,
        json_schema: bool = True,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = (("Authorization", f"Bearer {api_key}"),) if api_key else ()
        self.timeouts = timeouts
        self.json_schema = json_schema
        self.local = is_local_url(base_url)
        self._http = Http(
            Endpoint("openai", base_url, headers), timeouts, retry, transport=transport
        )
        self.endpoint = self._http.endpoint.display
        self.has_key = api_key is not None

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAICompatProvider:
        """Build from resolved settings (`OPENAI_BASE_URL`, `OPENAI_API_KEY`)."""
        return cls(
            settings.openai_base_url,
            settings.timeouts,
            settings.retry,
            api_key=settings.openai_api_key,
            json_schema=settings.json_schema,
        )

    def close(self) -> None:
        """Release connections."""
        self._http.close()

    def stream(self, request: ChatRequest) -> Iterator[Chunk]:
        """Stream `/chat/completions`, dropping optional fields a server refuses."""
        self._require_key()
        body = self._body(request)
        while True:
            try:
                yield from self._stream_once(body, request.model)
                return
            except LLMError as exc:
                dropped = _droppable(exc, body)
                if dropped is None:
                    raise
                body = {k: v for k, v in body.items() if k != dropped}

    def _require_key(self) -> None:
        """A hosted endpoint without a key would only answer 401: fail before sending anything."""
        if not self.local and not self.has_key:
            raise LLMError(FailureKind.AUTH, f"no API key for {self.endpoint}; set OPENAI_API_KEY")

    def _stream_once(self, body: dict[str, Any], model: str) -> Iterator[Chunk]:
        usage = Usage()
        finish: str | None = None
        served: str | None = None
        for line in self._http.stream_lines("chat/completions", body, model=model):
            payload = _sse_data(line)
            if payload is None:
                continue
            if payload == "[DONE]":
                yield StreamEnd(usage, finish, served)
                return
            data = json_object(payload, "event in the SSE stream")
            if "error" in data:
                err = data["error"]
                text = err.get("message", str(err)) if isinstance(err, dict) else str(err)
                raise from_stream_error(text, provider=self.name, model=model)
            served = data.get("model") or served
            usage = _usage(data.get("usage")) or usage
            for choice in data.get("choices") or []:
                content = (choice.get("delta") or {}).get("content")
                if content:
                    yield TextDelta(content)
                finish = choice.get("finish_reason") or finish
        # No [DONE]: the stream was cut. `guarded` reports the truncation.

    def _body(self, request: ChatRequest) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": request.model,
            "messages": chat_messages(request),
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if request.temperature is not None:
            body["temperature"] = request.temperature
        if request.seed is not None:
            body["seed"] = request.seed
        if request.max_tokens is not None:
            body["max_tokens"] = request.max_tokens
        if request.schema is not None and self.json_schema:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": request.schema_name,
                    "strict": True,
                    "schema": request.schema,
                },
            }
        return body

    def list_models(self, timeout: float | None = None) -> list[ModelInfo]:
        """`GET {base}/models`; vLLM also tells each model's `max_model_len`."""
        self._require_key()
        data = self._http.get_json("models", timeout=timeout)
        return [
            ModelInfo(
                name=m.get("id", "?"),
                context_length=m.get("max_model_len"),
                detail=m.get("owned_by"),
            )
            for m in data.get("data") or []
            if isinstance(m, dict)
        ]

    def context_length(self, model: str) -> int | None:
        """The served context when the server publishes it (vLLM), else None."""
        for info in self.list_models():
            if info.name == model:
                return info.context_length
        return None

    def status(self, timeout: float | None = None) -> ServerStatus:
        """Reachability and served models (the protocol has no version endpoint)."""
        try:
            models = tuple(self.list_models(timeout))
        except LLMError as exc:
            return failed_status(self.name, self.endpoint, exc)
        return ServerStatus(self.name, self.endpoint, True, None, models)


def _droppable(exc: LLMError, body: dict[str, Any]) -> str | None:
    if exc.kind is not FailureKind.BAD_REQUEST:
        return None
    message = str(exc).lower()
    for name in _OPTIONAL_FIELDS:
        if name in body and (
            name in message or (name == "response_format" and "json_schema" in message)
        ):
            return name
    return None


def _sse_data(line: str) -> str | None:
    """The payload of an SSE `data:` field; None for comments, other fields and blank lines."""
    if not line.startswith("data:"):
        return None
    return line[5:].removeprefix(" ").rstrip("\r")


def _usage(raw: object) -> Usage | None:
    if not isinstance(raw, dict):
        return None
    return Usage(raw.get("prompt_tokens"), raw.get("completion_tokens"))
