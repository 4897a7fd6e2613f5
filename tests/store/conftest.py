"""Store fixtures: every store test runs on SQLite and on a real PostgreSQL (`store_url`
and `postgres` live in tests/conftest.py, shared with the server tests).

The PostgreSQL server is one per session (tests/store/pg_server.py); each test gets a fresh
database on it. Without the binaries the PostgreSQL cases skip with the reason, unless
`OPSLENS_REQUIRE_POSTGRES=1` (set by .ci/run), where nothing may skip.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from opslens.store import Store, open_store


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
