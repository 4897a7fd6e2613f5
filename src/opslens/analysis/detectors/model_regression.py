"""model-regression: a new model version or artifact degrades predictions or latency.

The cause is the ML-side change (a registry promotion, an InferenceService storageUri, a model
server loading another version, an LLM app activating another prompt) shortly before the model's
symptoms (prediction shift, KPI drop, serving latency, rejected inputs). Those symptoms would
otherwise read as a bad deploy, a dependency outage or drift: this candidate explains them.
"""

from __future__ import annotations

from opslens.analysis.detectors import _ml
from opslens.analysis.detectors._shared import MAX_CONFIDENCE, on, primary_strength
from opslens.analysis.detectors.base import Candidate, Context, Detector, combine, earliest, register, top_workload


@register
class ModelRegressionDetector(Detector):
    category = "model-regression"
    title = "A new model version degraded predictions or latency"

    def detect(self, ctx: Context) -> list[Candidate]:
        changes = _ml.ml_changes(ctx)
        if not changes:
            return []
        hits = _ml.symptoms(ctx)
        shifts = _ml.Shifts(ctx)
        abrupt = [d for d in shifts.significant() if not d.gradual]
        culprit = top_workload(hits) or next((d.entity for d in abrupt if d.entity is not None), None)
        mine = on(hits, culprit) if culprit is not None else hits
        onset = earliest(mine)
        if onset is None and abrupt:
            onset = self._shift_onset(ctx)
        suspects = _ml.before(changes, onset, culprit)
        if not suspects or (not mine and not abrupt):
            return []
        # What was decided (a registry or InferenceService record) names the change; the server's
        # load line dates it as well.
        change = min(suspects, key=_precedence)
        proximity = 0.5 + 0.5 * max(0.0, 1.0 - max(0.0, (onset or change.time) - change.time) / _ml.LOOKBACK)
        parts = [0.5 * proximity, primary_strength(mine)]
        evidence = [e for e in (c.evidence for c in suspects[:3]) if e]
        evidence += [e for e in ctx.cite_all(mine, limit=5) if e not in evidence]
        if abrupt:
            parts.append(0.35)
            evidence.append(_ml.cite_shift(ctx, abrupt[0]))
        if culprit is None:
            culprit = change.entity
        return [Candidate(
            category=self.category,
            score=min(combine(parts), MAX_CONFIDENCE),
            title=f"{self.title} ({_short(change.summary)})",
            entity=culprit,
            evidence=list(dict.fromkeys(evidence)),
            rationale="The model's outputs or latency changed right after the model it serves changed "
                      "(registry promotion, storageUri, model load); the pods stayed healthy.",
            onset=onset,
            change=change.finding,
            symptoms_of={"bad-deploy", "model-drift", "dependency-outage", "crash-bug", "resource-exhaustion-cpu", "config-error"},
        )]

    @staticmethod
    def _shift_onset(ctx: Context) -> float | None:
        return ctx.split


def _precedence(change: _ml.MLChange) -> tuple[int, float]:
    """Which suspect names the change: a registry version first (it carries the model and
    version the checks ask about), then an InferenceService update, then a load line; the
    latest first within each."""
    kind = change.finding.kind if change.finding is not None else ""
    return ({"model-version": 0, "inferenceservice": 1}.get(kind, 2), -change.time)


def _short(summary: str, limit: int = 90) -> str:
    """A summary cut at a clause boundary before `limit` characters."""
    if len(summary) <= limit:
        return summary
    cut = summary.rfind(", ", 0, limit)
    return summary[: cut if cut > 20 else limit] + "…"
