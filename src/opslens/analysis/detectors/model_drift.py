"""model-drift: the input or prediction distribution shifts gradually, with no change and no
pipeline failure.

Evidence is a significant shift (PSI above 0.25 and a KS p-value below 0.001, see
`analysis/drift.py`) of a prediction or input histogram that grew over the window rather than
jumping at one moment. A dated ML change before it makes it a regression instead, stale
features make it a pipeline problem: both weigh against drift.
"""

from __future__ import annotations

from opslens.analysis.detectors import _ml
from opslens.analysis.detectors._shared import MAX_CONFIDENCE, on
from opslens.analysis.detectors.base import Candidate, Context, Detector, combine, register


@register
class ModelDriftDetector(Detector):
    category = "model-drift"
    title = "The model's input or prediction distribution drifted"

    def detect(self, ctx: Context) -> list[Candidate]:
        shifts = _ml.Shifts(ctx).significant()
        if not shifts:
            return []
        best = max(shifts, key=lambda d: (d.gradual, d.shift.psi))
        culprit = best.entity
        parts = [0.45, 0.3 if best.gradual else 0.0, min(0.3, best.shift.psi / 2)]
        evidence = [_ml.cite_shift(ctx, best)]
        trend = [h for h in on(ctx.fresh("prediction_shift", "model_kpi_drop"), culprit)
                 if h.anomaly is None or h.anomaly.shape == "trend"]
        if trend:
            parts.append(0.15)
            evidence += [e for e in ctx.cite_all(trend, limit=2) if e not in evidence]
        score = combine(parts)
        onset = ctx.split
        if _ml.before(_ml.ml_changes(ctx), onset, culprit):
            score *= 0.5  # a model changed: a regression, not drift
        if ctx.fresh(*_ml.FEATURE_SIGNALS):
            score *= 0.5  # stale features: a pipeline problem
        if not best.gradual:
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
