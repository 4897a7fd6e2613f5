"""What the three ML detectors share: ML-side changes, model symptoms, distribution shifts.

- **ML changes**: dated records of what a model server serves: MLflow model versions (stage or
  alias moves), KServe InferenceService spec updates, and the model (re)loads that Triton, vLLM,
  BentoML, Seldon MLServer or TorchServe logged (`model-load` changes).
- **Model symptoms**: serving latency and failures, prediction shifts, a business KPI that the
  model drives, inputs the model rejects.
- **Shifts**: PSI and KS (`analysis/drift.py`) of prediction / input histograms between the
  first and the last part of the window, and whether the shift grew gradually.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from opslens.analysis import drift
from opslens.analysis.detectors.base import Context
from opslens.analysis.findings import ChangeFinding
from opslens.analysis.hits import SignalHit, metric_entity
from opslens.events import Entity

#: Change kinds the ML readers write.
ML_CHANGE_KINDS = frozenset({"model-version", "inferenceservice"})
#: Symptoms of a model that answers wrong or slowly.
SYMPTOMS = ("prediction_shift", "model_kpi_drop", "inference_latency", "inference_failures", "inference_queue",
            "gpu_memory_high", "model_input_mismatch")
#: Signals that say the features the model reads are stale or malformed.
FEATURE_SIGNALS = ("feature_stale", "feature_malformed")
#: Histograms whose distribution is the model's input or output.
_DISTRIBUTIONS = re.compile(r"predict|score|feature|prompt_tokens|generation_tokens|model_(?:input|output)", re.I)
#: Share of a histogram's span used as the baseline window, and as the incident window.
WINDOW_SHARE = 0.35
#: A change this long before the first symptom still counts.
LOOKBACK = 3 * 3600


@dataclass(frozen=True)
class MLChange:
    """One dated change of what a model server serves."""

    time: float
    summary: str
    entity: Entity | None
    evidence: str | None
    finding: ChangeFinding | None = None


@dataclass(frozen=True)
class Distribution:
    """The shift of one histogram, and whether it grew gradually over the window."""

    shift: drift.Shift
    gradual: bool
    entity: Entity | None


def ml_changes(ctx: Context) -> list[MLChange]:
    """Every dated ML-side change: registry and InferenceService records, model (re)loads the
    servers logged (`analysis/logged_changes.py`). A prompt activation is not one: a new prompt
    is a deploy of the LLM app (bad-deploy's business)."""
    return [MLChange(c.time, c.summary, c.entity, c.evidence, c) for c in ctx.changes
            if c.time is not None and c.kind in ML_CHANGE_KINDS | {"model-load"} and _live(c)]


def _live(change: ChangeFinding) -> bool:
    """A registry record that put a version in service (Production/Staging or an alias), or
    an InferenceService update; archiving the previous version is the same move seen twice."""
    if change.kind != "model-version" or change.event is None:
        return True
    attrs = change.event.attrs or {}
    return attrs.get("stage") in ("Production", "Staging") or bool(attrs.get("aliases"))


def concerns(change: MLChange, workload: Entity | None) -> bool:
    """Whether a change is about the model `workload` serves: the same workload, a name one
    contains (InferenceService `fraud-score` -> Deployment `fraud-score-predictor`), or the
    same namespace."""
    if workload is None or change.entity is None:
        return True
    a, b = change.entity.name.lower().replace("_", "-"), workload.name.lower()
    if a == b or a in b or b in a:
        return True
    text = change.summary.lower().replace("_", "-")
    return b in text or (change.entity.namespace is not None and change.entity.namespace == workload.namespace)


def before(changes: list[MLChange], onset: float | None, workload: Entity | None) -> list[MLChange]:
    """The changes of `workload` shortly before `onset` (latest first)."""
    if onset is None:
        return []
    found = [c for c in changes if -120 <= onset - c.time <= LOOKBACK and concerns(c, workload)]
    return sorted(found, key=lambda c: -c.time)


def symptoms(ctx: Context) -> list[SignalHit]:
    return ctx.fresh(*SYMPTOMS)


class Shifts:
    """Distribution shifts of the model's histograms (computed once per context)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @cached_property
    def all(self) -> list[Distribution]:
        out = []
        for key, h in drift.histograms(self.ctx.digest.metrics, lambda n: bool(_DISTRIBUTIONS.search(n))).items():
            bounds = drift.span(h)
            if bounds is None:
                continue
            start, end = bounds
            width = (end - start) * WINDOW_SHARE
            last = drift.shift(key, h, (start, start + width), (end - width, end))
            middle = drift.shift(key, h, (start, start + width), (start + width, end - width))
            if last is None:
                continue
            # Gradual: the middle of the window already moved part of the way, in the same direction.
            gradual = middle is not None and drift.PSI_MODERATE * 0.5 < middle.psi < last.psi * 0.8
            labels = dict(re.findall(r'(\w+)="([^"]*)"', key))
            entity = self.ctx.graph.workload(metric_entity(labels))
            out.append(Distribution(last, gradual, entity))
        return sorted(out, key=lambda d: -d.shift.psi)

    def significant(self, workload: Entity | None = None) -> list[Distribution]:
        return [d for d in self.all if d.shift.significant
                and (workload is None or d.entity is None or d.entity.name == workload.name)]


def cite_shift(ctx: Context, d: Distribution) -> str:
    """Cite a histogram's bucket series with the PSI and KS figures as the detail."""
    return ctx.book.cite(d.shift.event, detail=d.shift.describe(), weight=0.8)
