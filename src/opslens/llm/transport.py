"""HTTP plumbing shared by the providers: timeouts, bounded retries, line streaming.

Retries happen only before any of a response body is consumed (connection refused, 5xx,
429), never after output started, and never on other 4xx. The blocking read timeout is the
first-token timeout, so a stalled stream cannot hang longer than that; the first-token and
total deadlines are checked between chunks by `providers.base.guarded`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from opslens.llm.errors import FailureKind, LLMError, from_status, from_transport
from opslens.llm.retry import parse_retry_after, retrying
from opslens.llm.settings import RetryPolicy, Timeouts


@dataclass(frozen=True)
class Endpoint:
    """A server to talk to: provider name (for messages), base URL, extra headers."""

    provider: str
    base_url: str
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def display(self) -> str:
        """The base URL without scheme, as users type it (`127.0.0.1:11434`)."""
        return self.base_url.split("://", 1)[-1]


def is_local_url(url: str) -> bool:
    """Whether a base URL points at this machine."""
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


class Http:
    """A small synchronous client bound to one endpoint, with opslens' error mapping.

    `transport` is the one injection point for tests that cannot use a real server.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        timeouts: Timeouts,
        retry: RetryPolicy,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint = endpoint
        self.timeouts = timeouts
        self.retry = retry
        self._sleep = sleep
        self._client = httpx.Client(
            base_url=endpoint.base_url.rstrip("/") + "/",
            headers=dict(endpoint.headers),
            transport=transport,
            # A local model's traffic never goes through an HTTP proxy (NO_PROXY rarely lists
            # every loopback form); hosted APIs honour the usual proxy and CA variables.
            trust_env=not is_local_url(endpoint.base_url),
        )

    def close(self) -> None:
        """Release pooled connections."""
        self._client.close()

    def get_json(self, path: str, *, timeout: float | None = None, model: str | None = None) -> Any:
        """GET a JSON document (short metadata calls: tags, ps, models, version)."""
        return self._json("GET", path, None, timeout, model)

    def post_json(
        self, path: str, body: dict, *, timeout: float | None = None, model: str | None = None
    ) -> Any:
        """POST and read one JSON document (non-streaming metadata calls such as /api/show)."""
        return self._json("POST", path, body, timeout, model)

    def stream_lines(self, path: str, body: dict, *, model: str | None) -> Iterator[str]:
        """POST `body` and yield the response body line by line (NDJSON or SSE)."""
        c = self.timeouts.connect
        timeout = httpx.Timeout(connect=c, read=self.timeouts.first_token, write=c, pool=c)
        response = self._open("POST", path, body, model, timeout)
        try:
            yield from response.iter_lines()
        except httpx.TransportError as exc:
            raise self._transport_error(exc) from exc
        finally:
            response.close()

    def _json(
        self, method: str, path: str, body: dict | None, timeout: float | None, model: str | None
    ) -> Any:
        limit = timeout or self.timeouts.connect
        response = self._open(method, path, body, model, httpx.Timeout(limit))
        try:
            data = response.read()
        except httpx.TransportError as exc:
            raise self._transport_error(exc) from exc
        finally:
            response.close()
        try:
            return json.loads(data)
        except ValueError as exc:
            where = f"{self.endpoint.provider} at {self.endpoint.display}/{path.lstrip('/')}"
            raise LLMError(FailureKind.PROTOCOL, f"{where} did not answer JSON") from exc

    def _open(
        self, method: str, path: str, body: dict | None, model: str | None, timeout: httpx.Timeout
    ) -> httpx.Response:
        def attempt() -> httpx.Response:
            request = self._client.build_request(method, path, json=body, timeout=timeout)
            try:
                response = self._client.send(request, stream=True)
            except httpx.TransportError as exc:
                raise self._transport_error(exc) from exc
            if not response.is_success:
                raise self._status_error(response, model)
            return response

        return retrying(self.retry, self._sleep, attempt)

    def _transport_error(self, exc: httpx.TransportError) -> LLMError:
        return from_transport(exc, provider=self.endpoint.provider, endpoint=self.endpoint.display)

    def _status_error(self, response: httpx.Response, model: str | None) -> LLMError:
        try:
            body = response.read()
        except httpx.TransportError:
            body = b""
        finally:
            response.close()
        return from_status(
            response.status_code,
            body,
            provider=self.endpoint.provider,
            endpoint=self.endpoint.display,
            model=model,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )
