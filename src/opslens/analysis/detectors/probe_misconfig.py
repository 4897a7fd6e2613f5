"""probe-misconfig: an aggressive or wrong liveness/readiness probe restarts healthy containers."""

from __future__ import annotations

import re

from opslens.analysis.detectors._shared import Support, on, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload

#: A probe that gave up waiting (its timeoutSeconds), rather than one that got an error back.
_TIMED_OUT = re.compile(r"Client\.Timeout exceeded|context deadline exceeded|timeout: failed to connect|i/o timeout|timed out", re.I)


@register
class ProbeMisconfigDetector(Detector):
    category = "probe-misconfig"
    title = "Liveness/startup probe kills containers that are still starting or healthy"

    def detect(self, ctx: Context) -> list[Candidate]:
        kills = ctx.fresh("liveness_kill")
        if not kills:
            return self._readiness_only(ctx)
        culprit = top_workload(kills)
        # A probe that fails because the app crashed, ran out of memory or cannot read its
        # config is a symptom; graceful shutdown logs and normal start-up lines say the app was fine.
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=on(kills, culprit) or kills,
            support=[Support("graceful_shutdown", 0.35), Support("app_startup", 0.15, symptom=False), Support("crash_loop", 0.1)],
            change_weight=0.35,
            against=[
                (on(ctx.fresh("oom_kill", "exit_137"), culprit), 0.5),
                (on(ctx.fresh("startup_config_error", "app_crash", "secret_missing", "image_pull"), culprit), 0.5),
                (on(ctx.fresh("db_connection", "dns_failure", "cert_expired"), culprit), 0.3),
            ],
            rationale="The kubelet restarts the container after failed liveness probes while its logs show an orderly start and shutdown.",
        )
        return [cand] if cand else []

    def _readiness_only(self, ctx: Context) -> list[Candidate]:
        """Pods taken out of service by a readiness probe that a change just altered, while the
        application itself reports no errors."""
        unready = ctx.fresh("readiness_fail", "probe_path_missing")
        if not unready:
            return []
        culprit = top_workload(unready)  # None for a pasted probe line that names no pod
        primary = on(unready, culprit) or unready
        cand = score_candidate(
            ctx,
            category=self.category,
            title="Readiness probe keeps healthy pods out of service",
            culprit=culprit,
            primary=primary,
            change_weight=0.5,
            against=[(on(ctx.fresh("app_crash", "http_5xx", "db_connection", "dns_failure", "cert_expired",
                                    "oom_kill", "startup_config_error", "dependency_failure"), culprit), 0.6)],
            rationale="Readiness probes fail right after a change to the workload while its own logs show no errors.",
        )
        if cand is None:
            return []
        if any(h.signal == "probe_path_missing" for h in primary):
            pass  # the app answers, only not where the probe asks: the probe itself is wrong
        elif cand.change is None and not any(_TIMED_OUT.search(h.text) for h in primary):
            cand.score *= 0.4  # unready pods without a probe change are usually a symptom
        elif cand.change is None:
            cand.score *= 0.8  # a probe that times out on a healthy app: its timeout is too short
        return [cand]
