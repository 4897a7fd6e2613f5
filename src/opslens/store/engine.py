"""Engines and migrations: SQLite with the pragmas a shared file needs, PostgreSQL via psycopg 3.

SQLite writes begin with `BEGIN IMMEDIATE` (see `write_options`): a deferred transaction that
reads and then writes fails at once with "database is locked" when another process wrote in
between, instead of waiting out the busy timeout. Migrations run inside one such write
transaction (an advisory lock on PostgreSQL), so two processes opening a fresh database at the
same moment apply them once.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util.exc import CommandError
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from opslens.store.records import StoreError

__all__ = [
    "NOWAIT",
    "WRITE",
    "check_known",
    "checkpoint",
    "connect_engine",
    "current_revision",
    "head_revision",
    "migrate",
    "normalize_url",
    "safe_url",
]

# Execution option that marks a connection whose transactions write (BEGIN IMMEDIATE on SQLite).
WRITE = {"opslens_write": True}
# ... and one whose write begins fail at once with "database is locked" instead of waiting in
# SQLite's busy handler (sleeps of up to 100 ms, whenever the lock frees): for a caller that
# waits its own way (`store_deliveries(..., nowait=True)`). No effect on PostgreSQL.
NOWAIT = {"opslens_write": True, "opslens_nowait": True}
_BUSY_TIMEOUT_MS = 5000
# WAL with synchronous=NORMAL: a commit is in the WAL file when COMMIT returns, so it
# survives the process being killed (SIGKILL, OOM: bench/webhook.py checks that every 2xx'd
# alert is there after one); only a power loss or OS crash can take the last commits, since
# the WAL is fsynced at checkpoints rather than at every commit.
_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)
# orjson for JSON columns: several times faster than json, and similar() decodes many signatures.
_JSON: dict[str, Any] = {
    "json_serializer": lambda value: orjson.dumps(value).decode(),
    "json_deserializer": orjson.loads,
}
# What alembic raises for a revision it cannot find (get_revision wraps it in CommandError).
_AlembicError = (CommandError, RevisionError)
# pg_advisory_xact_lock key: any constant; "opslens" in ASCII, so it reads back as ours.
_PG_MIGRATION_LOCK = 0x6F70736C656E73


def normalize_url(url: str) -> str:
    """A SQLAlchemy URL: bare paths become SQLite files, `postgres(ql)://` uses psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    scheme, rest = url.split("://", 1)
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return url


def safe_url(url: str) -> str:
    """`url` with any password hidden, for messages: errors are printed and logged, and a
    PostgreSQL URL often carries the password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        # Unparsable, so no password field to find: hide everything between :// and @.
        scheme, sep, rest = url.partition("://")
        return f"{scheme}{sep}***@{rest.rsplit('@', 1)[1]}" if sep and "@" in rest else url


def connect_engine(url: str, *, wal_autocheckpoint: bool = True) -> Engine:
    """An engine for `url` (already normalized); StoreError names a bad or unsupported URL.

    `wal_autocheckpoint=False` (SQLite): this engine's commits never checkpoint the WAL into
    the database file; another process must (`checkpoint`). The server's HTTP processes open
    it so when the triage worker runs beside them: an automatic checkpoint runs inside the
    commit that crosses 1000 WAL pages, copying and fsyncing the file while a webhook
    delivery waits for its 2xx (bench/webhook.py: replies of 200-350 ms every few seconds)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        # Not `exc` itself: SQLAlchemy's message repeats the URL, password and all.
        raise StoreError(
            f"bad database URL {safe_url(url)!r}: expected sqlite:///FILE or "
            "postgresql+psycopg://USER:PASSWORD@HOST/DB"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, parsed.database, wal_autocheckpoint)
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            raise StoreError(
                f"unsupported PostgreSQL driver in {safe_url(url)!r}: use postgresql+psycopg://"
            )
        return create_engine(url, pool_pre_ping=True, **_JSON)
    raise StoreError(
        f"unsupported database {backend!r} in {safe_url(url)!r}: use sqlite or postgresql"
    )


def _sqlite_engine(url: str, database: str | None, wal_autocheckpoint: bool) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 5.0}, **_JSON)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit at the driver level: SQLAlchemy's "begin" hook below emits BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
        if not wal_autocheckpoint:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if not options.get("opslens_write", False):
            conn.exec_driver_sql("BEGIN")
        elif options.get("opslens_nowait", False):
            # Fail at once when another process holds the write lock (`NOWAIT`).
            conn.exec_driver_sql("PRAGMA busy_timeout=0")
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            finally:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def checkpoint(engine: Engine) -> int:
    """Copy the SQLite WAL's committed pages into the database file without blocking readers
    or writers (PASSIVE); returns the pages copied. PostgreSQL: nothing to do, 0."""
    if engine.dialect.name != "sqlite":
        return 0
    with engine.connect() as conn:
        busy, _log, copied = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
    return max(int(copied), 0)


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "opslens.store:migrations")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    """The shipped migrations, read once per process (every open compares against them)."""
    return ScriptDirectory.from_config(_alembic_config())


def head_revision() -> str:
    """The newest migration shipped in the package."""
    head = _scripts().get_current_head()
    assert head is not None  # the package always ships at least 0001
    return head


def current_revision(engine: Engine) -> str | None:
    """The applied migration, None for an empty database."""
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except DBAPIError as exc:
        raise StoreError(f"cannot open database: {_first_line(exc)}") from exc


def check_known(revision: str | None) -> None:
    """StoreError when `revision` is not one this opslens ships: a newer opslens migrated
    the database, and this one must not write to (or downgrade) a schema it does not know."""
    if revision is None:
        return
    try:
        known = _scripts().get_revision(revision) is not None
    except _AlembicError:
        known = False
    if not known:
        raise StoreError(
            f"the database schema (revision {revision}) is newer than this opslens knows; "
            "upgrade opslens"
        )


def migrate(engine: Engine, revision: str = "head") -> str | None:
    """Upgrade to `revision` (once, even with concurrent openers); returns the applied one.

    The usual open finds the schema current: that check reads without the write lock, so
    opening a store never waits for (or blocks) another process's writes."""
    current = current_revision(engine)
    check_known(current)
    if revision == "head" and current == head_revision():
        return current
    try:
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            # Again under the lock: another process may have migrated since the check above.
            current = MigrationContext.configure(conn).get_current_revision()
            check_known(current)
            if revision == "head" and current == head_revision():
                return current
            command.upgrade(_alembic_config(conn), revision)
            return MigrationContext.configure(conn).get_current_revision()
    except DBAPIError as exc:
        raise StoreError(f"cannot open database: {_first_line(exc)}") from exc
    except _AlembicError as exc:  # e.g. `db upgrade` to a revision that does not exist
        raise StoreError(f"cannot migrate the database: {_first_line(exc)}") from exc


def _first_line(exc: Exception) -> str:
    message = str(getattr(exc, "orig", None) or exc)
    return message.strip().splitlines()[0] if message.strip() else type(exc).__name__


def default_sqlite_path() -> Path:
    """`$XDG_DATA_HOME/opslens/opslens.db`."""
    from opslens.paths import data_dir

    return data_dir() / "opslens.db"


def env_url() -> str | None:
    """`OPSLENS_DATABASE_URL` when set and not empty."""
    return os.environ.get("OPSLENS_DATABASE_URL") or None
