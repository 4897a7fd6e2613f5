"""Which database `open_store` opens: argument > OPSLENS_DATABASE_URL > config > default file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opslens import config
from opslens.store import Store, StoreError, open_store, resolve_url


def test_default_is_a_sqlite_file_under_xdg_data_home() -> None:
    expected = Path(os.environ["XDG_DATA_HOME"]) / "opslens" / "opslens.db"
    assert resolve_url() == f"sqlite:///{expected}"
    open_store().close()
    assert expected.is_file()  # parent directory created


def test_precedence_argument_env_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Path(os.environ["OPSLENS_CONFIG"]).write_text(
        f'[store]\nurl = "sqlite:///{tmp_path}/config.db"\n'
    )
    config.load.cache_clear()
    assert resolve_url() == f"sqlite:///{tmp_path}/config.db"
    monkeypatch.setenv("OPSLENS_DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    assert resolve_url() == f"sqlite:///{tmp_path}/env.db"
    assert resolve_url(f"sqlite:///{tmp_path}/arg.db") == f"sqlite:///{tmp_path}/arg.db"


def test_bare_paths_and_postgres_scheme_are_normalized(tmp_path: Path) -> None:
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "unsupported database"),
        ("postgresql+psycopg2://u@h/db", "postgresql\\+psycopg"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/db", "cannot open database"),
    ],
)
def test_bad_urls_fail_with_one_line(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message) as caught:
        open_store(url)
    assert "\n" not in str(caught.value)


def test_sqlite_pragmas_are_set(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "p.db")) as store, store.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert (pragma("journal_mode"), pragma("foreign_keys"), pragma("busy_timeout")) == (
            "wal", 1, 5000
        )
        assert pragma("synchronous") == 1  # NORMAL


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg2://admin:hunter2@db.internal/opslens",
        "mysql://admin:hunter2@db.internal/opslens",
        "postgresql+psycopg://admin:hunter2@db.internal:notaport/opslens",
        "postgresql+psycopg://admin:hunter2@127.0.0.1:1/opslens",
    ],
)
def test_errors_never_show_the_database_password(url: str) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(url)
    assert "hunter2" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_safe_url_hides_the_password() -> None:
    from opslens.store.engine import safe_url

    assert safe_url("postgresql+psycopg://admin:hunter2@h/db") == "postgresql+psycopg://admin:***@h/db"
    assert "hunter2" not in safe_url("postgresql+psycopg://admin:hunter2@h:port/db")


def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 200)
    with pytest.raises(StoreError, match="cannot open database: file is not a database") as caught:
        open_store(str(path))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("migrate", [True, False])
def test_a_database_from_a_newer_opslens_asks_to_upgrade_opslens(
    store_url: str, migrate: bool
) -> None:
    from sqlalchemy import text

    with open_store(store_url) as store, store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError) as caught:
        open_store(store_url, migrate=migrate)
    assert str(caught.value) == (
        "the database schema (revision 9999) is newer than this opslens knows; upgrade opslens"
    )


def test_opening_a_current_database_takes_no_write_lock(tmp_path: Path) -> None:
    """Opening reads the revision; while another process holds the write lock, it still opens."""
    import sqlite3

    path = tmp_path / "locked.db"
    open_store(str(path)).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with open_store(str(path)) as store:
            assert store.list_incidents() == []
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_the_shipped_migrations_are_read_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    loads = []
    original = ScriptDirectory.from_config
    monkeypatch.setattr(
        ScriptDirectory, "from_config", lambda config: loads.append(1) or original(config)
    )
    open_store(str(tmp_path / "once.db")).close()  # migrates: alembic reads them itself
    loads.clear()
    for _ in range(3):
        open_store(str(tmp_path / "once.db")).close()
    assert loads == []


def _fill(store: Store, pages: int) -> None:
    """Commit about `pages` 4 KiB pages of rows, a few per transaction (as the webhook does)."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS filler (x BLOB)")
    for _ in range(pages // 8):
        with store.engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO filler VALUES " + ", ".join(["(randomblob(4000))"] * 8))


def test_without_autocheckpoint_the_database_file_waits_for_a_checkpoint(tmp_path: Path) -> None:
    """The server's HTTP processes commit without checkpointing (the worker checkpoints for
    them): their writes stay in the WAL until `Store.checkpoint`; a default store copies
    them into the database file by itself once the WAL passes 1000 pages."""
    held, default = tmp_path / "held.db", tmp_path / "default.db"
    with open_store(str(held), wal_autocheckpoint=False) as store:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        before = held.stat().st_size
        _fill(store, 1200)
        assert held.stat().st_size == before  # all of it in the WAL, none in the file
        assert store.checkpoint() >= 1200
        assert held.stat().st_size > before + 1200 * 4000
    with open_store(str(default)) as store:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
        before = default.stat().st_size
        _fill(store, 1200)
        assert default.stat().st_size > before + 500 * 4000  # checkpointed while writing


def test_checkpoint_is_nothing_to_do_on_postgresql(store_url: str) -> None:
    """SQLite: the migrations just written sit in the WAL, and the checkpoint copies them."""
    with open_store(store_url) as store:
        copied = store.checkpoint()
    assert (copied == 0) == store_url.startswith("postgresql")
