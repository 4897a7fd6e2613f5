"""resource-exhaustion-cpu: a workload is CPU-starved (throttled at its limit or saturated)."""

from __future__ import annotations

from opslens.analysis.detectors._shared import Support, on, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload


@register
class CpuExhaustionDetector(Detector):
    category = "resource-exhaustion-cpu"
    title = "CPU starvation (CFS throttling at the limit) slows requests"

    def detect(self, ctx: Context) -> list[Candidate]:
        throttled = ctx.fresh("cpu_throttling", "cpu_at_limit")
        title, rationale = self.title, "The container hits its CPU limit and is throttled; latency and timeouts follow."
        if not throttled:
            # An autoscaler at its maximum while CPU stays above target: saturation without a
            # limit to throttle at (most autoscalers scale on CPU; a memory-only one does not count).
            throttled = [h for h in ctx.fresh("hpa_maxed") if "memory at" not in h.text or "cpu at" in h.text]
            title = "CPU saturation: the autoscaler is at its maximum and replicas stay above their CPU target"
            rationale = "The autoscaler cannot add replicas, so every replica runs above its CPU target; latency and timeouts follow."
        if not throttled:
            return []
        culprit = top_workload(throttled)
        cand = score_candidate(
            ctx,
            category=self.category,
            title=title,
            culprit=culprit,
            primary=on(throttled, culprit) or throttled,
            support=[Support("slow_requests", 0.3), Support("cpu_saturation", 0.25), Support("liveness_kill", 0.1)],
            rationale=rationale,
        )
        if cand:
            cand.symptoms_of = {"dependency-outage", "probe-misconfig"}
        return [cand] if cand else []
