"""Ranking root-cause hypotheses: run every detector, let causes explain their symptoms, calibrate.

The loudest component is often a victim: a database connection limit shows up as frontend
5xx, an OOM kill as restarts and failed probes. When a strong candidate lists another
category among the symptoms it explains and both concern the same place, the symptom's score
is discounted. Confidence is the detector's noisy-OR score, reduced when a close competitor
exists, so a lone weak signal stays low.
"""

from __future__ import annotations

from opslens.analysis.detectors import base as detector_base
from opslens.analysis.detectors._shared import MAX_CONFIDENCE
from opslens.analysis.detectors.base import Candidate, Context, combine

MAX_HYPOTHESES = 5
MIN_SCORE = 0.15
#: Below this the report says "insufficient evidence" instead of naming a cause.
CONFIDENT = 0.3
SYMPTOM_DISCOUNT = 0.55
#: What a second candidate of the same category adds (a fraction of its score, noisy-OR).
CORROBORATION = 0.25
MERGED_EVIDENCE = 3


def rank(ctx: Context) -> list[Candidate]:
    """Candidates from all detectors, best first, causes ahead of the symptoms they explain."""
    return order(gather(ctx))


def gather(ctx: Context) -> list[Candidate]:
    """Every candidate the detectors, the component signatures and the resemblance of unmatched
    error lines propose, unranked."""
    import opslens.analysis.detectors  # noqa: F401  (registers the built-in detectors)
    from opslens.analysis.resemblance import resemblance_candidates
    from opslens.analysis.signature_candidates import signature_candidates

    candidates: list[Candidate] = []
    for detector_cls in detector_base.detectors().values():
        candidates += detector_cls().detect(ctx)
    candidates += signature_candidates(ctx)
    candidates += resemblance_candidates(ctx)
    return candidates


def order(candidates: list[Candidate], floor: float = MIN_SCORE) -> list[Candidate]:
    """Discount explained symptoms, sort, calibrate and cut at `floor`: what the report shows,
    in the order of the confidences it shows."""
    candidates = _merge_categories([c for c in candidates if c.score > 0])
    _explain_symptoms(candidates)
    candidates.sort(key=lambda c: -c.score)
    _calibrate(candidates)
    return [c for c in candidates if c.score >= floor][:MAX_HYPOTHESES]


def _merge_categories(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per category: the strongest, with the others' evidence appended. Two views
    of one category (its detector, its component signatures) corroborate a little; they are
    not independent, so the second adds only a fraction."""
    best: dict[str, Candidate] = {}
    for c in sorted(candidates, key=lambda c: -c.score):
        kept = best.get(c.category)
        if kept is None:
            best[c.category] = c
            continue
        kept.score = min(combine([kept.score, CORROBORATION * c.score]), MAX_CONFIDENCE)
        kept.evidence += [e for e in c.evidence if e not in kept.evidence][:MERGED_EVIDENCE]
        kept.symptoms_of |= c.symptoms_of
        if kept.change is None and c.change is not None:
            kept.change = c.change
    return list(best.values())


def _same_place(a: Candidate, b: Candidate) -> bool:
    if a.entity is None or b.entity is None:
        return True
    return a.entity == b.entity or a.entity.namespace == b.entity.namespace or a.entity.kind == "Node" or b.entity.kind == "Node"


def _explain_symptoms(candidates: list[Candidate]) -> None:
    for cause in sorted(candidates, key=lambda c: -c.score):
        if cause.score < 0.5:
            continue
        for other in candidates:
            if other is not cause and other.category in cause.symptoms_of and other.score <= cause.score * 1.15 and _same_place(cause, other):
                other.score *= SYMPTOM_DISCOUNT


def _calibrate(ranked: list[Candidate]) -> None:
    """A close runner-up means the top choice is less certain, but never less likely than the
    runner-up: the order shown is the order of the confidences shown."""
    if len(ranked) >= 2 and ranked[0].score > 0:
        ratio = ranked[1].score / ranked[0].score
        ranked[0].score = max(ranked[0].score * (1.0 - 0.25 * ratio), ranked[1].score)
    for c in ranked:
        c.score = round(min(c.score, 0.95), 3)
    # Rounding and the cap keep the order; a stable sort makes ties keep the detectors' order.
    ranked.sort(key=lambda c: -c.score)


def insufficient_evidence_note(ranked: list[Candidate]) -> str | None:
    """What to say when nothing stands out."""
    if ranked and ranked[0].score >= CONFIDENT:
        return None
    return (
        "Insufficient evidence for a root cause. What would help: Kubernetes events "
        "(kubectl get events -A -o json), logs of the failing pods including --previous, the "
        "firing alerts, metrics around the onset, and the deploy/config history of the affected workloads."
    )
