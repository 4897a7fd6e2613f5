"""A small Kubernetes API server on 127.0.0.1 for the collector's tests and bench.

It speaks the real wire format of the parts the collector reads: list responses with
`metadata.continue`/`remainingItemCount` pagination, error `Status` objects (401, 403, 404,
405, 410), the pod log endpoint with `container`/`previous`/`tailLines`/`timestamps`, and
`/version`. It requires the bearer token a kubeconfig names and refuses every method other
than GET, recording the attempt so a test fails if the collector tries one.
"""

from __future__ import annotations

import base64
import json
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from quiet_http import QuietServer

TOKEN = "test-token-not-a-secret"


@dataclass
class Cluster:
    """The objects served: (api root, plural) -> items (each with metadata.namespace)."""

    objects: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    #: (namespace, pod, container, previous) -> log text (lines with RFC 3339 timestamps)
    logs: dict[tuple[str, str, str, bool], str] = field(default_factory=dict)
    #: plurals answered 403 Forbidden, and API roots answered 404 (an API group not served)
    forbidden: set[str] = field(default_factory=set)
    missing_roots: set[str] = field(default_factory=set)
    #: continue tokens answered 410 Gone (expired)
    expire_continue: bool = False

    def add(self, root: str, plural: str, item: dict[str, Any]) -> None:
        self.objects.setdefault((root, plural), []).append(item)


@dataclass
class ApiLog:
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path?query)
    refused_methods: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def status(code: int, reason: str, message: str) -> dict[str, Any]:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


class KubeApiServer:
    """`tls` (an SSLContext) serves HTTPS; when it requires client certificates, a verified
    certificate authenticates instead of the token, as with a real API server."""

    def __init__(self, cluster: Cluster, tls: ssl.SSLContext | None = None) -> None:
        self.cluster = cluster
        self.log = ApiLog()
        self.client_cert_auth = tls is not None and tls.verify_mode == ssl.CERT_REQUIRED
        handler = type("Handler", (_Handler,), {"server_state": self})
        self.httpd = QuietServer(("127.0.0.1", 0), handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> KubeApiServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def kubeconfig(self, path: Path, namespace: str = "default", context: str = "test") -> Path:
        """A kubeconfig pointing at this server with token auth."""
        path.write_text(json.dumps({
            "apiVersion": "v1", "kind": "Config", "current-context": context,
            "clusters": [{"name": "local", "cluster": {"server": self.url}}],
            "users": [{"name": "reader", "user": {"token": TOKEN}}],
            "contexts": [{"name": context, "context": {"cluster": "local", "user": "reader", "namespace": namespace}}],
        }))
        return path


class _Handler(BaseHTTPRequestHandler):
    server_state: KubeApiServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _refuse(self) -> None:
        with self.server_state.log.lock:
            self.server_state.log.refused_methods.append(f"{self.command} {self.path}")
        self._send(405, status(405, "MethodNotAllowed", f"the server does not allow this method on the requested resource ({self.command})"))

    do_POST = do_PUT = do_PATCH = do_DELETE = _refuse  # noqa: N815

    def do_GET(self) -> None:  # noqa: N802
        state = self.server_state
        with state.log.lock:
            state.log.requests.append(("GET", self.path))
        if not state.client_cert_auth and self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._send(401, status(401, "Unauthorized", "Unauthorized"))
            return
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")
        if url.path == "/version":
            self._send(200, {"major": "1", "minor": "31", "gitVersion": "v1.31.2"})
            return
        if parts[-1] == "log" and len(parts) == 7:
            self._pod_log(parts[3], parts[5], query)
            return
        self._list(parts, query)

    def _list(self, parts: list[str], query: dict[str, str]) -> None:
        cluster = self.server_state.cluster
        root_len = 2 if parts[0] == "api" else 3
        root, rest = "/".join(parts[:root_len]), parts[root_len:]
        namespace = rest[1] if len(rest) == 3 and rest[0] == "namespaces" else None
        plural = rest[-1] if rest else ""
        if root in cluster.missing_roots or (root, plural) not in cluster.objects and not _known(root, plural):
            self._send(404, status(404, "NotFound", "the server could not find the requested resource"))
            return
        if plural in cluster.forbidden:
            scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
            self._send(403, status(403, "Forbidden", f'{plural} is forbidden: User "system:serviceaccount:ops:opslens" cannot list resource "{plural}" in API group "" {scope}'))
            return
        items = [i for i in cluster.objects.get((root, plural), []) if namespace is None or i["metadata"].get("namespace") == namespace]
        items = [i for i in items if _selected(i, query.get("labelSelector"))]
        start = 0
        if "continue" in query:
            if cluster.expire_continue:
                self._send(410, status(410, "Expired", "The provided continue parameter is too old to display a consistent list result."))
                return
            start = int(base64.b64decode(query["continue"]))
        limit = int(query.get("limit") or 0) or len(items)
        page = items[start : start + limit]
        meta: dict[str, Any] = {"resourceVersion": "48213"}
        if start + limit < len(items):
            meta["continue"] = base64.b64encode(str(start + limit).encode()).decode()
            meta["remainingItemCount"] = len(items) - start - limit
        kind = {"pods": "PodList", "events": "EventList", "nodes": "NodeList", "deployments": "DeploymentList",
                "replicasets": "ReplicaSetList", "statefulsets": "StatefulSetList", "daemonsets": "DaemonSetList"}.get(plural, "List")
        api_version = root.split("/", 1)[1]
        # The API server sends items without kind/apiVersion.
        bare = [{k: v for k, v in i.items() if k not in ("kind", "apiVersion")} for i in page]
        self._send(200, {"kind": kind, "apiVersion": api_version, "metadata": meta, "items": bare})

    def _pod_log(self, namespace: str, pod: str, query: dict[str, str]) -> None:
        previous = query.get("previous") == "true"
        text = self.server_state.cluster.logs.get((namespace, pod, query.get("container", ""), previous))
        if text is None:
            what = "previous terminated container" if previous else "container"
            self._send(400, status(400, "BadRequest", f'{what} "{query.get("container")}" in pod "{pod}" not found'))
            return
        lines = text.splitlines(keepends=True)
        if "tailLines" in query:
            lines = lines[-int(query["tailLines"]):]
        if query.get("timestamps") != "true":
            lines = [ln.split(" ", 1)[1] if " " in ln else ln for ln in lines]
        body = "".join(lines).encode()[: int(query.get("limitBytes") or 1 << 30)]
        self._send_bytes(200, body, "text/plain")

    def _send(self, code: int, body: dict[str, Any]) -> None:
        self._send_bytes(code, json.dumps(body).encode(), "application/json")

    def _send_bytes(self, code: int, body: bytes, ctype: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


_KNOWN_PLURALS = {("api/v1", p) for p in ("pods", "events", "nodes")} | {
    ("apis/apps/v1", p) for p in ("deployments", "replicasets", "statefulsets", "daemonsets")
} | {("apis/events.k8s.io/v1", "events")}


def _known(root: str, plural: str) -> bool:
    return (root, plural) in _KNOWN_PLURALS


def _selected(item: dict[str, Any], selector: str | None) -> bool:
    if not selector:
        return True
    labels = item.get("metadata", {}).get("labels") or {}
    return all(labels.get(k) == v for k, v in (term.split("=", 1) for term in selector.split(",")))
