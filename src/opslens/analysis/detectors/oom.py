"""oom: a container exceeded its memory limit and the kernel OOM killer ended it."""

from __future__ import annotations

from opslens.analysis.detectors._shared import Support, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload

NEAR_SECONDS = 180
#: What a SIGKILL without the kernel's OOM report is worth, compared with the report itself.
SIGKILL_ONLY = 0.6


@register
class OomDetector(Detector):
    category = "oom"
    title = "Container killed by the OOM killer (memory limit exceeded)"

    def detect(self, ctx: Context) -> list[Candidate]:
        kills = ctx.fresh("oom_kill")
        if not kills:
            return self._sigkill_only(ctx)
        culprit = top_workload(h for h in kills if h.workload is not None and h.workload.kind != "Node")
        if culprit is None:
            # Kernel lines name the process, not the pod: the workload that restarted or whose
            # memory climbed at the same time is the one that was killed.
            kill_times = [h.first for h in kills if h.first is not None]
            near = [h for h in ctx.fresh("crash_loop", "exit_137", "memory_growth", "container_exit_error")
                    if h.first is not None and any(abs(h.first - t) <= NEAR_SECONDS or (h.last or h.first) >= t >= h.first for t in kill_times)]
            culprit = top_workload(near) or top_workload(ctx.fresh("memory_growth", "exit_137"))
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=kills,
            support=[Support("exit_137", 0.3, "anywhere"), Support("memory_growth", 0.35), Support("crash_loop", 0.2)],
            rationale="The kernel OOM killer ended the container; restarts follow from the kills, not from an application error.",
        )
        if cand:
            cand.symptoms_of = {"crash-bug", "probe-misconfig"}
        return [cand] if cand else []

    def _sigkill_only(self, ctx: Context) -> list[Candidate]:
        """A process ended by SIGKILL (`signal: killed`, exit 137) with no kernel report at hand:
        most often the OOM killer at the memory limit, unless a probe or an eviction did it."""
        killed = ctx.fresh("exit_137")
        if not killed:
            return []
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=top_workload(killed),
            primary=killed,
            support=[Support("memory_growth", 0.35), Support("memory_at_limit", 0.3, "anywhere"), Support("crash_loop", 0.2)],
            against=[(ctx.fresh("liveness_kill", "eviction", "graceful_shutdown"), 0.6)],
            rationale="The process was killed with SIGKILL (exit 137) and nothing else claims the kill: most often the OOM killer at the container's memory limit.",
        )
        if cand is None:
            return []
        cand.score *= SIGKILL_ONLY
        cand.symptoms_of = {"crash-bug"}
        return [cand]
