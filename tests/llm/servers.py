"""Small, honest HTTP servers on 127.0.0.1 that speak Ollama's and OpenAI's wire protocols.

Test infrastructure, not a product feature. Responses are scripted, but the framing is the
real one: HTTP/1.1 with chunked transfer encoding, Ollama's NDJSON stream (a mid-stream
`{"error": ...}` line keeps HTTP 200; the final line carries done=true, done_reason, counts
and nanosecond durations), OpenAI's SSE (`data: {...}` events, a usage chunk only when
`stream_options.include_usage` is set, `data: [DONE]`), and each server's error bodies.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted HTTP response."""

    status: int = 200
    body: Any = None  # JSON-serialisable, sent with Content-Length
    chunks: list[bytes] = field(default_factory=list)  # streamed, one HTTP chunk each
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the status line (slow first byte)
    gap: float = 0.0  # between streamed chunks
    first_chunk_delay: float = 0.0  # after the headers, before the first chunk (slow first token)
    cut: bool = False  # drop the connection before the stream's terminating chunk


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


Handler = Callable[[Recorded], Reply]
#: What a fake model says: a scripted reply, its text, or a function of the request (the
#: model "reads" the prompt, e.g. to cite evidence ids that really are in it).
Answer = Reply | str | Callable[[Recorded], "Reply | str"]


def _answer(answer: Answer, request: Recorded) -> Reply | str:
    return answer(request) if callable(answer) else answer


def prompt_text(request: Recorded) -> str:
    """All message contents of a chat request, joined."""
    return "\n".join(m.get("content", "") for m in (request.body or {}).get("messages", []))


