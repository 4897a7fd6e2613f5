"""bad-deploy: a newly rolled-out version introduced errors that were not there before."""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict

from opslens.analysis.detectors._shared import MAX_CONFIDENCE, on
from opslens.analysis.detectors.base import (
    Candidate,
    Context,
    Detector,
    combine,
    earliest,
    register,
    volume,
)
from opslens.analysis.findings import PatternFinding, PatternStatus
from opslens.analysis.hits import SignalHit, entity_from_key
from opslens.events import Entity, Severity

# A token-cost surge right after a prompt change is that prompt deploy failing (LLM apps).
ERROR_SIGNALS = ("http_5xx", "app_crash", "schema_mismatch", "llm_token_surge")
_WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "HelmRelease", "Application"})


@register
class BadDeployDetector(Detector):
    category = "bad-deploy"
    title = "A new rollout introduced errors"

    def detect(self, ctx: Context) -> list[Candidate]:
        errors = [h for h in ctx.fresh(*ERROR_SIGNALS) if h.workload is not None] + _unattributed(ctx)
        new_patterns = _new_error_patterns(ctx)
        workloads = {h.workload for h in errors} | set(new_patterns)
        found = []
        for workload in workloads:
            if workload is None:
                continue
            hits = on(errors, workload)
            patterns = new_patterns.get(workload, [])
            starts = [earliest(hits), *(_start(p, ctx.split) for p in patterns)]
            onset = min((t for t in starts if t is not None), default=None)
            change = ctx.change_for(workload, onset)
            if change is None or (change.time is not None and onset is not None and onset < change.time - 60):
                continue
            cand = self._candidate(ctx, workload, hits, patterns, change, onset)
            if cand is not None:
                found.append(cand)
        return sorted(found, key=lambda c: -c.score)[:1]

    def _candidate(self, ctx, workload: Entity, hits, patterns: list[PatternFinding], change, onset) -> Candidate | None:
        proximity = 0.5 + 0.5 * min(1.0, change.score * 2)
        error_strength = max([h.strength * (0.6 + 0.4 * volume(h.count)) for h in hits] + [0.0])
        pattern_strength = min(0.6, 0.25 * len(patterns)) if patterns else 0.0
        schema = 0.3 if any(h.signal == "schema_mismatch" for h in hits) else 0.0
        score = combine([0.45 * proximity, error_strength, pattern_strength, schema])
        evidence = ctx.cite_all(hits, limit=3)
        for p in patterns[:2]:
            if p.evidence and p.evidence not in evidence:
                evidence.append(p.evidence)
        if change.evidence:
            evidence.append(change.evidence)
        evidence += _cite_images(ctx, change, workload) or _cite_pulled_image(ctx, workload, change)
        rollout = on(ctx.fresh("rollout"), workload)
        evidence += [e for e in ctx.cite_all(rollout, limit=1) if e not in evidence]
        if not evidence:
            return None
        what = change.revision[:12] if change.revision else change.summary[:60]
        return Candidate(
            category=self.category,
            score=min(score, MAX_CONFIDENCE),
            title=f"{self.title} ({what})",
            entity=workload,
            evidence=evidence,
            rationale="Errors start right after the rollout and come from the new version's pods.",
            onset=onset,
            change=change,
            symptoms_of={"crash-bug", "dependency-outage"},
        )


def _unattributed(ctx: Context) -> list[SignalHit]:
    """Errors pasted without anything naming their pod (log lines below prose, no command),
    given to the one workload a dated change rolled out, when there is exactly one."""
    loose = [h for h in ctx.fresh(*ERROR_SIGNALS) if h.workload is None]
    if not loose:
        return []
    rolled = {w for c in ctx.changes if c.entity is not None and c.time is not None
              and (w := ctx.graph.workload(c.entity)) is not None and w.kind in _WORKLOAD_KINDS}
    if len(rolled) != 1:
        return []
    (only,) = rolled
    return [dataclasses.replace(h, workload=only) for h in loose]


def _new_error_patterns(ctx: Context) -> dict[Entity, list[PatternFinding]]:
    """New or spiking error-level patterns, by the workload that emits them."""

    out: dict[Entity, list[PatternFinding]] = defaultdict(list)
    for p in ctx.patterns:
        if p.status is PatternStatus.STEADY or p.severity < Severity.ERROR:
            continue
        for key in p.entities[:3]:
            w = ctx.graph.workload(entity_from_key(key))
            if w is not None and p not in out[w]:
                out[w].append(p)
    return out


def _start(p: PatternFinding, split: float | None) -> float | None:
    """When a pattern became a problem: its first line if new, the split if it spiked."""
    if p.status is PatternStatus.NEW or split is None or p.first is None:
        return p.first
    return max(p.first, split)


_IMAGE = re.compile(r'(?:Pulling|Successfully pulled|Container) image "([^"]+)"')


def _cite_pulled_image(ctx: Context, workload: Entity, change) -> list[str]:  # noqa: ANN001
    """The image the new pods run, from the kubelet's pull events after the change (when no
    change record names it)."""
    for e in sorted(ctx.digest.k8s_events, key=lambda e: e.time or 0.0):
        if e.time is None or change.time is None or e.time < change.time - 60:
            continue
        if e.entity is None or ctx.graph.workload(e.entity) != workload:
            continue
        if m := _IMAGE.search(e.message):
            return [ctx.book.cite(e, detail=f"image the new pods run: {m.group(1)}", weight=0.9)]
    return []


def _cite_images(ctx: Context, change, workload: Entity) -> list[str]:
    """The image (version) rolled out, quoted from the change record that names it."""
    records = [change] + [c for c in ctx.changes if c is not change and c.images and c.time is not None
                          and change.time is not None and abs(c.time - change.time) <= 1800]
    for record in records:
        images = [i for i in record.images if workload.name in i]
        if images and record.event is not None:
            return [ctx.book.cite(record.event, text=images[0], detail=f"image rolled out by {record.kind}", weight=0.9)]
    return []
