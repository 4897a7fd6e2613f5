"""Keeping the evidence list small enough for a small local model (about 4,000 tokens).

Evidence cited by the top hypotheses is kept first, then timeline evidence, then the rest by
weight. References to evidence that did not fit are removed everywhere, so no id dangles.
"""

from __future__ import annotations

import json

from opslens.analysis.evidence import EvidenceItem
from opslens.analysis.findings import AnalysisResult

TOKEN_BUDGET = 3800
#: Characters per token of JSON-wrapped log text (BPE tokenizers do 3-4 on logs; we stay low).
CHARS_PER_TOKEN = 3.3


def item_tokens(item: EvidenceItem) -> int:
    """Estimated tokens of the item as the report's JSON writes it."""
    doc = {
        "id": item.id, "kind": item.kind.value, "source": item.source, "ts": "2025-01-01T00:00:00.000000Z",
        "text": item.text, "count": item.count, "detail": item.detail,
        "entity": {"kind": item.entity.kind, "namespace": item.entity.namespace, "name": item.entity.name} if item.entity else None,
        "template_id": item.template_id, "suspicious": item.suspicious,
    }
    return int(len(json.dumps(doc)) / CHARS_PER_TOKEN) + 1


def fit_evidence(result: AnalysisResult, budget: int = TOKEN_BUDGET) -> int:
    """Drop the least important evidence beyond the budget; renumber; returns tokens kept."""
    items = result.book.items
    order: list[str] = []
    for h in result.hypotheses[:3]:
        order += h.evidence
    for t in result.timeline:
        order += t.evidence
    order += [i.id for i in sorted(items, key=lambda i: -i.weight)]
    keep: list[str] = []
    used = 0
    by_id = {i.id: i for i in items}
    for eid in order:
        if eid in keep or eid not in by_id:
            continue
        cost = item_tokens(by_id[eid])
        if used + cost > budget:
            continue
        keep.append(eid)
        used += cost
    _renumber(result, set(keep))
    return used


def _renumber(result: AnalysisResult, keep: set[str]) -> None:
    """Keep `keep` in citation order, number them E1..En and rewrite every reference."""
    kept = [i for i in result.book.items if i.id in keep]
    mapping = {item.id: f"E{n}" for n, item in enumerate(kept, 1)}
    for item in kept:
        item.id = mapping[item.id]
    result.book.items = kept

    def ids(old: list[str]) -> list[str]:
        return [mapping[e] for e in old if e in mapping]

    def one(old: str | None) -> str | None:
        return mapping.get(old) if old else None

    for h in result.hypotheses:
        h.evidence, h.against = ids(h.evidence), ids(h.against)
    for t in result.timeline:
        t.evidence = ids(t.evidence)
    result.timeline = [t for t in result.timeline if t.evidence]
    for p in result.patterns:
        p.evidence = one(p.evidence)
    for a in result.alerts:
        a.evidence = one(a.evidence)
    for c in result.changes:
        c.evidence = one(c.evidence)
    for a in result.anomalies:
        a.evidence = one(a.evidence)
