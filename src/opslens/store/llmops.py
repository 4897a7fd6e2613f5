"""What LLMOps reads and writes in the store: call statistics over a period, tokens spent
today (budgets), feedback scores, evaluation runs, and model digests seen.

Through the store's own sessions and models, like `store.listing`; callers (the `llmops`
package, the web UI) hold no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select

from opslens.store.models import EvalRun, Feedback, LLMCall, ModelDigest, utcnow

if TYPE_CHECKING:
    from opslens.store import Store

__all__ = [
    "CallStats",
    "DigestSeen",
    "EvalRunRow",
    "call_stats",
    "digest_history",
    "eval_run",
    "eval_runs",
    "feedback_scores",
    "latest_pass_rates",
    "note_digest",
    "save_eval_run",
    "tokens_since",
]


@dataclass(frozen=True)
class CallStats:
    """One provider, model and prompt version over a period."""

    provider: str
    model: str
    prompt_version: str | None
    calls: int
    errors: int
    tokens_in: int
    tokens_out: int
    latency_s_mean: float | None
    first_token_s_mean: float | None
    cost_usd: float
    compute_s: float

    @property
    def error_rate(self) -> float:
        return self.errors / self.calls if self.calls else 0.0


def call_stats(store: Store, since: datetime | None = None) -> list[CallStats]:
    """Per provider, model and prompt version: calls, errors, tokens, latency, cost."""
    query = select(
        LLMCall.provider, LLMCall.model, LLMCall.prompt_version, func.count(),
        func.sum(case((LLMCall.outcome == "ok", 0), else_=1)),
        func.coalesce(func.sum(LLMCall.tokens_in), 0), func.coalesce(func.sum(LLMCall.tokens_out), 0),
        func.avg(LLMCall.latency_ms), func.avg(LLMCall.first_token_ms),
        func.coalesce(func.sum(LLMCall.cost), 0.0), func.coalesce(func.sum(LLMCall.compute_ms), 0.0),
    ).group_by(LLMCall.provider, LLMCall.model, LLMCall.prompt_version)
    if since is not None:
        query = query.where(LLMCall.created_at >= since)
    with store._read() as session:
        rows = session.execute(query.order_by(LLMCall.provider, LLMCall.model)).all()
    return [
        CallStats(p, m, v, int(n), int(e or 0), int(ti), int(to), _s(lat), _s(ttft),
                  float(cost), float(comp) / 1000)
        for p, m, v, n, e, ti, to, lat, ttft, cost, comp in rows
    ]


def _s(ms: Any) -> float | None:
    return None if ms is None else float(ms) / 1000


def tokens_since(store: Store, since: datetime) -> int:
    """Tokens in and out of every call since `since` (the daily budget)."""
    query = select(
        func.coalesce(func.sum(LLMCall.tokens_in), 0) + func.coalesce(func.sum(LLMCall.tokens_out), 0)
    ).where(LLMCall.created_at >= since)
    with store._read() as session:
        return int(session.scalar(query) or 0)


def feedback_scores(store: Store) -> list[int]:
    """Every feedback score given."""
    with store._read() as session:
        return [int(s) for s in session.scalars(select(Feedback.score))]


@dataclass(frozen=True)
class EvalRunRow:
    id: int
    created_at: datetime
    dataset: str
    provider: str
    model: str
    prompt_version: str
    pass_rate: float
    totals: dict[str, Any]
    cases: list[dict[str, Any]]


def save_eval_run(
    store: Store, *, dataset: str, provider: str, model: str, prompt_version: str,
    pass_rate: float, totals: dict[str, Any], cases: list[dict[str, Any]],
) -> int:
    """Store one evaluation run; returns its id (what `opslens eval compare` takes)."""
    with store._write() as session:
        row = EvalRun(created_at=utcnow(), dataset=dataset, provider=provider, model=model,
                      prompt_version=prompt_version, pass_rate=pass_rate, totals=totals,
                      cases=cases)
        session.add(row)
        session.flush()
        return row.id


def eval_runs(store: Store, limit: int = 50) -> list[EvalRunRow]:
    """The latest runs, newest first."""
    with store._read() as session:
        rows = session.scalars(
            select(EvalRun).order_by(EvalRun.created_at.desc(), EvalRun.id.desc()).limit(limit)
        ).all()
        return [_run(r) for r in rows]


def eval_run(store: Store, run_id: int) -> EvalRunRow | None:
    with store._read() as session:
        row = session.get(EvalRun, run_id)
        return _run(row) if row is not None else None


def latest_pass_rates(store: Store) -> list[tuple[str, str, str, float]]:
    """(dataset, model, prompt_version, pass rate) of the latest run of each combination."""
    latest = (
        select(func.max(EvalRun.id))
        .group_by(EvalRun.dataset, EvalRun.model, EvalRun.prompt_version)
    )
    with store._read() as session:
        rows = session.execute(
            select(EvalRun.dataset, EvalRun.model, EvalRun.prompt_version, EvalRun.pass_rate)
            .where(EvalRun.id.in_(latest)).order_by(EvalRun.dataset, EvalRun.model)
        ).all()
    return [(d, m, v, float(r)) for d, m, v, r in rows]


def _run(row: EvalRun) -> EvalRunRow:
    return EvalRunRow(row.id, row.created_at, row.dataset, row.provider, row.model,
                      row.prompt_version, row.pass_rate, dict(row.totals), list(row.cases))


@dataclass(frozen=True)
class DigestSeen:
    provider: str
    model: str
    digest: str
    first_seen: datetime
    last_seen: datetime


def note_digest(store: Store, provider: str, model: str, digest: str) -> bool:
    """Record that `model` has `digest` now; True when an earlier, different digest was seen
    (the model was swapped under its name)."""
    now = utcnow()
    with store._write() as session:
        rows = session.scalars(
            select(ModelDigest).where(ModelDigest.provider == provider, ModelDigest.model == model)
        ).all()
        same = [r for r in rows if r.digest == digest]
        if same:
            same[0].last_seen = now
            return False
        session.add(ModelDigest(provider=provider, model=model, digest=digest,
                                first_seen=now, last_seen=now))
        return bool(rows)


def digest_history(store: Store, since: datetime | None = None) -> list[DigestSeen]:
    """Models seen with more than one digest (first seen since `since`), oldest first."""
    with store._read() as session:
        swapped = (
            select(ModelDigest.provider, ModelDigest.model)
            .group_by(ModelDigest.provider, ModelDigest.model).having(func.count() > 1)
        ).subquery()
        query = select(ModelDigest).join(
            swapped, (swapped.c.provider == ModelDigest.provider) & (swapped.c.model == ModelDigest.model)
        )
        rows = session.scalars(query.order_by(ModelDigest.first_seen, ModelDigest.id)).all()
        seen = [DigestSeen(r.provider, r.model, r.digest, r.first_seen, r.last_seen) for r in rows]
    if since is None:
        return seen
    recent = {(d.provider, d.model) for d in seen if d.first_seen >= since and
              any(o.model == d.model and o.first_seen < d.first_seen for o in seen)}
    return [d for d in seen if (d.provider, d.model) in recent]


def decode_speeds(store: Store, recent: int = 20) -> dict[tuple[str, str], float]:
    """Tokens/s per (provider, model) over its `recent` latest calls that report decode time
    (Ollama's eval_count over eval_duration)."""
    speeds: dict[tuple[str, str], float] = {}
    with store._read() as session:
        rows = session.execute(
            select(LLMCall.provider, LLMCall.model, LLMCall.tokens_out, LLMCall.decode_ms)
            .where(LLMCall.decode_ms > 0, LLMCall.tokens_out > 0)
            .order_by(LLMCall.created_at.desc(), LLMCall.id.desc()).limit(recent * 20)
        ).all()
    sums: dict[tuple[str, str], list[float]] = {}
    for provider, model, tokens, ms in rows:
        acc = sums.setdefault((provider, model), [0.0, 0.0, 0])
        if acc[2] < recent:
            acc[0] += tokens
            acc[1] += ms / 1000
            acc[2] += 1
    for key, (tokens, seconds, _) in sums.items():
        speeds[key] = tokens / seconds
    return speeds


def kept_inputs(store: Store, ref: str) -> dict[str, str] | None:
    """The (redacted) input texts kept with the latest version that kept any; None if none."""
    import orjson

    from opslens.store.lookup import find_incident
    from opslens.store.models import ReportVersion

    with store._read() as session:
        incident = find_incident(session, ref)
        blob = session.scalar(
            select(ReportVersion.inputs_blob)
            .where(ReportVersion.incident_id == incident.id, ReportVersion.inputs_blob.is_not(None))
            .order_by(ReportVersion.version.desc()).limit(1)
        )
    return dict(orjson.loads(blob)) if blob else None


@dataclass(frozen=True)
class FeedbackCandidate:
    """Feedback that says a hypothesis was wrong, with a comment: an evaluation case to be."""

    ref: str
    status: str
    score: int
    hypothesis: str
    comment: str
    human_category: str | None
    created_at: datetime


def feedback_candidates(store: Store, max_score: int = 2) -> list[FeedbackCandidate]:
    """Feedback with a comment on a hypothesis scored `max_score` or lower, newest first."""
    from opslens.store.models import Incident

    query = (
        select(Incident.ref, Incident.status, Feedback.score, Feedback.hypothesis, Feedback.comment,
               Incident.human_category, Feedback.created_at)
        .join(Incident, Incident.id == Feedback.incident_id)
        .where(Feedback.hypothesis.is_not(None), Feedback.comment.is_not(None),
               Feedback.comment != "", Feedback.score <= max_score)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
    )
    with store._read() as session:
        return [FeedbackCandidate(*row) for row in session.execute(query)]
