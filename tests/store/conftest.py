"""Store fixtures: every store test runs on SQLite and on a real PostgreSQL started here.

The PostgreSQL server is one per session (tests/store/pg_server.py); each test gets a fresh
database on it. Without the binaries the PostgreSQL cases skip with the reason, unless
`OPSLENS_REQUIRE_POSTGRES=1` (set by .ci/run), where nothing may skip.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pg_server
import pytest

from opslens.store import Store, open_store

_db_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[pg_server.PostgresServer]:
    """The session's PostgreSQL server."""
    try:
        server = pg_server.start()
    except FileNotFoundError as exc:
        if os.environ.get("OPSLENS_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required (OPSLENS_REQUIRE_POSTGRES=1): {exc}")
        pytest.skip(f"PostgreSQL binaries absent: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database: a temporary SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'opslens.db'}"
    server = request.getfixturevalue("postgres")
    return server.create_database(f"opslens_test_{os.getpid()}_{next(_db_numbers)}")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open store on `store_url`, migrated to head."""
    with open_store(store_url) as opened:
        yield opened


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's own config and OPSLENS_DATABASE_URL never leak into a test."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("OPSLENS_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.delenv("OPSLENS_DATABASE_URL", raising=False)
    from opslens import config

    config.load.cache_clear()
