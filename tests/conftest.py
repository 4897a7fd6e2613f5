"""Shared test fixtures: the shared corpora, and the databases the store and server tests
run on (SQLite, and one real PostgreSQL server per test session)."""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "store"))

import pg_server  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
#: The read-only corpora that sit beside the repository (CI has them too).
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """`../shared/data`, or skip the test cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


_db_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[pg_server.PostgresServer]:
    """The session's PostgreSQL server (started from the installed binaries)."""
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
