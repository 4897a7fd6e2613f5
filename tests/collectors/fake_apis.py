"""Loki and Argo CD API servers on 127.0.0.1 speaking their wire formats for the endpoints the
collectors read (`/loki/api/v1/query_range`, `/api/v1/applications`), with bearer-token checks."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from quiet_http import QuietServer


class JsonApi:
    """Answers GET `path` with `routes[path](query)` (status from `status_of(body)`, else 200);
    records (method, path, query, auth)."""

    def __init__(self, routes: dict[str, Any], token: str | None = None, status_of: Any = None) -> None:
        self.requests: list[tuple[str, str, dict[str, str], str | None]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(url.query).items()}
                auth = self.headers.get("Authorization")
                api.requests.append((self.command, url.path, query, auth))
                if self.command != "GET":
                    code, body = 405, {"error": "method not allowed"}
                elif token and auth != f"Bearer {token}":
                    code, body = 401, {"error": "invalid session: token is invalid", "code": 16, "message": "invalid session: token is invalid"}
                elif url.path in routes:
                    body = routes[url.path](query)
                    code = status_of(body) if status_of else 200
                else:
                    code, body = 404, {"error": "not found"}
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _answer  # noqa: N815

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> JsonApi:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def loki_streams(lines: list[tuple[int, str]], labels: dict[str, str]) -> dict[str, Any]:
    """A Loki `streams` query_range answer (values newest first, as direction=backward gives)."""
    values = [[str(ns), line] for ns, line in sorted(lines, reverse=True)]
    return {"status": "success", "data": {"resultType": "streams", "result": [{"stream": labels, "values": values}],
            "stats": {"summary": {"totalEntriesReturned": len(values)}}}}


def argocd_application(name: str, deployed_at: str, revision: str) -> dict[str, Any]:
    """An Application as the Argo CD API lists it (no kind/apiVersion on list items)."""
    return {"metadata": {"name": name, "namespace": "argocd", "uid": f"uid-{name}", "creationTimestamp": "2026-01-05T10:00:00Z"},
            "spec": {"project": "default", "destination": {"server": "https://kubernetes.default.svc", "namespace": "shop"},
                     "source": {"repoURL": "https://git.example/shop/deploy.git", "path": name, "targetRevision": "main"}},
            "status": {"sync": {"status": "Synced", "revision": revision},
                       "health": {"status": "Degraded"},
                       "history": [{"id": 7, "revision": revision, "deployedAt": deployed_at, "deployStartedAt": deployed_at,
                                    "source": {"repoURL": "https://git.example/shop/deploy.git", "path": name, "targetRevision": "main"}}],
                       "summary": {"images": [f"registry.example/{name}:1.4.2"]}}}
