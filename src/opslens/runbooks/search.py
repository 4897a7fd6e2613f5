"""Ranking: BM25F over document fields, reciprocal rank fusion, and the abstention score.

Pure functions over already-loaded statistics, so ranking can be table-tested without a
database.

BM25F (Robertson, Zaragoza & Taylor 2004): each field's term frequency is length-normalised
within the field, weighted, summed into one pseudo-frequency and only then saturated, so a
term in the title counts more than in the body without a long body drowning the title.

Ranking key: (1 - title_mix) x BM25F normalised by the ideal score, plus title_mix x the
IDF-weighted share of the document's title the query mentions (a runbook titled "Kubelet
Down" is likely the one when the alert says "Kubelet", even if a sibling's body shares more
words). A document named exactly what the alert is named (any spelling) always ranks first.

Confidence (what abstention compares with the threshold) is the share of the query's
*evidence* the best document explains: its BM25F score over evidential terms divided by the
score a document would get if it contained every evidential term at saturation. Terms the
corpus has never seen keep the full IDF weight in the denominator: when an alert's most
specific words appear in no runbook, no runbook is about it. Both are normalised, so one
threshold works across queries of any length and corpora of any size.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from opslens.runbooks.query import Query, TermSource

__all__ = [
    "Field",
    "RankingParams",
    "ScoredDoc",
    "best_section",
    "bm25f",
    "idf",
    "max_evidence",
    "name_coverage",
    "reciprocal_rank_fusion",
    "score_documents",
    "title_precision",
]


class Field(StrEnum):
    """Indexed document fields."""

    NAME = "name"
    HEADINGS = "headings"
    BODY = "body"


@dataclass(frozen=True)
class RankingParams:
    """BM25F constants. Weights favour names (title, file name, aliases) over headings over
    body text; `b` is per field because names are short and nearly constant in length."""

    k1: float = 1.2
    weights: tuple[tuple[Field, float], ...] = (
        (Field.NAME, 3.0),
        (Field.HEADINGS, 1.5),
        (Field.BODY, 1.0),
    )
    b: tuple[tuple[Field, float], ...] = (
        (Field.NAME, 0.5),
        (Field.HEADINGS, 0.5),
        (Field.BODY, 0.75),
    )
    #: Share of the ranking given to how much of a runbook's title the query mentions (the
    #: rest goes to how much of the query the runbook explains).
    title_mix: float = 0.2
    #: Heading vs body weight when choosing the section to show within a document.
    section_heading_weight: float = 2.0
    rrf_k: int = 60

    def weight(self, field: Field) -> float:
        """The BM25F weight of `field`."""
        return self._weight_of[field]

    def b_of(self, field: Field) -> float:
        """The length-normalisation strength of `field`."""
        return self._b_of[field]

    @cached_property
    def _weight_of(self) -> dict[Field, float]:
        return dict(self.weights)

    @cached_property
    def _b_of(self) -> dict[Field, float]:
        return dict(self.b)


@dataclass(frozen=True)
class ScoredDoc:
    """How well one document answers a query.

    `score` is raw BM25F; `confidence` in [0, 1] is the share of the query's evidence the
    document explains (what abstention looks at); `relevance` is the ranking key, mixing
    the normalised BM25F with the share of the document's title the query mentions.
    `name_coverage` (alert-name queries only) is the share of the alert name found in the
    document's names and headings; `exact` marks a document named exactly as the query's
    alert name or runbook_url.
    """

    doc_id: int
    score: float
    confidence: float
    name_coverage: float | None = None
    exact: bool = False
    relevance: float = 0.0


FieldCounts = Mapping[Field, Counter[str]]
_NAMING_FIELDS = (Field.NAME, Field.HEADINGS)


def idf(df: int, total: int) -> float:
    """BM25 inverse document frequency (never negative); unseen terms get the maximum."""
    return math.log(1.0 + (total - df + 0.5) / (df + 0.5))


def bm25f(
    counts: FieldCounts,
    lengths: Mapping[Field, int],
    avg_lengths: Mapping[Field, float],
    query: Query,
    idfs: Mapping[str, float],
    params: RankingParams,
) -> tuple[float, float]:
    """(score over all terms, score over evidential terms) of one document."""
    total = evidence = 0.0
    scale = {}  # field weight over field length normalisation
    for f in counts:
        b = params.b_of(f)
        norm = 1.0 - b + b * lengths.get(f, 0) / max(avg_lengths.get(f, 1.0), 1e-9)
        scale[f] = params.weight(f) / norm
    for qt in query.terms:
        tf = 0.0
        for f, c in counts.items():
            n = c.get(qt.term)
            if n:
                tf += scale[f] * n
        if tf <= 0.0:
            continue
        part = qt.weight * idfs[qt.term] * tf * (params.k1 + 1.0) / (params.k1 + tf)
        total += part
        if qt.evidential:
            evidence += part
    return total, evidence


def name_coverage(counts: FieldCounts, query: Query, idfs: Mapping[str, float]) -> float | None:
    """IDF-weighted share of the alert-name terms found in the document's name or headings.

    None when the query has no alert name. A runbook written for an alert is named after it,
    so a low value means "no runbook here is about an alert of this name".
    """
    named = [qt for qt in query.terms if qt.source is TermSource.NAME]
    if not named:
        return None
    total = sum(idfs[qt.term] for qt in named)
    found = sum(
        idfs[qt.term] for qt in named if any(counts.get(f, {}).get(qt.term) for f in _NAMING_FIELDS)
    )
    return found / total if total > 0 else None


def max_evidence(query: Query, idfs: Mapping[str, float], params: RankingParams,
                 evidential_only: bool = True) -> float:
    """The score of an ideal document containing every (evidential) term at saturation."""
    return sum(
        qt.weight * idfs[qt.term] * (params.k1 + 1.0)
        for qt in query.terms
        if qt.evidential or not evidential_only
    )


def title_precision(title_terms: Iterable[str], query_terms: Container[str],
                    dfs: Mapping[str, int], total: int) -> float:
    """IDF-weighted share of a document's title terms that the query mentions.

    Titles are short statements of what a runbook is about ("Kubelet Down", "Node Not
    Ready"), so a query mentioning most of a title is likely about that runbook even when
    the body shares more words with a sibling's.
    """
    weights = {t: idf(dfs.get(t, 0), total) for t in title_terms}
    total_weight = sum(weights.values())
    if total_weight <= 0:
        return 0.0
    return sum(w for t, w in weights.items() if t in query_terms) / total_weight


def score_documents(
    docs: Mapping[int, FieldCounts],
    avg_lengths: Mapping[Field, float],
    query: Query,
    dfs: Mapping[str, int],
    total_docs: int,
    params: RankingParams,
    titles: Mapping[int, Iterable[str]] | None = None,
) -> list[ScoredDoc]:
    """Rank `docs` for `query`, best first, each with its confidence."""
    idfs = {qt.term: idf(dfs.get(qt.term, 0), total_docs) for qt in query.terms}
    ceiling = max_evidence(query, idfs, params)
    full = max_evidence(query, idfs, params, evidential_only=False)
    # Labels are context, not a statement of the problem: only evidence can "mention" a title.
    asked = {qt.term for qt in query.terms if qt.evidential} or {qt.term for qt in query.terms}
    scored = []
    for doc_id, counts in docs.items():
        lengths = {f: sum(c.values()) for f, c in counts.items()}
        score, evidence = bm25f(counts, lengths, avg_lengths, query, idfs, params)
        names = counts.get(Field.NAME, {})
        exact = any(key in names for key in query.identities)
        if score <= 0.0 and not exact:
            continue
        precision = title_precision((titles or {}).get(doc_id, ()), asked, dfs, total_docs)
        relevance = (1 - params.title_mix) * (score / full if full > 0 else 0.0)
        relevance += params.title_mix * precision
        scored.append(ScoredDoc(
            doc_id, score, evidence / ceiling if ceiling > 0 else 0.0,
            name_coverage(counts, query, idfs), exact, relevance,
        ))
    # A runbook named exactly after the alert outranks any amount of textual similarity.
    scored.sort(key=lambda s: (not s.exact, -s.relevance, s.doc_id))
    return scored


def best_section(
    sections: Sequence[tuple[Counter[str], Counter[str]]],
    query: Query,
    idfs: Mapping[str, float],
    params: RankingParams,
) -> int:
    """Index of the section (heading counts, body counts) that best matches the query.

    Scored with BM25F over heading and body within the document; ties and no-match go to
    the earliest section that has any text.
    """
    if not sections:
        return 0
    avg = {
        Field.HEADINGS: sum(sum(h.values()) for h, _ in sections) / len(sections),
        Field.BODY: sum(sum(b.values()) for _, b in sections) / len(sections),
    }
    local = RankingParams(
        k1=params.k1,
        weights=((Field.HEADINGS, params.section_heading_weight), (Field.BODY, 1.0)),
        b=((Field.HEADINGS, 0.5), (Field.BODY, 0.75)),
    )
    best, best_score = None, 0.0
    for n, (heading, body) in enumerate(sections):
        counts = {Field.HEADINGS: heading, Field.BODY: body}
        lengths = {Field.HEADINGS: sum(heading.values()), Field.BODY: sum(body.values())}
        score, _ = bm25f(counts, lengths, avg, query, idfs, local)
        if score > best_score + 1e-12:
            best, best_score = n, score
    if best is not None:
        return best
    return next((n for n, (_, body) in enumerate(sections) if body), 0)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = 60) -> list[int]:
    """Fuse several best-first id lists: score(id) = sum of 1 / (k + rank) (Cormack 2009)."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(fused, key=lambda i: (-fused[i], i))
