"""What the built-in providers' wire protocols share: chat messages as JSON, one streamed JSON
object per line or event, and a server status built from the error that stopped a probe.

Not a provider: the leading underscore keeps the registry's auto-import from loading it as one.
"""

from __future__ import annotations

import json
from typing import Any

from opslens.llm.errors import FailureKind, LLMError
from opslens.llm.providers.base import ChatRequest, ServerStatus


def chat_messages(request: ChatRequest) -> list[dict[str, str]]:
    """The request's messages as both wire protocols write them: `{role, content}` objects."""
    return [{"role": m.role.value, "content": m.content} for m in request.messages]


def json_object(text: str, where: str) -> dict[str, Any]:
    """One streamed JSON object; a protocol error naming `where` (e.g. `line in Ollama's
    stream`) when the text is not JSON or not an object."""
    try:
        data = json.loads(text)
    except ValueError:
        raise LLMError(FailureKind.PROTOCOL, f"malformed {where}: {text[:80]!r}") from None
    if not isinstance(data, dict):
        raise LLMError(FailureKind.PROTOCOL, f"unexpected {where}: {text[:80]!r}")
    return data


def failed_status(provider: str, endpoint: str, exc: LLMError) -> ServerStatus:
    """The status of a server whose probe failed: reachable unless the connection itself failed."""
    return ServerStatus(
        provider, endpoint, reachable=exc.kind is not FailureKind.UNREACHABLE, error=str(exc)
    )
