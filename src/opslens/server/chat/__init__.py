"""The OpenAI-compatible chat endpoint: Open WebUI (or any chat client) uses opslens as a model.

`GET /v1/models` lists `opslens` and `opslens/<model>`; `POST /v1/chat/completions` reads the
material pasted or attached in the chat, triages it with the same pipeline as the CLI and
answers with the brief in Markdown, or answers a follow-up from that triage's evidence.
Open WebUI's background tasks (title, tags, follow-up suggestions) get cheap answers and never
a triage. `chat_router(settings, triage)` builds the router for one app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter

from opslens.server.chat.models import ModelCatalog
from opslens.server.chat.routes import COMPLETIONS_PATH, build_router
from opslens.server.chat.service import ChatService
from opslens.server.settings import ServerSettings

__all__ = ["COMPLETIONS_PATH", "chat_router"]


def chat_router(settings: ServerSettings, triage: Callable[..., Any]) -> APIRouter:
    """The `/v1` router of an app serving `settings`, triaging with `triage` (`run_triage`);
    a chat triage gets the same time limit as a background job (`job_timeout`)."""
    timeout = settings.job_timeout.total_seconds()
    return build_router(ChatService(ModelCatalog(settings), triage, timeout))
