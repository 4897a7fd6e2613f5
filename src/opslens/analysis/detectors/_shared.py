"""Building blocks shared by detectors: scoring a culprit from primary and supporting hits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from opslens.analysis import signals
from opslens.analysis.detectors.base import Candidate, Context, combine, earliest, volume
from opslens.analysis.hits import SignalHit
from opslens.events import Entity

#: Categories whose culprit may be a node.
NODE_LEVEL = frozenset({"node-failure", "disk-pressure", "scheduling", "cert-expiry"})  # a kubelet certificate is a node's
#: What a corroborating context signal adds, as a share of its strength.
CONTEXT_WEIGHT = 0.5
#: Confidence never reaches certainty from automated evidence alone.
MAX_CONFIDENCE = 0.95


@dataclass(frozen=True)
class Support:
    """A supporting signal and how much it adds when present on the culprit."""

    signal: str
    weight: float
    scope: str = "workload"  # workload | namespace | anywhere
    symptom: bool = True  # False for causes that come before the symptoms (a scale-out)


def on(hits: Iterable[SignalHit], workload: Entity | None, scope: str = "workload") -> list[SignalHit]:
    """The hits that concern `workload` (or its namespace, or anything)."""
    hits = list(hits)
    if scope == "anywhere" or workload is None:
        return hits
    if scope == "namespace":
        return [h for h in hits if h.workload is not None and (h.workload.namespace or h.workload.name) in (workload.namespace, workload.name)]
    return [h for h in hits if h.workload is not None and h.workload.name == workload.name
            and (h.workload.namespace in (None, workload.namespace) or workload.namespace is None)]


def primary_strength(hits: list[SignalHit]) -> float:
    """Evidence from the primary signal: its specificity, boosted by repetition and sources."""
    if not hits:
        return 0.0
    best = max(h.strength * (0.55 + 0.45 * volume(h.count)) for h in hits)
    kinds = {h.kind for h in hits}
    return combine([best, 0.15 * (len(kinds) - 1)])


def score_candidate(
    ctx: Context,
    *,
    category: str,
    title: str,
    culprit: Entity | None,
    primary: list[SignalHit],
    support: Iterable[Support] = (),
    change_weight: float = 0.0,
    against: Iterable[tuple[list[SignalHit], float]] = (),
    rationale: str = "",
    extra: Iterable[float] = (),
) -> Candidate | None:
    """The usual shape of a detector: primary hits on a culprit, support, change, penalties."""
    if not primary:
        return None
    parts = [primary_strength(primary), *extra]
    evidence = ctx.cite_all(primary, limit=8)
    reasons = []
    symptom_hits = list(primary)
    for s in support:
        found = on(ctx.fresh(s.signal), culprit, s.scope)
        if found:
            parts.append(s.weight)
            evidence += [e for e in ctx.cite_all(found, limit=2) if e not in evidence]
            reasons.append(s.signal.replace("_", " "))
            if s.symptom:
                symptom_hits += found
    cited_events = {id(e) for h in symptom_hits for e in h.events}
    for d in signals.supporting(category):
        # A context signal states a fact of configuration or state (a limit, a probe's port, a
        # volume's size): true whenever it was printed, so it is not limited to fresh hits.
        found = [h for h in (ctx.all(d.id) if d.context else ctx.fresh(d.id))
                 if not any(id(e) in cited_events for e in h.events)]
        if found:
            parts.append(d.strength * CONTEXT_WEIGHT)
            evidence += [e for e in ctx.cite_all(found, limit=1) if e not in evidence]
            reasons.append(d.id.replace("_", " "))
    onset = earliest(symptom_hits)
    change = ctx.change_for(culprit, onset) if change_weight else None
    if change is not None:
        parts.append(change_weight * (0.5 + 0.5 * min(1.0, change.score * 2)))
        if change.evidence:
            evidence.append(change.evidence)
        reasons.append(f"change {change.revision[:12] if change.revision else change.kind} shortly before")
    score = combine(parts)
    if culprit is not None and culprit.kind == "Node" and category not in NODE_LEVEL:
        score *= 0.5  # an application-level cause pinned on a node: only node journals spoke
    against_ids: list[str] = []
    # A line never weighs against itself (a probe line that also reads as a timeout).
    own = {id(e) for h in primary for e in h.events} | {h.template_key for h in primary if h.template_key is not None}
    for hits, penalty in against:
        hits = [h for h in hits if (h.first is None or onset is None or h.first <= onset + 1800)
                and h.template_key not in own and not any(id(e) in own for e in h.events)]
        if hits:
            score *= 1.0 - penalty
            against_ids += ctx.cite_all(hits, limit=1)
    why = rationale
    if reasons:
        why = f"{rationale} Supported by: {', '.join(reasons)}.".strip()
    return Candidate(
        category=category,
        score=min(score, MAX_CONFIDENCE),
        title=title,
        entity=culprit,
        evidence=_dedupe(evidence),
        rationale=why,
        onset=onset,
        change=change,
        against=against_ids,
    )


def _dedupe(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in ids if not (i in seen or seen.add(i))]
