"""The last word: a weak hypothesis rather than none when the input shows a failure.

A paste often states its cause in words no detector scores highly enough: one probe line, one
fatal line of a component no signature knows. "No hypothesis" then hides the one line that
explains it. When nothing reaches the report's threshold (`hypotheses.MIN_SCORE`):

1. the candidates the detectors, signatures and resemblance did propose, too weakly, are kept:
   they rest on known signals (at most `WEAK_KEPT`, best first);
2. otherwise every distinct line of the input votes for the category it resembles
   (`resemblance.resemble`), error-like lines twice; a category that wins clearly becomes one
   weak hypothesis citing its most error-like line.

Their confidences stay at most `WEAK_CEILING`, below the threshold of a diagnosis, so the report
still says the evidence is insufficient, and their titles say they are weak.
"""

from __future__ import annotations

from collections import defaultdict

from opslens.analysis.detectors import base as detector_base
from opslens.analysis.detectors.base import Candidate, Context
from opslens.analysis.hypotheses import gather, order
from opslens.analysis.resemblance import error_like, resemble, workload_of
from opslens.events import Event
from opslens.taxonomy import Category

WEAK_CEILING = 0.14
#: Candidates below this carry too little to show even as a guess.
WEAK_FLOOR = 0.04
WEAK_KEPT = 3
#: The winning category's votes must exceed the runner-up's this many times.
VOTE_MARGIN = 1.3
#: One long block (a values file, a manifest) resembles many things: its vote is capped.
LINE_VOTE_CAP = 12.0
WEAK_NOTE = "weak lead"


def weak_hypotheses(ctx: Context) -> list[Candidate]:
    """Low-confidence hypotheses for an input no candidate diagnosed; [] when the input shows
    nothing that resembles a failure of any category."""
    kept = order(gather(ctx), floor=WEAK_FLOOR)[:WEAK_KEPT]
    if not kept:
        voted = _vote(ctx)
        kept = [voted] if voted is not None else []
    for cand in kept:
        cand.score = round(min(cand.score, WEAK_CEILING), 3)
        cand.title = f"{cand.title} ({WEAK_NOTE})"
        cand.rationale = f"{cand.rationale} Shown as a weak lead: no known signal was strong enough for a diagnosis."
    return kept


def _vote(ctx: Context) -> Candidate | None:
    totals: dict[Category, float] = defaultdict(float)
    best: dict[Category, tuple[tuple[bool, float], Event, list[str]]] = {}
    for stats in ctx.digest.templates.values():
        lines = stats.worst or stats.examples
        if not lines:
            continue
        line = lines[0]
        found = resemble(line.raw if len(line.raw) < 2000 else line.message)
        if found is None:
            continue
        cat, score, words = found
        trouble = error_like(line, stats.severity)
        totals[cat] += (2.0 if trouble else 1.0) * min(score, LINE_VOTE_CAP)
        key = (trouble, score)
        if cat not in best or key > best[cat][0]:
            best[cat] = (key, line, words)
    if not totals:
        return None
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])
    cat, total = ranked[0]
    if len(ranked) > 1 and total < VOTE_MARGIN * ranked[1][1]:
        return None
    _, line, words = best[cat]
    detector = detector_base.detectors().get(cat)
    eid = ctx.book.cite(line, detail=f"resembles known {cat} failures ({', '.join(words)})", weight=0.5)
    return Candidate(
        category=cat,
        score=min(WEAK_CEILING, 0.05 + 0.005 * total),
        title=detector.title if detector is not None else str(cat),
        entity=workload_of(ctx, line),
        evidence=[eid],
        rationale=f"No known failure signature matched; the input's lines resemble known {cat} failures ({', '.join(words)}).",
        onset=line.time,
    )
