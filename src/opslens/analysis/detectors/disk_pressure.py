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
        culprit = self.culprit(ctx, full)
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

    def culprit(self, ctx: Context, hits: list) -> Entity | None:
        """The owner of the full volume (a claim's StatefulSet) before those who write to it;
        else the storage hog the kubelet evicted; else the node."""
        with_volume = [h for h in hits + ctx.fresh("disk_full", "disk_usage_high") if _volume_level(h)]
        return (top_workload(with_volume) or _consumer(ctx.fresh("eviction"))
                or top_workload(h for h in hits if h.workload and h.workload.kind != "Node")
                or top_workload(hits, nodes=True))


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


def _volume_level(hit) -> bool:  # noqa: ANN001 - a SignalHit
    """A hit about the volume itself: a claim's metrics or alert, or the data store that owns it."""
    if hit.workload is None or hit.workload.kind == "Node":
        return False
    if hit.alert is not None and (hit.alert.labels.get("persistentvolumeclaim") or hit.alert.labels.get("persistentvolume")):
        return True
    if hit.anomaly is not None and hit.anomaly.labels.get("persistentvolumeclaim"):
        return True  # kubelet_volume_stats_* of a claim (node_filesystem_* is the node's)
    return any((e.entity is not None and e.entity.kind == "PersistentVolumeClaim") for e in hit.events)


def _consumer(evictions: list) -> Entity | None:
    """The workload whose container the kubelet named as the storage hog."""
    for hit in evictions:
        for event in hit.events:
            if _USING.search(event.message) and hit.workload is not None:
                return hit.workload
    return top_workload(h for h in evictions if h.workload is not None and h.workload.kind != "Node")
