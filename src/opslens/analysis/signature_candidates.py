"""Hypotheses from component failure signatures (`knowledge/signatures/*.yaml`).

A signature is a line a known component prints when it fails in one known way, mapped to the
root-cause category it proves (`coredns: plugin/loop: Loop detected` -> dns-failure). Any
category with fresh signature hits gets one candidate here, scored like the detectors score
theirs; `hypotheses.order` merges it with the category detector's own candidate. Signatures
marked `role: cause` name a cause; `role: symptom` lines weigh less, and a cause's `explains`
list lets it discount the symptom categories it produces.
"""

from __future__ import annotations

from collections import defaultdict

from opslens.analysis import signals
from opslens.analysis.detectors import base as detector_base
from opslens.analysis.detectors._shared import NODE_LEVEL, on, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, top_workload
from opslens.analysis.detectors.crash_bug import (
    STARTUP_DISCOUNT,
    at_startup,
    explained_crash,
    last_words,
)
from opslens.analysis.hits import SignalHit

#: A category proven only by symptom lines is less certain than one whose cause is named.
SYMPTOM_ONLY = 0.7
#: Categories whose definition excludes a recent change to the culprit (a latent bug, an
#: upstream outage): a fresh change there makes a bad deploy more likely.
NO_CHANGE_CATEGORIES = frozenset({"crash-bug", "dependency-outage"})
FRESH_CHANGE_DISCOUNT = 0.55


def signature_candidates(ctx: Context) -> list[Candidate]:
    """One candidate per category that fresh signature hits prove."""
    by_category: dict[str, list[SignalHit]] = defaultdict(list)
    for hit in ctx.hits:
        category = signals.category_of(hit.signal)
        if category is None or hit.chronic:
            continue
        if category == "crash-bug" and explained_crash(hit):
            continue  # the panic names its cause (a config parse error, a refused connection)
        by_category[category].append(hit)
    found = []
    for category, hits in sorted(by_category.items()):
        cand = _candidate(ctx, category, hits)
        if cand is not None:
            found.append(cand)
    return found


def _candidate(ctx: Context, category: str, hits: list[SignalHit]) -> Candidate | None:
    defs = signals.signal_defs()
    causes = [h for h in hits if defs[h.signal].role == "cause"]
    primary = causes or hits
    detector = detector_base.detectors().get(category)
    culprit = detector().culprit(ctx, primary) if detector is not None else None
    culprit = culprit or top_workload(primary, nodes=category in NODE_LEVEL)
    components = sorted({defs[h.signal].component or "a component" for h in primary})
    cand = score_candidate(
        ctx,
        category=category,
        title=detector.title if detector is not None else category,
        culprit=culprit,
        primary=on(primary, culprit) or primary,
        change_weight=0.0 if category in NO_CHANGE_CATEGORIES else 0.3,
        rationale=f"{', '.join(components[:3])} reported a known {category} failure.",
    )
    if cand is None:
        return None
    if not causes:
        cand.score *= SYMPTOM_ONLY
    if category in NO_CHANGE_CATEGORIES and ctx.change_for(culprit, cand.onset) is not None:
        cand.score *= FRESH_CHANGE_DISCOUNT
    cand.symptoms_of = set().union(*(defs[h.signal].explains for h in primary))
    if category == "crash-bug" and all(at_startup(h) for h in primary):
        cand.score *= STARTUP_DISCOUNT  # no input triggered it: see crash_bug.startup_crash
    if category == "crash-bug":
        cand.evidence += [e for e in last_words(ctx, primary) if e not in cand.evidence]
    return cand