class ScriptedServer:
    """A threaded HTTP/1.1 server; `routes[(method, path)]` decides each reply."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.requests: list[Recorded] = []
        self._httpd = _Quiet(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def hits(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    def dispatch(self, request: Recorded) -> Reply:
        self.requests.append(request)
        handler = self.routes.get((request.method, request.path))
        if handler is None:
            return Reply(404, "404 page not found", content_type="text/plain")
        return handler(request)


class _Quiet(ThreadingHTTPServer):
    """Clients that hang up (timeouts under test) are expected, not errors worth a traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _make_handler(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = server.dispatch(Recorded(method, self.path, headers, body))
            time.sleep(reply.delay)
            # The client may give up first: timeouts are part of what is tested.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._write(reply)

        def _write(self, reply: Reply) -> None:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            if not reply.chunks:
                data = reply.body if isinstance(reply.body, bytes | str) else json.dumps(reply.body)
                data = data.encode() if isinstance(data, str) else data
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            time.sleep(reply.first_chunk_delay)
            for index, chunk in enumerate(reply.chunks):
                if index:
                    time.sleep(reply.gap)
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.flush()
            if reply.cut:
                self.close_connection = True
                return
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def do_GET(self) -> None:  # noqa: N802
            self._serve("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._serve("POST")

    return _Handler


def pieces(text: str, size: int = 7) -> list[str]:
    """Split an answer into token-sized pieces, as a model streams it."""
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


# --- Ollama ---------------------------------------------------------------------------


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime())


def ollama_lines(
    text: str,
    model: str,
    *,
    prompt_eval_count: int = 1873,
    done: bool = True,
    error_after: int | None = None,
    done_reason: str = "stop",
) -> list[bytes]:
    """NDJSON lines of `/api/chat` for `text`; optionally an error line after N pieces."""
    lines = []
    parts = pieces(text)
    for index, part in enumerate(parts):
        if error_after is not None and index == error_after:
            lines.append(
                {"error": "an error was encountered while running the model: unexpected EOF"}
            )
            break
        lines.append(
            {
                "model": model,
                "created_at": _now(),
                "message": {"role": "assistant", "content": part},
                "done": False,
            }
        )
    else:
        if done:
            lines.append(
                {
                    "model": model,
                    "created_at": _now(),
                    "message": {"role": "assistant", "content": ""},
                    "done": True,
                    "done_reason": done_reason,
                    "total_duration": 2_667_441_907,
                    "load_duration": 1_402_116_305,
                    "prompt_eval_count": prompt_eval_count,
                    "prompt_eval_duration": 531_009_472,
                    "eval_count": len(parts),
                    "eval_duration": 730_888_746,
                }
            )
    return [json.dumps(line).encode() + b"\n" for line in lines]


class FakeOllama:
    """An Ollama server: `/api/version`, `/api/tags`, `/api/ps`, `/api/show`, `/api/chat`.

    `answers` is a queue of scripted `/api/chat` replies (a `Reply`, or text the model
    "says"); when it runs dry, `default_answer` is said. Unknown models get Ollama's 404.
    """

    def __init__(
        self,
        server: ScriptedServer,
        models: dict[str, int] | None = None,
        *,
        num_ctx: int | None = None,
    ) -> None:
        self.server = server
        self.models = models if models is not None else {"qwen2.5:3b": 32768}
        self.num_ctx = num_ctx
        self.answers: list[Answer] = []
        self.default_answer: Answer = ""
        self.loaded: list[dict[str, Any]] = []
        self.digests: dict[str, str] = {}  # model -> digest, default below
        server.routes[("GET", "/api/version")] = lambda r: Reply(body={"version": "0.9.6"})
        server.routes[("GET", "/api/tags")] = self._tags
        server.routes[("GET", "/api/ps")] = lambda r: Reply(body={"models": self.loaded})
        server.routes[("POST", "/api/show")] = self._show
        server.routes[("POST", "/api/chat")] = self._chat

    def _tags(self, request: Recorded) -> Reply:
        models = [
            {
                "name": name,
                "model": name,
                "modified_at": "2025-06-01T10:00:00.000000000Z",
                "size": 1_929_912_432,
                "digest": self.digests.get(
                    name, "357c53fb659c5076de1d65ccb0b397446227b71a42be9d1603d46168015c9e4b"
                ),
                "details": {
                    "format": "gguf",
                    "family": "qwen2",
                    "parameter_size": "3.1B",
                    "quantization_level": "Q4_K_M",
                },
            }
            for name in self.models
        ]
        return Reply(body={"models": models})

    def _missing(self, name: str) -> Reply | None:
        if name in self.models or f"{name}:latest" in self.models:
            return None
        return Reply(404, {"error": f'model "{name}" not found, try pulling it first'})

    def _show(self, request: Recorded) -> Reply:
        name = (request.body or {}).get("model", "")
        missing = self._missing(name)
        if missing:
            return missing
        parameters = 'stop                           "<|im_start|>"\nstop                           "<|im_end|>"'
        if self.num_ctx:
            parameters += f"\nnum_ctx                        {self.num_ctx}"
        return Reply(
            body={
                "license": "Apache License",
                "modelfile": f"FROM {name}",
                "parameters": parameters,
                "template": "{{- range .Messages }}...{{ end }}",
                "details": {
                    "format": "gguf",
                    "family": "qwen2",
                    "parameter_size": "3.1B",
                    "quantization_level": "Q4_K_M",
                },
                "model_info": {
                    "general.architecture": "qwen2",
                    "qwen2.context_length": self.models[name],
                    "qwen2.block_count": 36,
                },
                "capabilities": ["completion", "tools"],
            }
        )

    def _chat(self, request: Recorded) -> Reply:
        name = (request.body or {}).get("model", "")
        missing = self._missing(name)
        if missing:
            return missing
        answer = _answer(self.answers.pop(0) if self.answers else self.default_answer, request)
        if isinstance(answer, Reply):
            return answer
        return Reply(chunks=ollama_lines(answer, name), content_type="application/x-ndjson")


# --- OpenAI-compatible -----------------------------------------------------------------


def sse_events(
    text: str, model: str, *, include_usage: bool, done: bool = True, prompt_tokens: int = 1873
) -> list[bytes]:
    """`data:` events of a streamed chat completion for `text`."""
    base = {
        "id": "chatcmpl-417",
        "object": "chat.completion.chunk",
        "created": 1749545534,
        "model": model,
        "system_fingerprint": "fp_test",
    }
    parts = pieces(text)
    events = []
    for index, part in enumerate(parts):
        delta = {"role": "assistant", "content": part} if index == 0 else {"content": part}
        events.append({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
    if done:
        events.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        if include_usage:
            usage = {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": len(parts),
                "total_tokens": prompt_tokens + len(parts),
            }
            events.append({**base, "choices": [], "usage": usage})
    out = [b"data: " + json.dumps(e).encode() + b"\n\n" for e in events]
    return out + ([b"data: [DONE]\n\n"] if done else [])


def openai_error(
    status: int, message: str, code: str | None, kind: str = "invalid_request_error"
) -> Reply:
    """An error in OpenAI's body format."""
    return Reply(status, {"error": {"message": message, "type": kind, "param": None, "code": code}})


class FakeOpenAI:
    """An OpenAI-compatible server under `/v1`: `/v1/models`, `/v1/chat/completions`."""

    def __init__(
        self,
        server: ScriptedServer,
        models: list[str] | None = None,
        *,
        api_key: str | None = None,
        json_schema: bool = True,
    ) -> None:
        self.server = server
        self.models = models if models is not None else ["qwen2.5:3b"]
        self.api_key = api_key
        self.json_schema = json_schema
        self.answers: list[Answer] = []
        self.default_answer: Answer = ""
        server.routes[("GET", "/v1/models")] = self._models
        server.routes[("POST", "/v1/chat/completions")] = self._chat

    def _auth(self, request: Recorded) -> Reply | None:
        if self.api_key is None or request.headers.get("authorization") == f"Bearer {self.api_key}":
            return None
        return openai_error(
            401,
            "Incorrect API key provided: sk-bad. You can find your API key at your provider.",
            "invalid_api_key",
        )

    def _models(self, request: Recorded) -> Reply:
        denied = self._auth(request)
        if denied:
            return denied
        data = [
            {"id": m, "object": "model", "created": 1749545534, "owned_by": "library"}
            for m in self.models
        ]
        return Reply(body={"object": "list", "data": data})

    def _chat(self, request: Recorded) -> Reply:
        denied = self._auth(request)
        if denied:
            return denied
        body = request.body or {}
        if body.get("model") not in self.models:
            return openai_error(
                404,
                f"The model `{body.get('model')}` does not exist or you do not have access to it.",
                "model_not_found",
            )
        if "response_format" in body and not self.json_schema:
            return openai_error(
                400, "response_format json_schema is not supported by this server", None
            )
        answer = _answer(self.answers.pop(0) if self.answers else self.default_answer, request)
        if isinstance(answer, Reply):
            return answer
        include = bool((body.get("stream_options") or {}).get("include_usage"))
        return Reply(
            chunks=sse_events(answer, body["model"], include_usage=include),
            content_type="text/event-stream",
        )


def serve() -> Iterator[ScriptedServer]:
    """Fixture body: a started server, stopped afterwards."""
    with ScriptedServer() as server:
        yield server
