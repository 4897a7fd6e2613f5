"""rate-limit: a provider or API quota rejects requests."""

from __future__ import annotations

from opslens.analysis.detectors._shared import Support, on, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload


@register
class RateLimitDetector(Detector):
    category = "rate-limit"
    title = "Requests rejected by a rate limit or quota (HTTP 429 / throttling)"

    def detect(self, ctx: Context) -> list[Candidate]:
        limited = [h for h in ctx.fresh("rate_limited") if not _image_registry(h.text)]
        if not limited:
            return []
        culprit = top_workload(limited)
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=on(limited, culprit) or limited,
            support=[Support("dependency_failure", 0.1)],
            rationale="An upstream API answers 429/quota errors; the service itself is healthy.",
        )
        if cand:
            cand.symptoms_of = {"dependency-outage"}
        return [cand] if cand else []


def _image_registry(text: str) -> bool:
    return "pull rate limit" in text.lower()
