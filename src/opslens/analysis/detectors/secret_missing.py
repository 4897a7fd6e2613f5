"""secret-missing: a referenced Secret (or key) does not exist, so containers cannot be created."""

from __future__ import annotations

from opslens.analysis.detectors._shared import Support, on, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload


@register
class SecretMissingDetector(Detector):
    category = "secret-missing"
    title = "A referenced Secret or Secret key is missing (CreateContainerConfigError)"

    def detect(self, ctx: Context) -> list[Candidate]:
        missing = ctx.fresh("secret_missing")
        if not missing:
            return []
        culprit = top_workload(missing)
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=on(missing, culprit) or missing,
            support=[Support("pending_pods", 0.2, "namespace")],
            change_weight=0.3,
            rationale="The kubelet cannot build the container's environment or volumes from a Secret that does not exist.",
        )
        if cand:
            cand.symptoms_of = {"config-error", "bad-deploy"}
        return [cand] if cand else []
