"""A small real HTTP server on 127.0.0.1 speaking Ollama's `/api/embed` wire format.

Request: `POST /api/embed` with `{"model": ..., "input": [text, ...]}`. Response:
`{"model": ..., "embeddings": [[float, ...], ...]}`; an unknown model gets Ollama's 404
`{"error": "model \\"x\\" not found, try pulling it first"}`.

The "model" embeds text as a bag of concepts: each word maps to a concept (synonyms share
one), so texts about the same thing are close even when they share no words.
"""

from __future__ import annotations

import json
import re
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DIMS = 64
CONCEPTS = {
    "heap": "memory", "memory": "memory", "oom": "memory", "ram": "memory", "killed": "memory",
    "disk": "storage", "filesystem": "storage", "space": "storage", "volume": "storage",
}


def embed(text: str) -> list[float]:
    """A deterministic concept-count vector."""
    vector = [0.0] * DIMS
    for word in re.findall(r"[a-z]+", text.lower()):
        concept = CONCEPTS.get(word, word)
        vector[zlib.crc32(concept.encode()) % DIMS] += 1.0
    return vector


class FakeOllamaEmbed:
    """Serve `/api/embed` for the models in `models`; record every request body."""

    def __init__(self, models: tuple[str, ...] = ("concept-embed",)) -> None:
        self.models = models
        self.requests: list[dict[str, Any]] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> FakeOllamaEmbed:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(body)
                if self.path != "/api/embed":
                    self._reply(404, {"error": "404 page not found"})
                elif body.get("model") not in server.models:
                    model = body.get("model")
                    self._reply(404, {"error": f'model "{model}" not found, try pulling it first'})
                else:
                    inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
                    self._reply(200, {"model": body["model"],
                                      "embeddings": [embed(t) for t in inputs]})

            def _reply(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
