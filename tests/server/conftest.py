"""Server fixtures: the real app under a real uvicorn on 127.0.0.1 and a free port, driven
over HTTP with httpx. SQLite by default; no mocks of our own code.

`serve(settings=..., store=...)` starts a server in a thread (on a socket bound to port 0, so
no port race) and returns its base URL; every server started is stopped after the test.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from server_helpers import AM_TOKEN, TOKEN, alertmanager_payload, closed_port  # noqa: F401

from opslens.server import ServerSettings, create_app
from opslens.store import Store, open_store


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's config, database URL and tokens never leak into a test."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("OPSLENS_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    for name in ("OPSLENS_DATABASE_URL", "OPSLENS_API_TOKEN", "OPSLENS_API_TOKENS",
                 "OPSLENS_ALERTMANAGER_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    from opslens import config

    config.load.cache_clear()


@pytest.fixture
def settings() -> ServerSettings:
    """Two named API tokens and an Alertmanager token; no worker."""
    return ServerSettings(
        tokens={"ops": TOKEN, "ci": "another-token"}, alertmanager_token=AM_TOKEN, worker=False
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path / 'opslens.db'}") as opened:
        yield opened


class _ThreadServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test runner owns the signals
        pass


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    """Start `create_app(settings, store, **kw)` under uvicorn; returns the base URL."""
    running: list[tuple[_ThreadServer, threading.Thread]] = []

    def start(settings: ServerSettings, store: Store, **kwargs: Any) -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(settings, store, **kwargs), log_level="warning", lifespan="on"
        )
        server = _ThreadServer(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        running.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in running:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def base_url(serve: Callable[..., str], settings: ServerSettings, store: Store) -> str:
    """A running server on a fresh SQLite store."""
    return serve(settings, store)


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    """An httpx client for the running server, with the `ops` token."""
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    ) as http:
        yield http


