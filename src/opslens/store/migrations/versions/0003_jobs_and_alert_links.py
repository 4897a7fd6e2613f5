"""`opslens serve`: background triage jobs, and what links received alerts to incidents.

- `jobs`: one row per queued triage of an incident (or of an upload, whose incident exists only
  once it ran); claimed with row locks (`FOR UPDATE SKIP LOCKED` on PostgreSQL, `BEGIN
  IMMEDIATE` on SQLite), so replicas never run one job twice. `params` holds what a job needs
  besides its incident; `affinity` pins a job to the host whose disk holds its inputs.
- `alerts_received.group_key`: Alertmanager's groupKey, the first correlation rule.
- `alerts_received.dedupe_key`: sha256 of (groupKey, fingerprint, startsAt, status), UNIQUE, so
  a repeated webhook delivery is stored once even when two replicas receive it. NULL (rows from
  before 0003, alerts stored by other means) never conflicts.
(`alerts_received.incident_id` exists since 0001.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer,
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("started_at", _TS),
        sa.Column("finished_at", _TS),
        sa.Column("claimed_by", sa.String(128)),
        sa.Column("params", sa.JSON),
        sa.Column("affinity", sa.String(128)),
    )
    op.create_index("ix_jobs_status", "jobs", ["status"])
    op.create_index("ix_jobs_incident_id", "jobs", ["incident_id"])
    with op.batch_alter_table("alerts_received") as batch:
        batch.add_column(sa.Column("group_key", sa.Text))
        batch.add_column(sa.Column("dedupe_key", sa.String(64)))
    op.create_index(
        "ux_alerts_received_dedupe_key", "alerts_received", ["dedupe_key"], unique=True
    )
    op.create_index("ix_alerts_received_incident_id", "alerts_received", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_alerts_received_incident_id", table_name="alerts_received")
    op.drop_index("ux_alerts_received_dedupe_key", table_name="alerts_received")
    with op.batch_alter_table("alerts_received") as batch:
        batch.drop_column("dedupe_key")
        batch.drop_column("group_key")
    op.drop_index("ix_jobs_incident_id", table_name="jobs")
    op.drop_index("ix_jobs_status", table_name="jobs")
    op.drop_table("jobs")
