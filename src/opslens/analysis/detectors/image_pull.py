"""image-pull: pods cannot start because their image cannot be pulled."""

from __future__ import annotations

from opslens.analysis.detectors._shared import Support, on, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload


@register
class ImagePullDetector(Detector):
    category = "image-pull"
    title = "Image cannot be pulled (wrong tag/digest, missing repository or registry auth)"

    def detect(self, ctx: Context) -> list[Candidate]:
        pulls = ctx.fresh("image_pull")
        if not pulls:
            return []
        culprit = top_workload(pulls)
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=on(pulls, culprit) or pulls,
            support=[Support("pending_pods", 0.2, "namespace"), Support("rollout", 0.15, symptom=False)],
            change_weight=0.3,
            rationale="New pods stay in ErrImagePull/ImagePullBackOff, so they never start.",
        )
        if cand:
            cand.symptoms_of = {"bad-deploy", "scheduling"}
        return [cand] if cand else []
