"""The tables, as SQLAlchemy 2 typed declarative models. Private to the store: `Store` turns
rows into `store.records` types. The schema itself is owned by the migrations; a test checks
that these models and the migrated database agree."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on SQLite too (which keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps timezone-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[str]: JSON}


class Counter(Base):
    """Named counters; `incident` allocates the numbers of incident refs."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class Incident(Base):
    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    severity: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime | None] = mapped_column(index=True)
    detected_at: Mapped[datetime | None]
    mitigated_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    namespaces: Mapped[list[str]]
    services: Mapped[list[str]]
    entities: Mapped[list[str]]
    category: Mapped[str | None] = mapped_column(String(64))
    human_category: Mapped[str | None] = mapped_column(String(64))
    human_culprit: Mapped[str | None] = mapped_column(Text)
    human_summary: Mapped[str | None] = mapped_column(Text)
    signature: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ReportVersion(Base):
    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("incident_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    version: Mapped[int]
    created_at: Mapped[datetime]
    report_json: Mapped[str | None] = mapped_column(Text)
    manifest_json: Mapped[dict[str, Any]]
    inputs_blob: Mapped[str | None] = mapped_column(Text)


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)


class Feedback(Base):
    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    report_version_id: Mapped[int] = mapped_column(
        ForeignKey("report_versions.id", ondelete="CASCADE")
    )
    hypothesis: Mapped[str | None] = mapped_column(String(128))
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class StatusChangeRow(Base):
    __tablename__ = "status_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    by: Mapped[str | None] = mapped_column(String(128))


class LLMCall(Base):
    __tablename__ = "llm_calls"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL")
    )
    report_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_versions.id", ondelete="SET NULL")
    )
    provider: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(128))
    prompt_name: Mapped[str | None] = mapped_column(String(128))
    prompt_version: Mapped[str | None] = mapped_column(String(64))
    prompt_hash: Mapped[str | None] = mapped_column(String(128))
    tokens_in: Mapped[int | None]
    tokens_out: Mapped[int | None]
    latency_ms: Mapped[float | None]
    cost: Mapped[float | None]
    outcome: Mapped[str] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)
    # 0004
    task: Mapped[str | None] = mapped_column(String(32))
    first_token_ms: Mapped[float | None]
    compute_ms: Mapped[float | None]
    decode_ms: Mapped[float | None]


class EvalRun(Base):
    """One `opslens eval --save` run of one model and prompt version (0004)."""

    __tablename__ = "eval_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    dataset: Mapped[str] = mapped_column(String(256))
    provider: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(128))
    prompt_version: Mapped[str] = mapped_column(String(64))
    pass_rate: Mapped[float]
    totals: Mapped[dict[str, Any]]
    cases: Mapped[list[Any]] = mapped_column(JSON)


class ModelDigest(Base):
    """A model digest seen on a provider (0004)."""

    __tablename__ = "model_digests"
    __table_args__ = (UniqueConstraint("provider", "model", "digest"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(128))
    digest: Mapped[str] = mapped_column(String(128))
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]


class AlertReceived(Base):
    __tablename__ = "alerts_received"
    __table_args__ = (Index("ux_alerts_received_dedupe_key", "dedupe_key", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    payload_json: Mapped[dict[str, Any]]
    received_at: Mapped[datetime]
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )
    # 0003: Alertmanager's groupKey, and the sha256 a repeated delivery is recognised by.
    group_key: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(64))


class Job(Base):
    """A background triage of an incident (0003); see `store.jobs`."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    # None for an upload job until its report becomes an incident.
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    # What the job needs besides its incident (an upload's spool directory and options).
    params: Mapped[dict[str, Any] | None]
    # Only a worker on this host may run it (its inputs are on this host's disk); None: any.
    affinity: Mapped[str | None] = mapped_column(String(128))


# Export/import order: parents before children.
TABLES: tuple[type[Base], ...] = (
    Counter,
    Incident,
    ReportVersion,
    Note,
    Feedback,
    StatusChangeRow,
    LLMCall,
    AlertReceived,
    Job,
    EvalRun,
    ModelDigest,
)
