"""scheduling: pods stay Pending because the scheduler cannot place them."""

from __future__ import annotations

from opslens.analysis.detectors._shared import Support, on, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload


@register
class SchedulingDetector(Detector):
    category = "scheduling"
    title = "Pods cannot be scheduled (insufficient resources, taints, affinity, quota)"

    def detect(self, ctx: Context) -> list[Candidate]:
        # A claim that never binds keeps its pod Pending as surely as a full cluster does.
        failed = ctx.fresh("failed_scheduling") or ctx.fresh("pvc_pending")
        if not failed:
            return []
        culprit = top_workload(failed)
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=on(failed, culprit) or failed,
            support=[Support("pending_pods", 0.2, "namespace")],
            change_weight=0.25,
            rationale="The scheduler reports no node that fits the pods, so they stay Pending.",
        )
        return [cand] if cand else []
