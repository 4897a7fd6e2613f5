"""dependency-outage: an upstream or external service the workload depends on is failing."""

from __future__ import annotations

import re

from opslens.analysis.detectors._shared import Support, on, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload

_PROBE = re.compile(r"(?:Readiness|Liveness|Startup) probe (?:failed|errored)", re.I)


@register
class DependencyOutageDetector(Detector):
    category = "dependency-outage"
    title = "An upstream dependency is failing; the workload itself is healthy"

    def detect(self, ctx: Context) -> list[Candidate]:
        # A failed probe is the kubelet calling the pod, not the pod calling an upstream.
        failures = [h for h in ctx.fresh("dependency_failure") if not _PROBE.search(h.text)]
        if not failures:
            return []
        culprit = top_workload(failures)
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=on(failures, culprit) or failures,
            support=[Support("http_5xx", 0.15), Support("slow_requests", 0.1)],
            rationale="Calls to an upstream time out or fail while the workload has no change and no crash of its own.",
        )
        if cand is None:
            return []
        if ctx.change_for(culprit, cand.onset) is not None:
            cand.score *= 0.6
        if on(ctx.fresh("crash_loop", "oom_kill"), culprit):
            cand.score *= 0.7
        return [cand]
