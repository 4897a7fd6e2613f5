"""Provider failures as one-line, actionable `ProviderError`s.

Every failure carries a `FailureKind` so retry and routing can decide without parsing text:
retry only what a second try can fix (connection refused, 5xx, 429); fall back to the next
model on anything else that is the model's or server's fault.
"""

from __future__ import annotations

import json
from enum import StrEnum

import httpx

from opslens.errors import ProviderError

_MAX_DETAIL = 160


class FailureKind(StrEnum):
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    MODEL_NOT_FOUND = "model_not_found"
    CONTEXT_TOO_LONG = "context_too_long"
    AUTH = "auth"
    RATE_LIMITED = "rate_limited"
    SERVER = "server"
    BAD_REQUEST = "bad_request"
    PROTOCOL = "protocol"
    BAD_OUTPUT = "bad_output"


RETRIABLE = frozenset({FailureKind.UNREACHABLE, FailureKind.RATE_LIMITED, FailureKind.SERVER})

# Phrases servers use for "the prompt does not fit": OpenAI's code, vLLM's and llama.cpp's
# messages, Ollama's embed/chat wording.
_CONTEXT_MARKERS = (
    "context_length_exceeded",
    "maximum context length",
    "exceed_context_size",
    "exceeds the available context",
    "context window",
    "input length exceeds",
    "too many tokens",
    "prompt is too long",
)


class LLMError(ProviderError):
    """A provider failure with a machine-readable kind and a one-line message."""

    def __init__(
        self,
        kind: FailureKind,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.kind = kind
        self.status = status
        self.retry_after = retry_after
        super().__init__(one_line(message))

    @property
    def retriable(self) -> bool:
        """Whether trying the same request again may succeed."""
        return self.kind in RETRIABLE


def one_line(text: str, limit: int = 300) -> str:
    """Collapse whitespace and cap length so a message fits one terminal line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def server_message(body: bytes | str) -> str:
    """The human part of an error body, whatever the server's dialect.

    Ollama: `{"error": "..."}`; OpenAI and llama.cpp: `{"error": {"message": ...}}`;
    vLLM: `{"object": "error", "message": ...}`; FastAPI: `{"detail": ...}`.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except ValueError:
        return one_line(text, _MAX_DETAIL)
    return one_line(_message_of(data) or text, _MAX_DETAIL)


def _message_of(data: object) -> str | None:
    if not isinstance(data, dict):
        return None
    err = data.get("error")
    if isinstance(err, str):
        return err
    if isinstance(err, dict):
        msg = err.get("message")
        code = err.get("code")
        if isinstance(msg, str):
            return f"{msg} ({code})" if isinstance(code, str) and code not in msg else msg
    for key in ("message", "detail"):
        if isinstance(data.get(key), str):
            return data[key]
    return None


def is_context_message(message: str) -> bool:
    """Whether a server message says the prompt exceeds the model's context."""
    low = message.lower()
    return any(marker in low for marker in _CONTEXT_MARKERS)


def from_status(
    status: int,
    body: bytes | str,
    *,
    provider: str,
    endpoint: str,
    model: str | None,
    retry_after: float | None = None,
) -> LLMError:
    """Map a non-2xx answer to a typed, actionable error."""
    detail = server_message(body)
    where = f"{provider} at {endpoint}"
    if status in (401, 403):
        hint = "check OPENAI_API_KEY" if provider != "ollama" else "check the server's auth"
        message = f"{where} rejected the API key (HTTP {status}): {detail}; {hint}"
        return LLMError(FailureKind.AUTH, message, status=status)
    if status == 404:
        return _not_found(detail, provider, endpoint, model)
    if is_context_message(detail):
        return context_too_long(provider, model, detail, status=status)
    if status == 429 or status >= 500:
        kind = FailureKind.RATE_LIMITED if status == 429 else FailureKind.SERVER
        message = (
            f"{where} {'is rate limiting' if status == 429 else 'failed'} (HTTP {status}): {detail}"
        )
        return LLMError(kind, message, status=status, retry_after=retry_after)
    message = f"{where} refused the request (HTTP {status}): {detail}"
    return LLMError(FailureKind.BAD_REQUEST, message, status=status)


def _not_found(detail: str, provider: str, endpoint: str, model: str | None) -> LLMError:
    """A 404 names a missing model, or a wrong base URL (which must not be blamed on the model)."""
    low = detail.lower()
    if model and ("model" in low or model.lower() in low):
        return model_not_found(provider, endpoint, model, status=404)
    hint = (
        "check OLLAMA_HOST"
        if provider == "ollama"
        else "check OPENAI_BASE_URL (it usually ends in /v1)"
    )
    message = f"{provider} at {endpoint} has no such endpoint (HTTP 404): {detail}; {hint}"
    return LLMError(FailureKind.BAD_REQUEST, message, status=404)


def model_not_found(
    provider: str, endpoint: str, model: str, *, status: int | None = None
) -> LLMError:
    """The model is not available on the server; for Ollama say how to pull it."""
    if provider == "ollama":
        msg = f"model {model} is not pulled on Ollama at {endpoint}; run `ollama pull {model}`"
    else:
        msg = f"model {model} is not served by {endpoint}; see `opslens models` for what is"
    return LLMError(FailureKind.MODEL_NOT_FOUND, msg, status=status)


def context_too_long(
    provider: str, model: str | None, detail: str, *, status: int | None = None
) -> LLMError:
    """The prompt does not fit the model's context window."""
    name = model or "the model"
    return LLMError(
        FailureKind.CONTEXT_TOO_LONG,
        f"prompt too long for {name} on {provider}: {detail}",
        status=status,
    )


def from_transport(exc: httpx.TransportError, *, provider: str, endpoint: str) -> LLMError:
    """Map a connection-level failure (refused, DNS, timeout, broken stream)."""
    if isinstance(exc, httpx.TimeoutException):
        phase = (
            "connecting to"
            if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
            else "waiting for"
        )
        kind = (
            FailureKind.UNREACHABLE
            if isinstance(exc, httpx.ConnectTimeout)
            else FailureKind.TIMEOUT
        )
        return LLMError(kind, f"timed out {phase} {provider} at {endpoint}")
    if isinstance(exc, httpx.ConnectError):
        hint = "; is `ollama serve` running?" if provider == "ollama" else ""
        return LLMError(
            FailureKind.UNREACHABLE,
            f"{provider} not reachable at {endpoint} ({_reason(exc)}){hint}",
        )
    return LLMError(
        FailureKind.PROTOCOL, f"connection to {provider} at {endpoint} broke: {_reason(exc)}"
    )


def from_stream_error(message: str, *, provider: str, model: str | None) -> LLMError:
    """An `error` object that arrived inside a 200 stream (Ollama NDJSON, SSE `data:`)."""
    if is_context_message(message):
        return context_too_long(provider, model, message)
    return LLMError(
        FailureKind.SERVER,
        f"{provider} reported an error mid-stream: {one_line(message, _MAX_DETAIL)}",
    )


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "refused" in text.lower():
        return "connection refused"
    return one_line(text, 80)
