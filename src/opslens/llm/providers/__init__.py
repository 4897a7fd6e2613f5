"""LLM providers: one module each, all registered in `base`'s registry."""

from opslens.llm.providers.base import (
    ChatRequest,
    Chunk,
    Completion,
    Message,
    Provider,
    Role,
    StreamEnd,
    TextDelta,
    Usage,
    complete,
    create_provider,
    known_providers,
    register,
)

__all__ = [
    "ChatRequest",
    "Chunk",
    "Completion",
    "Message",
    "Provider",
    "Role",
    "StreamEnd",
    "TextDelta",
    "Usage",
    "complete",
    "create_provider",
    "known_providers",
    "register",
]
