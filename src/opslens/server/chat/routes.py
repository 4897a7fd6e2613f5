"""`GET /v1/models` and `POST /v1/chat/completions`, as OpenAI serves them.

Streaming follows OpenAI exactly: `text/event-stream`; a first chunk with
`delta.role = "assistant"`; the text in `delta.content`; a chunk with an empty delta and
`finish_reason: "stop"`; a usage chunk (`choices: []`) when `stream_options.include_usage`
is set; then `data: [DONE]`. Every error of these routes, the bearer-token 401 included, is
sent in OpenAI's error shape (`_OpenAIErrors`), which the official clients read. (A body
declared over the limit is refused with 413 by the app's middleware before any route runs.)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response, StreamingResponse

from opslens.server.chat.protocol import (
    ChatRequest,
    Envelope,
    RequestError,
    chunk,
    completion,
    error_response,
    parse_request,
    usage_chunk,
)
from opslens.server.chat.service import ChatService, Turn, usage

__all__ = ["COMPLETIONS_PATH", "build_router"]

COMPLETIONS_PATH = "/v1/chat/completions"
_TYPES = {401: "authentication_error", 403: "permission_error", 404: "invalid_request_error",
          413: "invalid_request_error", 429: "rate_limit_error"}


class _OpenAIErrors(APIRoute):
    """A route whose errors (its dependencies' too: the token check) use OpenAI's shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestError as exc:
                return error_response(exc)
            except HTTPException as exc:
                kind = _TYPES.get(exc.status_code, "invalid_request_error" if exc.status_code < 500
                                  else "server_error")
                return error_response(RequestError(str(exc.detail), exc.status_code, kind),
                                      headers=dict(exc.headers or {}))

        return handle


def build_router(service: ChatService) -> APIRouter:
    """The `/v1` router answering with `service` (one per app: no module state)."""
    router = APIRouter(prefix="/v1", tags=["openai"], route_class=_OpenAIErrors)

    @router.get("/models")
    def list_models() -> dict[str, Any]:
        """The models, in OpenAI's list format."""
        return {"object": "list", "data": [_model(name) for name in service.catalog.ids()]}

    @router.get("/models/{model_id:path}")
    def get_model(model_id: str) -> dict[str, Any]:
        """One model, or OpenAI's 404."""
        if model_id not in service.catalog.ids():
            raise RequestError(f"The model `{model_id}` does not exist.", 404, param="model",
                               code="model_not_found")
        return _model(model_id)

    @router.post("/chat/completions")
    async def chat_completions(request: Request) -> Response:
        """Triage the chat's material and answer with the brief (or a follow-up)."""
        parsed = parse_request(await request.body())
        turn = await run_in_threadpool(service.turn, parsed)
        if parsed.stream:
            return StreamingResponse(_events(parsed, turn), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        text = await run_in_threadpool(lambda: "".join(turn.pieces))
        return JSONResponse(completion(Envelope.new(turn.model), text, usage(parsed, text)))

    return router


def _model(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 0, "owned_by": "opslens"}


def _events(request: ChatRequest, turn: Turn) -> Iterator[bytes]:
    """The SSE body. A sync generator: Starlette runs it in a thread, so the triage behind
    the first text piece blocks no one, and the role chunk is already on its way."""
    envelope = Envelope.new(turn.model)
    yield _data(chunk(envelope, {"role": "assistant", "content": ""}))
    text = []
    for piece in turn.pieces:
        text.append(piece)
        yield _data(chunk(envelope, {"content": piece}))
    yield _data(chunk(envelope, {}, "stop"))
    if request.include_usage:
        yield _data(usage_chunk(envelope, usage(request, "".join(text))))
    yield b"data: [DONE]\n\n"


def _data(payload: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n"
