"""model-drift: the input or prediction distribution shifts gradually, with no change and no
pipeline failure.

Evidence is a significant shift (PSI above 0.25 and a KS p-value below 0.001, see
`analysis/drift.py`) of a prediction or input histogram that grew over the window rather than
jumping at one moment; without a histogram, a prediction gauge that trends (weaker). A dated ML change before it makes it a regression instead, stale
features make it a pipeline problem: both weigh against drift.
"""

from __future__ import annotations

from opslens.analysis.detectors import _ml
from opslens.analysis.detectors._shared import MAX_CONFIDENCE, on
from opslens.analysis.detectors.base import (
    Candidate,
    Context,
    Detector,
    combine,
    register,
    top_workload,
)


@register
class ModelDriftDetector(Detector):
    category = "model-drift"
    title = "The model's input or prediction distribution drifted"

    def detect(self, ctx: Context) -> list[Candidate]:
        shifts = _ml.Shifts(ctx).significant()
        # Without a histogram, a prediction gauge (a mean score, a positive rate) that moved and
        # stayed moved; one that trends (creeps) says drift more clearly.
        trend = [h for h in ctx.fresh("prediction_shift", "model_kpi_drop")
                 if h.anomaly is not None and h.anomaly.shape in ("trend", "level-shift")]
        if not shifts and not [h for h in trend if h.signal == "prediction_shift"]:
            return []
        best = max(shifts, key=lambda d: (d.gradual, d.shift.psi)) if shifts else None
        culprit = best.entity if best is not None else top_workload(trend)
        if best is not None:
            parts = [0.45, 0.3 if best.gradual else 0.0, min(0.3, best.shift.psi / 2)]
            evidence = [_ml.cite_shift(ctx, best)]
        else:
            creeping = any(h.anomaly is not None and h.anomaly.shape == "trend" for h in trend)
            parts, evidence = [0.3, 0.15 if creeping else 0.0], []
        trend = on(trend, culprit) or trend
        if trend:
            parts.append(0.15)
            evidence += [e for e in ctx.cite_all(trend, limit=2) if e not in evidence]
        score = combine(parts)
        onset = ctx.split
        if _ml.before(_ml.ml_changes(ctx), onset, culprit):
            score *= 0.5  # a model changed: a regression, not drift
        if ctx.fresh(*_ml.FEATURE_SIGNALS):
            score *= 0.5  # stale features: a pipeline problem
        if best is not None and not best.gradual:
            score *= 0.6
        return [Candidate(
            category=self.category,
            score=min(score, MAX_CONFIDENCE),
            title=self.title,
            entity=culprit,
            evidence=evidence,
            rationale="The distribution moved away from its baseline over hours, with no model change and "
                      "no feature pipeline failure: the world changed, not the system.",
            onset=onset,
        )]
