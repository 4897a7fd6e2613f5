"""Initial schema: incidents, report versions, notes, feedback, status changes, LLM calls,
alerts received, and the counter that allocates incident refs.

Hand-written (no autogenerate at run time). Times are DateTime(timezone=True): UTC, stored
without offset on SQLite (see models.UTCDateTime).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    counters = op.create_table(
        "counters",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
    )
    op.bulk_insert(counters, [{"name": "incident", "value": 0}])
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ref", sa.String(32), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(32)),
        sa.Column("started_at", _TS),
        sa.Column("detected_at", _TS),
        sa.Column("mitigated_at", _TS),
        sa.Column("resolved_at", _TS),
        sa.Column("namespaces", sa.JSON, nullable=False),
        sa.Column("services", sa.JSON, nullable=False),
        sa.Column("entities", sa.JSON, nullable=False),
        sa.Column("category", sa.String(64)),
        sa.Column("human_category", sa.String(64)),
        sa.Column("human_culprit", sa.Text),
        sa.Column("human_summary", sa.Text),
        sa.Column("signature", sa.JSON, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_table(
        "report_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer,
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("report_json", sa.Text),
        sa.Column("manifest_json", sa.JSON, nullable=False),
        sa.Column("inputs_blob", sa.Text),
        sa.UniqueConstraint("incident_id", "version"),
    )
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer,
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("author", sa.String(128)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("ix_notes_incident_id", "notes", ["incident_id"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer,
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "report_version_id",
            sa.Integer,
            sa.ForeignKey("report_versions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("hypothesis", sa.String(128)),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_feedback_incident_id", "feedback", ["incident_id"])
    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer,
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("by", sa.String(128)),
    )
    op.create_index("ix_status_changes_incident_id", "status_changes", ["incident_id"])
    op.create_table(
        "llm_calls",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "incident_id", sa.Integer, sa.ForeignKey("incidents.id", ondelete="SET NULL")
        ),
        sa.Column(
            "report_version_id",
            sa.Integer,
            sa.ForeignKey("report_versions.id", ondelete="SET NULL"),
        ),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("prompt_name", sa.String(128)),
        sa.Column("prompt_version", sa.String(64)),
        sa.Column("prompt_hash", sa.String(128)),
        sa.Column("tokens_in", sa.Integer),
        sa.Column("tokens_out", sa.Integer),
        sa.Column("latency_ms", sa.Float),
        sa.Column("cost", sa.Float),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_table(
        "alerts_received",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("fingerprint", sa.String(128), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("starts_at", _TS),
        sa.Column("ends_at", _TS),
        sa.Column("payload_json", sa.JSON, nullable=False),
        sa.Column("received_at", _TS, nullable=False),
        sa.Column(
            "incident_id", sa.Integer, sa.ForeignKey("incidents.id", ondelete="SET NULL")
        ),
    )
    op.create_index("ix_alerts_received_fingerprint", "alerts_received", ["fingerprint"])


def downgrade() -> None:
    for table in (
        "alerts_received",
        "llm_calls",
        "status_changes",
        "feedback",
        "notes",
        "report_versions",
        "incidents",
        "counters",
    ):
        op.drop_table(table)
