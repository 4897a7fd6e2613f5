"""One chat turn answered: a background task, what to paste, a brief, or a follow-up.

`answer(request)` returns the text as a lazy stream of pieces: nothing runs until the first
piece is asked for, so the streaming route sends its `role` chunk before the triage starts and
the non-streaming route simply joins the same pieces (one code path for both).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from opslens.llm.tokens import counter
from opslens.server.chat.answers import NO_MATERIAL, brief, follow_up, wants_follow_up
from opslens.server.chat.material import Chat, read_chat
from opslens.server.chat.models import ModelCatalog
from opslens.server.chat.protocol import ChatRequest, Usage
from opslens.server.chat.tasks import answer_task, recognise
from opslens.server.chat.triage import Narrator, TriageCache

__all__ = ["ChatService", "Turn"]

log = logging.getLogger("opslens.server.chat")


@dataclass(frozen=True)
class Turn:
    """A turn to answer: its model id and the lazy pieces of its text."""

    model: str
    pieces: Iterator[str]


class ChatService:
    """Answers chat turns for one app: its model catalog, its triage cache, its pipeline."""

    def __init__(self, catalog: ModelCatalog, triage: Callable[..., Any],
                 timeout: float | None = None) -> None:
        self.catalog = catalog
        self.cache = TriageCache()
        self._triage = triage
        self._timeout = timeout

    def turn(self, request: ChatRequest) -> Turn:
        """The answer to `request` (RequestError for an unknown model, raised here, before
        any byte is sent)."""
        narrator = self.catalog.narrator(request.model)
        return Turn(request.model, self._pieces(request, narrator))

    def _pieces(self, request: ChatRequest, narrator: Narrator) -> Iterator[str]:
        task = recognise([(m.role, m.text()) for m in request.messages])
        if task is not None:
            log.debug("background task %s answered without a triage", task.key)
            yield answer_task(task)
            return
        chat = read_chat(request.messages)
        if not chat.pieces:
            yield NO_MATERIAL
            return
        yield from _lines(self._reply(chat, narrator))

    def _reply(self, chat: Chat, narrator: Narrator) -> str:
        triaged = self.cache.triage(chat, narrator, self._triage, self._timeout)
        if triaged.report is None:
            return (f"I could not triage the material in this chat: {triaged.error}.\n\n"
                    + NO_MATERIAL)
        if chat.answered_before and wants_follow_up(chat.question):
            return follow_up(triaged.report, chat.question)
        notes = "".join(f"\n> {notice}\n" for notice in triaged.notices)
        return brief(triaged.report) + notes


def usage(request: ChatRequest, text: str) -> Usage:
    """Tokens of the prompt and of the answer, by the LLM layer's offline counter."""
    count = counter()
    prompt = sum(count.count(m.text()) + 4 for m in request.messages)  # ~4 tokens of framing each
    return Usage(prompt, count.count(text))


def _lines(text: str) -> Iterator[str]:
    """The text a few lines at a time: small deltas a chat window can render as they come."""
    lines = text.splitlines(keepends=True)
    for start in range(0, len(lines), 4):
        yield "".join(lines[start : start + 4])
