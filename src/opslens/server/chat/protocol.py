"""The OpenAI chat-completions wire format: the request we accept and the JSON we send back.

Only what a chat client needs is modelled; other OpenAI parameters (`temperature`, `top_p`,
`max_tokens`, `seed`, `user`, ...) are accepted and ignored, since the brief is deterministic
and its length is the report's. Errors use OpenAI's shape, `{"error": {"message", "type",
"param", "code"}}`, which the official clients turn into typed exceptions.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.responses import JSONResponse

__all__ = [
    "ChatRequest",
    "Message",
    "RequestError",
    "Usage",
    "chunk",
    "completion",
    "error_response",
    "parse_request",
]


class _Open(BaseModel):
    # Unknown fields pass: clients send vendor extensions and parameters we do not use.
    model_config = ConfigDict(extra="ignore")


class TextPart(_Open):
    """One part of a multi-part message; only text parts carry material."""

    type: str
    text: str | None = None


class Message(_Open):
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[TextPart] | None = None

    def text(self) -> str:
        """The message's text: the string, or its text parts joined (images are skipped)."""
        if isinstance(self.content, str):
            return self.content
        if not self.content:
            return ""
        return "\n".join(part.text for part in self.content if part.type == "text" and part.text)


class StreamOptions(_Open):
    include_usage: bool = False


class ChatRequest(_Open):
    model: str = Field(min_length=1)
    messages: list[Message] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None

    @property
    def include_usage(self) -> bool:
        return self.stream and self.stream_options is not None and self.stream_options.include_usage


class RequestError(Exception):
    """A request we refuse, in OpenAI's terms (`type`, `param`, `code`) with its HTTP status."""

    def __init__(self, message: str, status: int = 400, type: str = "invalid_request_error",  # noqa: A002
                 param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.type = type
        self.param = param
        self.code = code


def error_response(error: RequestError, headers: dict[str, str] | None = None) -> JSONResponse:
    """The error as OpenAI sends it."""
    body = {"error": {"message": error.message, "type": error.type, "param": error.param,
                      "code": error.code}}
    return JSONResponse(body, status_code=error.status, headers=headers)


def parse_request(raw: bytes) -> ChatRequest:
    """The body as a `ChatRequest`; RequestError (400) naming the first bad field."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RequestError(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise RequestError("the request body must be a JSON object")
    try:
        return ChatRequest.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise RequestError(f"{where}: {first['msg']}", param=where or None) from None


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int

    def as_json(self) -> dict[str, int]:
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
                "total_tokens": self.prompt_tokens + self.completion_tokens}


@dataclass(frozen=True)
class Envelope:
    """What every chunk of one answer shares: its id, creation time and model."""

    id: str
    created: int
    model: str

    @classmethod
    def new(cls, model: str) -> Envelope:
        return cls(f"chatcmpl-{uuid.uuid4().hex}", int(time.time()), model)


def chunk(envelope: Envelope, delta: dict[str, str], finish_reason: str | None = None) -> dict[str, Any]:
    """One `chat.completion.chunk` with a single choice."""
    return {"id": envelope.id, "object": "chat.completion.chunk", "created": envelope.created,
            "model": envelope.model,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]}


def usage_chunk(envelope: Envelope, usage: Usage) -> dict[str, Any]:
    """The last chunk when `stream_options.include_usage` is set: no choices, the usage."""
    return {"id": envelope.id, "object": "chat.completion.chunk", "created": envelope.created,
            "model": envelope.model, "choices": [], "usage": usage.as_json()}


def completion(envelope: Envelope, text: str, usage: Usage) -> dict[str, Any]:
    """A whole non-streamed `chat.completion`."""
    return {"id": envelope.id, "object": "chat.completion", "created": envelope.created,
            "model": envelope.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text, "refusal": None},
                         "logprobs": None, "finish_reason": "stop"}],
            "usage": usage.as_json()}
