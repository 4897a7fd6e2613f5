"""The few Kubernetes API reads the collector makes: paginated lists and pod logs.

Each read is also expressed as the read-only `kubectl` command that would make it and vetted
by the guard before it is sent. Lists are paginated with `limit`/`continue` and stop at the
item cap; an expired continue token (410 Gone) keeps what was read and says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from opslens.collectors._kubeconfig import ClusterAccess
from opslens.collectors._tls import ssl_context
from opslens.collectors.errors import CollectError
from opslens.collectors.ledger import Ledger

SOURCE = "kubernetes"


@dataclass(frozen=True)
class Resource:
    """One listable kind: where its API is and what kubectl calls it."""

    kind: str
    plural: str
    group: str = ""
    version: str = "v1"
    namespaced: bool = True

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def kubectl_name(self) -> str:
        """Fully qualified, so `events` of the two APIs stay apart: `events.v1.events.k8s.io`."""
        return f"{self.plural}.{self.version}.{self.group}" if self.group else self.plural

    def path(self, namespace: str | None) -> str:
        root = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            return f"{root}/namespaces/{namespace}/{self.plural}"
        return f"{root}/{self.plural}"


class ApiStatusError(CollectError):
    """The API answered with an error Status (403 Forbidden, 404 NotFound, 410 Gone, ...)."""

    def __init__(self, code: int, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass
class Listed:
    items: list[dict[str, Any]]
    #: Why the list is incomplete (item cap, expired continue token), or None.
    cut: str | None = None


class KubeApi:
    def __init__(self, access: ClusterAccess, ledger: Ledger, *, timeout: float, max_bytes: int,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.access = access
        self.ledger = ledger
        self.max_bytes = max_bytes
        verify = ssl_context(access.tls) if access.server.startswith("https:") else True
        self._client = httpx.Client(
            base_url=access.server, headers={"Accept": "application/json", **access.headers},
            auth=access.basic, verify=verify, timeout=timeout, transport=transport,
            proxy=access.proxy if transport is None else None, follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def _kubectl(self, *args: str) -> list[str]:
        context = ["--context", self.access.context] if self.access.context else []
        return ["kubectl", *context, *args]

    def list_argv(self, res: Resource, namespace: str | None, selector: str | None, page: int) -> list[str]:
        scope = ["-n", namespace] if res.namespaced and namespace else (["-A"] if res.namespaced else [])
        sel = ["-l", selector] if selector else []
        return self._kubectl("get", res.kubectl_name, *scope, *sel, "-o", "json", f"--chunk-size={page}")

    def list(self, res: Resource, namespace: str | None, *, selector: str | None, page: int, max_items: int) -> Listed:
        """Every item of `res` in `namespace` (all namespaces when None), page by page."""
        self.ledger.vet(SOURCE, self.list_argv(res, namespace, selector, page))
        items: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            params: dict[str, Any] = {"limit": min(page, max_items - len(items))}
            if selector:
                params["labelSelector"] = selector
            if token:
                params["continue"] = token
            try:
                body = self._get_json(res.path(namespace), params)
            except ApiStatusError as exc:
                if exc.code == 410 and items:
                    return Listed(items, f"continue token expired after {len(items):,} items (410 Gone): {exc}")
                raise
            items += [_typed(item, res) for item in body.get("items") or [] if isinstance(item, dict)]
            meta = body.get("metadata") or {}
            token = meta.get("continue")
            if not token:
                return Listed(items)
            if len(items) >= max_items:
                more = meta.get("remainingItemCount")
                return Listed(items, f"cap of {max_items:,} items reached" + (f"; {more:,} more not fetched" if isinstance(more, int) else ""))

    def pod_log(self, namespace: str, pod: str, container: str, *, previous: bool, tail: int,
                since_seconds: int | None, limit_bytes: int) -> bytes:
        """The container's log with timestamps (the previous instance's when `previous`)."""
        argv = self._kubectl("logs", pod, "-n", namespace, "-c", container, "--timestamps", f"--tail={tail}",
                             f"--limit-bytes={limit_bytes}")
        params: dict[str, Any] = {"container": container, "timestamps": "true", "tailLines": tail, "limitBytes": limit_bytes}
        if previous:
            argv.append("--previous")
            params["previous"] = "true"
        if since_seconds is not None:
            argv.append(f"--since={since_seconds}s")
            params["sinceSeconds"] = since_seconds
        self.ledger.vet(SOURCE, argv)
        return self._get(f"/api/v1/namespaces/{namespace}/pods/{pod}/log", params, limit_bytes + 4096)

    def _get_json(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        data = self._get(path, params, self.max_bytes)
        try:
            body = json.loads(data)
        except ValueError as exc:
            raise CollectError(f"GET {path}: not JSON ({exc})") from exc
        if not isinstance(body, dict):
            raise CollectError(f"GET {path}: not a list object")
        return body

    def _get(self, path: str, params: dict[str, Any], cap: int) -> bytes:
        self.ledger.count(SOURCE)
        try:
            with self._client.stream("GET", path, params=params) as response:
                if response.status_code >= 400:
                    response.read()
                    raise ApiStatusError(response.status_code, f"GET {path}: {_status_message(response)}")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > cap:
                        raise CollectError(f"GET {path}: response over the cap of {cap:,} bytes")
                return b"".join(chunks)
        except httpx.TimeoutException as exc:
            raise CollectError(f"GET {path}: timed out") from exc
        except httpx.HTTPError as exc:
            raise CollectError(f"GET {path}: {type(exc).__name__}: {exc}") from exc


def _typed(item: dict[str, Any], res: Resource) -> dict[str, Any]:
    """List items come without kind/apiVersion; kubectl adds them, and so do we (readers and
    people both tell objects apart by them). They go first, where kubectl prints them."""
    return {"apiVersion": res.api_version, "kind": res.kind, **{k: v for k, v in item.items() if k not in ("apiVersion", "kind")}}


def _status_message(response: httpx.Response) -> str:
    """`403 Forbidden: pods is forbidden: User ... cannot list ...` from a Status object."""
    try:
        status = json.loads(response.content)
    except ValueError:
        status = None
    if isinstance(status, dict) and status.get("kind") == "Status":
        reason = status.get("reason") or response.reason_phrase
        return f"{response.status_code} {reason}: {str(status.get('message') or '').splitlines()[0][:300] if status.get('message') else ''}".rstrip(": ")
    return f"HTTP {response.status_code} {response.reason_phrase}"
