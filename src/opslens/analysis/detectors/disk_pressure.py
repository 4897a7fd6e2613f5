"""disk-pressure: a node filesystem or volume runs out of space or inodes."""

from __future__ import annotations

import re

from opslens.analysis.detectors._shared import Support, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload
from opslens.events import Entity

_USING = re.compile(r"Container (\S+) was using \S+, (?:which exceeds|request is)")


@register
class DiskPressureDetector(Detector):
    category = "disk-pressure"
    title = "Disk or ephemeral storage exhausted (evictions, write failures)"

    def detect(self, ctx: Context) -> list[Candidate]:
        # A full disk proves it; a nearly full one (a pasted `df`) suggests it, more weakly.
        full = ctx.fresh("disk_full") or ctx.fresh("disk_usage_high", "disk_usage_notable")
        if not full:
            return []
        evictions = ctx.fresh("eviction")
        culprit = _consumer(evictions) or top_workload(h for h in full if h.workload and h.workload.kind != "Node")
        if culprit is None:
            culprit = top_workload(full, nodes=True)
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=full,
            support=[Support("eviction", 0.35, "anywhere"), Support("disk_usage_high", 0.2, "anywhere")],
            rationale="The node ran low on disk/ephemeral storage; the kubelet evicted the biggest consumer.",
        )
        if cand:
            cand.symptoms_of = {"node-failure", "crash-bug", "scheduling"}
            cand.evidence += [e for e in _volumes(ctx, full) if e not in cand.evidence]
        return [cand] if cand else []


_VOLUME = re.compile(r"\bpvc-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def _volumes(ctx: Context, full: list) -> list[str]:
    """The volumes filling the disk, as the cluster names them: a claim (`get pvc`, describe)
    whose volume is the directory that a disk report or a storage consumer names."""
    texts = [e.raw for h in full + ctx.fresh("storage_consumer") for e in h.events]
    names = {m.group(0) for text in texts for m in _VOLUME.finditer(text)}
    if not names:
        return []
    return [ctx.book.cite(e, detail="the volume behind the full disk", weight=0.8) for e in ctx.digest.k8s_events
            if any(name in e.raw for name in names)][:2]


def _consumer(evictions: list) -> Entity | None:
    """The workload whose container the kubelet named as the storage hog."""
    for hit in evictions:
        for event in hit.events:
            if _USING.search(event.message) and hit.workload is not None:
                return hit.workload
    return top_workload(h for h in evictions if h.workload is not None and h.workload.kind != "Node")
