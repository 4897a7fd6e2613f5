"""The incident store: every saved triage, note, feedback, model call and alert.

SQLite by default (`$XDG_DATA_HOME/opslens/opslens.db`), PostgreSQL (`postgresql+psycopg://`)
for a team. Schema changes are Alembic migrations shipped in `store/migrations`, applied on open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from opslens.store.records import (
    AlertRecord,
    FeedbackRecord,
    IncidentDetail,
    IncidentNotFound,
    IncidentStatus,
    IncidentSummary,
    InputFile,
    InputManifest,
    LLMCallRecord,
    NoteKind,
    NoteRecord,
    ReportVersionInfo,
    SavedReport,
    SimilarIncident,
    StatusChange,
    StoreError,
)

if TYPE_CHECKING:
    from opslens.store.repository import Store


def __getattr__(name: str) -> Any:
    # SQLAlchemy and Alembic load only when a store is used: a triage without --save (and the
    # worker processes it forks) never pays for them.
    if name == "Store":
        from opslens.store.repository import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AlertRecord",
    "FeedbackRecord",
    "IncidentDetail",
    "IncidentNotFound",
    "IncidentStatus",
    "IncidentSummary",
    "InputFile",
    "InputManifest",
    "LLMCallRecord",
    "NoteKind",
    "NoteRecord",
    "ReportVersionInfo",
    "SavedReport",
    "SimilarIncident",
    "StatusChange",
    "Store",
    "StoreError",
    "StoreSettings",
    "current_revision",
    "head_revision",
    "open_store",
    "resolve_url",
    "upgrade",
]


class StoreSettings(BaseModel):
    """The `[store]` table of the config file."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    author: str | None = None  # who notes and status changes are by; default `$USER`


def _settings() -> StoreSettings:
    from opslens.config import section

    return section("store", StoreSettings)


def resolve_url(url: str | None = None) -> str:
    """The database URL: `url` > `OPSLENS_DATABASE_URL` > config `[store] url` > the default
    SQLite file `$XDG_DATA_HOME/opslens/opslens.db`. Bare paths become `sqlite:///` URLs."""
    from opslens.store import engine

    chosen = url or engine.env_url() or _settings().url
    if not chosen:
        return f"sqlite:///{engine.default_sqlite_path()}"
    return engine.normalize_url(chosen)


def open_store(
    url: str | None = None, *, migrate: bool = True, wal_autocheckpoint: bool = True
) -> Store:
    """Open the store at `resolve_url(url)`, migrated to the newest schema unless `migrate`
    is False (then an out-of-date database is a StoreError asking for `opslens db upgrade`).
    `wal_autocheckpoint=False`: another process checkpoints (`Store.checkpoint`; see
    `engine.connect_engine`). Raises StoreError with a one-line reason on a bad URL or an
    unreachable database."""
    from opslens.store import engine
    from opslens.store.repository import Store

    db = engine.connect_engine(resolve_url(url), wal_autocheckpoint=wal_autocheckpoint)
    try:
        if migrate:
            engine.migrate(db)
        else:
            current = engine.current_revision(db)
            engine.check_known(current)
            if current != engine.head_revision():
                raise StoreError("the database schema is not current: run `opslens db upgrade`")
    except BaseException:
        db.dispose()
        raise
    return Store(db, author=_settings().author)


def upgrade(url: str | None = None, revision: str = "head") -> str | None:
    """`opslens db upgrade`: apply pending migrations; returns the revision now applied."""
    from opslens.store import engine

    db = engine.connect_engine(resolve_url(url))
    try:
        return engine.migrate(db, revision)
    finally:
        db.dispose()


def current_revision(url: str | None = None) -> str | None:
    """`opslens db current`: the applied revision, None for an empty database."""
    from opslens.store import engine

    db = engine.connect_engine(resolve_url(url))
    try:
        return engine.current_revision(db)
    finally:
        db.dispose()


def head_revision() -> str:
    """The newest migration this opslens ships."""
    from opslens.store import engine

    return engine.head_revision()
