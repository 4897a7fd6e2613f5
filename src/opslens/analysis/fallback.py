"""The last word: a weak hypothesis rather than none when the input shows a failure.

A paste often states its cause in words no detector scores highly enough: one probe line, one
fatal line of a component no signature knows. "No hypothesis" then hides the one line that
explains it. When nothing reaches the report's threshold (`hypotheses.MIN_SCORE`):

1. the candidates the detectors, signatures and resemblance did propose, too weakly, are kept:
   they rest on known signals (at most `WEAK_KEPT`, best first);
2. otherwise every distinct line of the input votes for the category it resembles
   (`resemblance.resemble`, fainter resemblances counted too), error-like lines twice; the
   category with the most votes, and a close runner-up, become weak hypotheses citing their
   most error-like line.

Their confidences stay at most `WEAK_CEILING`, below the threshold of a diagnosis, so the report
still says the evidence is insufficient, and their titles say they are weak.
"""

from __future__ import annotations

from collections import defaultdict

from opslens.analysis.detectors import base as detector_base
from opslens.analysis.detectors.base import Candidate, Context
from opslens.analysis.hypotheses import gather, order
from opslens.analysis.resemblance import error_like, profiles, resemble, tokens, workload_of
from opslens.events import Event
from opslens.taxonomy import Category

WEAK_CEILING = 0.14
#: Candidates below this carry too little to show even as a guess.
WEAK_FLOOR = 0.04
WEAK_KEPT = 3
#: A runner-up category with at least this share of the winner's votes is a second lead.
RUNNER_UP_SHARE = 0.5
#: Each line's own resemblance may be fainter than the main analysis asks for: the votes add up.
VOTE_MIN = 2.5
VOTE_LINE_MARGIN = 1.2
#: One long block (a values file, a manifest) resembles many things: its vote is capped.
LINE_VOTE_CAP = 12.0
WEAK_NOTE = "weak lead"


def weak_hypotheses(ctx: Context) -> list[Candidate]:
    """Low-confidence hypotheses for an input no candidate diagnosed; [] when the input shows
    nothing that resembles a failure of any category."""
    kept = order(gather(ctx), floor=WEAK_FLOOR)[:WEAK_KEPT]
    if not kept:
        kept = _vote(ctx)
    for cand in kept:
        cand.score = round(min(cand.score, WEAK_CEILING), 3)
        cand.title = f"{cand.title} ({WEAK_NOTE})"
        cand.rationale = f"{cand.rationale} Shown as a weak lead: no known signal was strong enough for a diagnosis."
    return kept


def _vote(ctx: Context) -> list[Candidate]:
    totals: dict[Category, float] = defaultdict(float)
    best: dict[Category, tuple[tuple[bool, float], Event, list[str]]] = {}
    for stats in ctx.digest.templates.values():
        lines = stats.worst or stats.examples
        if not lines:
            continue
        line = lines[0]
        text = line.raw if len(line.raw) < 2000 else line.message
        found = resemble(text, VOTE_MIN, VOTE_LINE_MARGIN)
        if found is None:
            continue
        cat, score, words = found
        if not _names_the_category(cat, text):
            continue  # alike only in names and ids that examples of the category happen to use
        trouble = error_like(line, stats.severity)
        totals[cat] += (2.0 if trouble else 1.0) * min(score, LINE_VOTE_CAP)
        key = (trouble, score)
        if cat not in best or key > best[cat][0]:
            best[cat] = (key, line, words)
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])[:2]
    if len(ranked) == 2 and ranked[1][1] < RUNNER_UP_SHARE * ranked[0][1]:
        ranked = ranked[:1]
    leads = []
    for cat, total in ranked:
        _, line, words = best[cat]
        detector = detector_base.detectors().get(cat)
        eid = ctx.book.cite(line, detail=f"resembles known {cat} failures ({', '.join(words)})", weight=0.5)
        leads.append(Candidate(
            category=cat,
            score=min(WEAK_CEILING, 0.05 + 0.005 * total),
            title=detector.title if detector is not None else str(cat),
            entity=workload_of(ctx, line),
            evidence=[eid],
            rationale=f"No known failure signature matched; the input's lines resemble known {cat} failures ({', '.join(words)}).",
            onset=line.time,
        ))
    return leads


def _names_the_category(cat: Category, text: str) -> bool:
    """Whether the line uses a word of the category's own vocabulary (`category_words.yaml`),
    not only names and ids that signature examples of the category happen to contain."""
    vocabulary = profiles().weights.get(cat, {})
    return any(vocabulary.get(w) == 1.0 for w in tokens(text))
