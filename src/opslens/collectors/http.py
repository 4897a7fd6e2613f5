"""GET requests with a timeout, a byte cap and the guard's vetting, for every HTTP source.

Each request is first expressed as the `curl` command that would make it (without any
credential) and vetted by the ledger; only then is it sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

import httpx

from opslens.collectors._tls import TlsOptions, ssl_context
from opslens.collectors.errors import CollectError
from opslens.collectors.ledger import Ledger
from opslens.collectors.settings import HttpSource


class HttpStatusError(CollectError):
    """The API answered with an error status (the query was refused, not the connection)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


@dataclass(frozen=True)
class Fetched:
    data: bytes
    truncated: bool  # the body went past the cap and was cut there


class HttpApi:
    """One HTTP API (a base URL with its auth) used by one source."""

    def __init__(
        self,
        source: str,
        base_url: str,
        ledger: Ledger,
        *,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        tls: TlsOptions = TlsOptions(),
        timeout: float = 10.0,
        max_bytes: int = 16 * 1024 * 1024,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.source = source
        base_url, auth = _userinfo_to_auth(base_url, auth)
        self.base_url = base_url.rstrip("/")
        self.ledger = ledger
        self.max_bytes = max_bytes
        verify = ssl_context(tls) if self.base_url.startswith("https:") else True
        self._client = httpx.Client(
            headers=headers or {}, auth=auth, verify=verify, timeout=timeout, transport=transport,
            follow_redirects=False,
        )

    @classmethod
    def from_settings(cls, source: str, conf: HttpSource, ledger: Ledger, transport: Any = None) -> HttpApi:
        if not conf.url:
            raise CollectError(f"{source}: no URL configured")
        token, password = conf.bearer_token(), conf.password()
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        auth = (conf.username, password or "") if conf.username else None
        tls = TlsOptions(ca_file=conf.ca_file, cert_file=conf.client_cert, key_file=conf.client_key,
                         insecure=conf.insecure_skip_verify)
        return cls(source, conf.url, ledger, headers=headers, auth=auth, tls=tls, timeout=conf.timeout,
                   max_bytes=conf.max_bytes, transport=transport)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        return self.base_url + path

    def curl_argv(self, path: str, params: dict[str, Any] | None) -> list[str]:
        """The read-only command equivalent to GET path?params (no credentials in it)."""
        argv = ["curl", "-sS", "--get", self.url(path)]
        for key, value in (params or {}).items():
            argv += ["--data-urlencode", f"{key}={value}"]
        return argv

    def get(self, path: str, params: dict[str, Any] | None = None, max_bytes: int | None = None) -> Fetched:
        """GET the body (cut at `max_bytes`); CollectError for any failure, in one line."""
        self.ledger.vet(self.source, self.curl_argv(path, params))
        cap = max_bytes or self.max_bytes
        target = self.url(path) + (f"?{urlencode(params)}" if params else "")
        self.ledger.count(self.source)
        try:
            with self._client.stream("GET", target) as response:
                if response.status_code >= 400:
                    response.read()
                    raise HttpStatusError(response.status_code, f"GET {self.url(path)}: HTTP {response.status_code}{_reason(response.content)}")
                return _capped(response, cap)
        except httpx.TimeoutException as exc:
            raise CollectError(f"GET {self.url(path)}: timed out ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise CollectError(f"GET {self.url(path)}: {type(exc).__name__}: {exc}") from exc

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> tuple[bytes, Any]:
        """GET a JSON body whole: a body over the cap cannot be parsed, so it is an error."""
        fetched = self.get(path, params)
        if fetched.truncated:
            raise CollectError(f"GET {self.url(path)}: response over the cap of {self.max_bytes:,} bytes")
        try:
            return fetched.data, json.loads(fetched.data)
        except ValueError as exc:
            raise CollectError(f"GET {self.url(path)}: not JSON ({exc})") from exc


def _userinfo_to_auth(url: str, auth: tuple[str, str] | None) -> tuple[str, tuple[str, str] | None]:
    """`https://user:pass@host` -> (`https://host`, basic auth): the URL is shown in the
    manifest, errors and progress, the credentials never."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, auth
    host = parts.hostname or ""
    netloc = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return clean, auth or (unquote(parts.username), unquote(parts.password or ""))


def _capped(response: httpx.Response, cap: int) -> Fetched:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            return Fetched(b"".join(chunks)[:cap], True)
    return Fetched(b"".join(chunks), False)


def _reason(body: bytes) -> str:
    """The server's one-line reason from a JSON error body (Prometheus, Kubernetes Status)."""
    try:
        value = json.loads(body[:65536])
    except ValueError:
        text = body[:200].decode("utf-8", "replace").strip().splitlines()
        return f": {text[0]}" if text else ""
    if isinstance(value, dict):
        for key in ("message", "error", "reason"):
            if isinstance(value.get(key), str) and value[key]:
                return ": " + value[key].splitlines()[0][:300]
    return ""
