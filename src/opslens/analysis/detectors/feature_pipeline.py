"""feature-pipeline: the features a model reads are stale or malformed.

The cause is the pipeline that feeds the online store (a Feast materialization job, a feature
backfill) failing, or the serving side reporting stale, missing or defaulted features; the
prediction shift and KPI drop that follow are its symptoms, not drift and not a model change.
"""

from __future__ import annotations

import re

from opslens.analysis.detectors import _ml
from opslens.analysis.detectors._shared import MAX_CONFIDENCE, on, primary_strength
from opslens.analysis.detectors.base import (
    Candidate,
    Context,
    Detector,
    combine,
    earliest,
    register,
    top_workload,
)
from opslens.analysis.hits import SignalHit
from opslens.events import Entity

#: Workloads that are feature pipelines by name.
_PIPELINE = re.compile(r"feature|feast|materiali[sz]|backfill|embedding", re.I)


@register
class FeaturePipelineDetector(Detector):
    category = "feature-pipeline"
    title = "Stale or malformed features feed the model"

    def detect(self, ctx: Context) -> list[Candidate]:
        stale = ctx.fresh(*_ml.FEATURE_SIGNALS)
        if not stale:
            return []
        failed = [h for h in ctx.fresh("batch_job_failed", "container_exit_error", "crash_loop")
                  if h.workload is not None and _PIPELINE.search(h.workload.name)]
        culprit = self.culprit(ctx, stale + failed)
        # The model serves stale features from when the server first says so; the pipeline's own
        # failures start earlier (the features' time-to-live hides them until then).
        serving = [h for h in stale if h.workload is None or not _PIPELINE.search(h.workload.name)]
        onset = earliest(serving) or earliest(stale)
        parts = [primary_strength(stale)]
        evidence = ctx.cite_all(sorted(stale, key=lambda h: _pipeline_first(h)), limit=6)
        if failed:
            parts.append(0.3)
            evidence += [e for e in ctx.cite_all(failed, limit=2) if e not in evidence]
        symptoms = _ml.symptoms(ctx)
        if symptoms:
            parts.append(0.15)
            evidence += [e for e in ctx.cite_all(symptoms, limit=2) if e not in evidence]
        shifts = _ml.Shifts(ctx).significant()
        if shifts:
            parts.append(0.15)
            evidence.append(_ml.cite_shift(ctx, shifts[0]))
        score = combine(parts)
        model_change = _ml.before(_ml.ml_changes(ctx), onset, None)
        if model_change:
            score *= 0.75  # a model swap just before can explain the same shift
        return [Candidate(
            category=self.category,
            score=min(score, MAX_CONFIDENCE),
            title=self.title,
            entity=culprit,
            evidence=list(dict.fromkeys(evidence)),
            rationale="The feature pipeline stopped refreshing (or started defaulting) features; the model "
                      "serves on stale inputs, so its predictions shift while every pod is healthy.",
            onset=onset,
            symptoms_of={"model-drift", "model-regression", "crash-bug", "bad-deploy"},
        )]

    def culprit(self, ctx: Context, hits: list[SignalHit]) -> Entity | None:
        """The pipeline workload when one reports (or is) the failure, else the server that
        reads the stale features."""
        pipeline = [h for h in hits if h.workload is not None and _PIPELINE.search(h.workload.name)]
        return top_workload(on(pipeline, None) or hits)


def _pipeline_first(hit: SignalHit) -> tuple[int, float]:
    """Pipeline failures first (the cause), then the serving side's warnings."""
    named = hit.workload is not None and bool(_PIPELINE.search(hit.workload.name))
    return (0 if named else 1, hit.first or 0.0)
