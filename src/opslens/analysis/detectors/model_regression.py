"""model-regression: a new model version or artifact degrades predictions or latency.

The cause is the ML-side change (a registry promotion, an InferenceService storageUri, a model
server loading another version, an LLM app activating another prompt) shortly before the model's
symptoms (prediction shift, KPI drop, serving latency, rejected inputs). Those symptoms would
otherwise read as a bad deploy, a dependency outage or drift: this candidate explains them.
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

_WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "Pod"})


@register
class ModelRegressionDetector(Detector):
    category = "model-regression"
    title = "A new model version degraded predictions or latency"

    def detect(self, ctx: Context) -> list[Candidate]:
        changes = _ml.ml_changes(ctx)
        if not changes:
            return []
        hits = _ml.symptoms(ctx)
        abrupt = [d for d in _ml.Shifts(ctx).significant() if not d.gradual]
        if not hits and not abrupt:
            return []
        # The change whose aftermath holds the most symptoms: a symptom already there before a
        # change (a noisy latency series) does not make that change a suspect, nor rule it out.
        change_time, after = max(((c.time, _after(hits, c.time)) for c in changes),
                                 key=lambda pair: (sum(h.strength for h in pair[1]), pair[0]))
        onset = earliest(after) if after else (ctx.split if abrupt and ctx.split is not None
                                                and ctx.split >= change_time - 120 else None)
        suspects = _ml.before(changes, onset, None)
        if not suspects:
            return []
        culprit = _server(suspects, after, abrupt)
        # The callers' errors (inputs the new model rejects, a KPI) are symptoms of the same change.
        mine = on(after, culprit) or after
        onset = earliest(mine) or onset
        suspects = _ml.before(changes, onset, culprit) or suspects
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


def _precedence(change: _ml.MLChange) -> tuple[int, float]:
    """Which suspect names the change: a registry version first (it carries the model and
    version the checks ask about), then an InferenceService update, then a completed load, then
    other load lines (a load starting, the old version unloaded); the latest first within each."""
    kind = change.finding.kind if change.finding is not None else ""
    rank = {"model-version": 0, "inferenceservice": 1}.get(kind, 3)
    if rank == 3 and _COMPLETED_LOAD.search(change.summary):
        rank = 2
    return (rank, -change.time)


_COMPLETED_LOAD = re.compile(r"(?<!un)loaded\b|weights took", re.I)


def _short(summary: str, limit: int = 90) -> str:
    """A summary cut at a clause boundary before `limit` characters."""
    if len(summary) <= limit:
        return summary
    cut = summary.rfind(", ", 0, limit)
    return summary[: cut if cut > 20 else limit] + "…"


def _server(suspects: list[_ml.MLChange], hits: list[SignalHit], shifts: list[_ml.Distribution]) -> Entity | None:
    """The model server: where a load line was printed, else the workload with symptoms named
    after a changed InferenceService or model, else the most implicated workload."""
    for change in sorted(suspects, key=_precedence, reverse=True):
        if change.entity is not None and change.entity.kind in _WORKLOADS:
            return change.entity
    named = [h for h in hits if h.workload is not None and any(
        c.entity is not None and _ml.concerns(c, h.workload) and c.entity.kind not in _WORKLOADS for c in suspects)]
    related = [h for h in named if any(c.entity is not None and c.entity.name.lower().replace("_", "-") in h.workload.name.lower()
                                       for c in suspects)]
    return top_workload(related or named or hits) or next((d.entity for d in shifts if d.entity is not None), None)


def _after(hits: list[SignalHit], when: float) -> list[SignalHit]:
    """Symptoms that began at or after a change (two minutes of clock skew allowed)."""
    return [h for h in hits if h.first is not None and when - 120 <= h.first <= when + _ml.LOOKBACK]
