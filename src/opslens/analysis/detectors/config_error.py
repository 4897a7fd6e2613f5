"""config-error: a bad ConfigMap value, environment variable or flag makes the container fail at start."""

from __future__ import annotations

from opslens.analysis.detectors._shared import Support, on, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload


@register
class ConfigErrorDetector(Detector):
    category = "config-error"
    title = "Invalid configuration makes the container fail at start-up"

    def detect(self, ctx: Context) -> list[Candidate]:
        errors = ctx.fresh("startup_config_error")
        crashing = ctx.fresh("crash_loop", "container_exit_error")
        if not errors:
            return []
        crashing_workloads = {h.workload for h in crashing if h.workload is not None}
        culprit = top_workload(h for h in errors if h.workload in crashing_workloads) or top_workload(errors)
        primary = on(errors, culprit) or errors
        restarts = on(crashing, culprit)
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=primary,
            support=[Support("crash_loop", 0.35), Support("container_exit_error", 0.2)],
            change_weight=0.4,
            against=[(on(ctx.fresh("oom_kill"), culprit), 0.4)],
            rationale="The container exits at start-up with a configuration error.",
        )
        if cand and not restarts:
            cand.score *= 0.6  # a config complaint without a crash is often just a warning
        if cand:
            cand.symptoms_of = {"crash-bug", "bad-deploy"}
        return [cand] if cand else []
