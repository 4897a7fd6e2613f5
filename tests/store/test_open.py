"""Which database `open_store` opens: argument > OPSLENS_DATABASE_URL > config > default file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opslens import config
from opslens.store import StoreError, open_store, resolve_url


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
