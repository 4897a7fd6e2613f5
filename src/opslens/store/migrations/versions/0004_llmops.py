"""LLMOps: what a model call measured beyond tokens and latency, evaluation runs, and the
model digests seen (a silently swapped model explains a drop in pass rate).

- `llm_calls.task`, `first_token_ms`, `compute_ms` (Ollama's total_duration), `decode_ms`
  (its eval_duration: tokens/s free of load and prompt time);
- `eval_runs`: one `opslens eval --save` run per model and prompt version: totals and the
  scored cases as JSON;
- `model_digests`: each (provider, model, digest) with when it was first and last seen.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("llm_calls") as batch:
        batch.add_column(sa.Column("task", sa.String(32)))
        batch.add_column(sa.Column("first_token_ms", sa.Float))
        batch.add_column(sa.Column("compute_ms", sa.Float))
        batch.add_column(sa.Column("decode_ms", sa.Float))
    op.create_index("ix_llm_calls_created_at", "llm_calls", ["created_at"])
    op.create_table(
        "eval_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("dataset", sa.String(256), nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("prompt_version", sa.String(64), nullable=False),
        sa.Column("pass_rate", sa.Float, nullable=False),
        sa.Column("totals", sa.JSON, nullable=False),
        sa.Column("cases", sa.JSON, nullable=False),
    )
    op.create_index("ix_eval_runs_created_at", "eval_runs", ["created_at"])
    op.create_table(
        "model_digests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("digest", sa.String(128), nullable=False),
        sa.Column("first_seen", _TS, nullable=False),
        sa.Column("last_seen", _TS, nullable=False),
        sa.UniqueConstraint("provider", "model", "digest"),
    )


def downgrade() -> None:
    op.drop_table("model_digests")
    op.drop_index("ix_eval_runs_created_at", table_name="eval_runs")
    op.drop_table("eval_runs")
    op.drop_index("ix_llm_calls_created_at", table_name="llm_calls")
    with op.batch_alter_table("llm_calls") as batch:
        batch.drop_column("decode_ms")
        batch.drop_column("compute_ms")
        batch.drop_column("first_token_ms")
        batch.drop_column("task")
