"""`RunbookIndex`: build, refresh and query the local runbook index.

The index is one SQLite file (default `data_dir()/runbooks.sqlite`); see `refresh.py` for
incremental indexing, `search.py` for ranking and abstention, `dense.py` for embeddings.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from opslens.errors import InputError
from opslens.paths import data_dir
from opslens.runbooks.dense import DenseRanker
from opslens.runbooks.embeddings import Embedder
from opslens.runbooks.query import Query, as_query
from opslens.runbooks.records import RefreshStats, RetrievalStats, RunbookHit
from opslens.runbooks.refresh import refresh_root
from opslens.runbooks.search import (
    Field,
    RankingParams,
    ScoredDoc,
    best_section,
    idf,
    reciprocal_rank_fusion,
    score_documents,
)
from opslens.runbooks.sections import format_for, strip_markup
from opslens.runbooks.store import DocTerms, SectionRow, Store
from opslens.runbooks.tokenize import ANALYZER_VERSION

__all__ = [
    "DEFAULT_THRESHOLD",
    "NAME_MISMATCH_THRESHOLD",
    "RunbookIndex",
    "SearchResult",
    "default_db_path",
]

#: Minimum confidence of the best match; below it the index abstains (see search.py).
DEFAULT_THRESHOLD = 0.20
#: Stricter minimum when the query carries an alert name that the best runbook's name and
#: headings do not explain: a runbook written for that alert would be named after it.
NAME_MISMATCH_THRESHOLD = 0.55
#: IDF-weighted share of an alert name a runbook's names/headings must contain to count as
#: "named after it".
NAME_COVERAGE_MIN = 0.75
CANDIDATES = 200
EXCERPT_LINES = 3
LATENCY_SAMPLES = 4096


def default_db_path() -> Path:
    """`$XDG_DATA_HOME/opslens/runbooks.sqlite`."""
    return data_dir() / "runbooks.sqlite"


@dataclass(frozen=True)
class SearchResult:
    """Hits (empty when abstaining) with the evidence for the abstention decision:
    the best document's score and the threshold it had to reach."""

    hits: tuple[RunbookHit, ...]
    best_score: float
    threshold: float

    @property
    def abstained(self) -> bool:
        """True when the best match was too weak to recommend."""
        return not self.hits


@dataclass(frozen=True)
class _Corpus:
    """Collection statistics, loaded once per index generation."""

    total: int
    dfs: dict[str, int]
    avg: dict[Field, float]


class RunbookIndex:
    """A local, incremental runbook index with lexical (and optional dense) retrieval."""

    def __init__(
        self,
        store: Store,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        name_mismatch_threshold: float = NAME_MISMATCH_THRESHOLD,
        params: RankingParams | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.store = store
        self.threshold = threshold
        self.name_mismatch_threshold = max(threshold, name_mismatch_threshold)
        self.params = params or RankingParams()
        self.dense = DenseRanker(store, embedder)
        self._corpus: _Corpus | None = None
        self._counts: dict[int, dict[Field, Counter[str]]] = {}
        self._sections: dict[int, tuple[list[SectionRow], list[tuple[Counter[str], Counter[str]]]]] = {}
        self._queries = 0
        self._no_result = 0
        self._latencies: deque[float] = deque(maxlen=LATENCY_SAMPLES)
        if store.get_meta("analyzer_version") != str(ANALYZER_VERSION):
            with store.transaction():
                store.invalidate_all()  # tokenisation changed: re-analyse on next refresh
                store.set_meta("analyzer_version", str(ANALYZER_VERSION))

    @classmethod
    def open(
        cls,
        db_path: Path | str | None = None,
        *,
        threshold: float | None = None,
        name_mismatch_threshold: float | None = None,
        embedder: Embedder | None = None,
        params: RankingParams | None = None,
    ) -> RunbookIndex:
        """Open (creating and migrating if needed) the index at `db_path`."""
        path = Path(db_path) if db_path is not None else default_db_path()
        return cls(
            Store(path),
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
            name_mismatch_threshold=(
                NAME_MISMATCH_THRESHOLD if name_mismatch_threshold is None
                else name_mismatch_threshold
            ),
            params=params,
            embedder=embedder,
        )

    def close(self) -> None:
        """Close the database and the embedder."""
        self.dense.close()
        self.store.close()

    def __enter__(self) -> RunbookIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def stats(self) -> RetrievalStats:
        """Query count, abstentions and recent latency samples (seconds)."""
        return RetrievalStats(self._queries, self._no_result, tuple(self._latencies))

    @property
    def warnings(self) -> list[str]:
        """Problems met so far that did not stop retrieval (e.g. embeddings unavailable)."""
        return list(self.dense.warnings)

    def document_count(self) -> int:
        """Searchable documents in the index."""
        return self._load_corpus().total

    def refresh(self, dirs: Iterable[Path | str]) -> RefreshStats:
        """Bring the index up to date with `dirs`; files gone from them are dropped."""
        started = time.perf_counter()
        totals: Counter[str] = Counter()
        for raw in dirs:
            root = Path(raw).expanduser()
            if not root.is_dir():
                raise InputError(str(raw), "not a directory; give a folder of runbooks")
            with self.store.transaction():
                totals.update(refresh_root(self.store, root.resolve()))
        if totals["added"] or totals["updated"] or totals["removed"]:
            self._corpus = None
            self._counts.clear()
            self._sections.clear()
        self.dense.embed_missing()
        return RefreshStats(seconds=time.perf_counter() - started, **totals)

    def search(self, query: Query | str, k: int = 3, *,
               roots: Sequence[Path | str] | None = None) -> list[RunbookHit]:
        """Up to `k` runbooks for `query`, best first; empty when the best match is weak."""
        return list(self.search_detailed(query, k, roots=roots).hits)

    def search_detailed(self, query: Query | str, k: int = 3, *,
                        roots: Sequence[Path | str] | None = None) -> SearchResult:
        """Like `search`, also reporting the best score and the threshold it was held to."""
        started = time.perf_counter()
        q = as_query(query)
        ranked = self._rank(q, roots)
        best = _shown_score(ranked[0]) if ranked else 0.0
        threshold = self.threshold_for(ranked[0]) if ranked else self.threshold
        hits: tuple[RunbookHit, ...] = ()
        if ranked and best >= threshold:
            hits = tuple(self._hit(doc, q) for doc in ranked[: max(k, 0)])
        self._queries += 1
        self._no_result += not hits
        self._latencies.append(time.perf_counter() - started)
        return SearchResult(hits, best, threshold)

    def threshold_for(self, best: ScoredDoc) -> float:
        """The confidence the best document needs: none for an exact name match, more when
        the query names an alert the document is not named after."""
        if best.exact:
            return 0.0
        if best.name_coverage is not None and best.name_coverage < NAME_COVERAGE_MIN:
            return self.name_mismatch_threshold
        return self.threshold

    def _rank(self, q: Query, roots: Sequence[Path | str] | None) -> list[ScoredDoc]:
        if not q:
            return []
        corpus = self._load_corpus()
        root_ids = None
        if roots is not None:
            root_ids = self.store.root_ids(str(Path(r).expanduser().resolve()) for r in roots)
        terms = list(dict.fromkeys([*(t.term for t in q.terms), *q.identities]))
        weights = [self.params.weight(f) for f in Field]
        found = self.store.candidates(terms, weights, CANDIDATES, root_ids)
        docs = {d.id: self._doc_counts(d) for d in found}
        titles = {d.id: d.title_terms.split() for d in found}
        lexical = score_documents(docs, corpus.avg, q, corpus.dfs, corpus.total, self.params,
                                  titles)
        if not self.dense.active:
            return lexical
        allowed = None if root_ids is None else set(self.store.doc_ids(root_ids))
        dense = self.dense.rank(q.text or " ".join(terms), allowed, CANDIDATES)
        return _fuse(lexical, dense, self.params.rrf_k) if dense else lexical

    def _load_corpus(self) -> _Corpus:
        if self._corpus is None:
            total, dfs = self.store.document_frequencies()
            avg = dict(zip(Field, self.store.average_lengths(), strict=True))
            self._corpus = _Corpus(total, dfs, avg)
        return self._corpus

    def _doc_counts(self, terms: DocTerms) -> dict[Field, Counter[str]]:
        cached = self._counts.get(terms.id)
        if cached is None:
            cached = {
                Field.NAME: Counter(terms.name.split()),
                Field.HEADINGS: Counter(terms.headings.split()),
                Field.BODY: Counter(terms.body.split()),
            }
            self._counts[terms.id] = cached
        return cached

    def _section_counts(
        self, doc_id: int
    ) -> tuple[list[SectionRow], list[tuple[Counter[str], Counter[str]]]]:
        cached = self._sections.get(doc_id)
        if cached is None:
            rows = self.store.sections(doc_id)
            counts = [(Counter(s.heading_terms.split()), Counter(s.body_terms.split()))
                      for s in rows]
            cached = self._sections[doc_id] = (rows, counts)
        return cached

    def _hit(self, doc: ScoredDoc, q: Query) -> RunbookHit:
        corpus = self._load_corpus()
        info = self.store.info(doc.doc_id)
        sections, counts = self._section_counts(doc.doc_id)
        idfs = {t.term: idf(corpus.dfs.get(t.term, 0), corpus.total) for t in q.terms}
        chosen = sections[best_section(counts, q, idfs, self.params)] if sections else None
        fmt = format_for(Path(info.relpath))
        return RunbookHit(
            path=info.relpath,
            section=chosen.heading if chosen else "",
            heading_path=chosen.heading_path if chosen else (),
            score=round(_shown_score(doc), 4),
            excerpt=_excerpt(strip_markup(chosen.text, fmt) if chosen and fmt else ""),
            title=info.title,
            root=info.root,
            line=chosen.line if chosen else 1,
            raw_score=round(doc.score, 4),
        )


def _fuse(lexical: list[ScoredDoc], dense: list[int], k: int) -> list[ScoredDoc]:
    """Reciprocal rank fusion of the two rankings. Exact name matches stay on top, and
    abstention stays lexical: the fused head carries the best lexical evidence."""
    by_id = {s.doc_id: s for s in lexical}
    exact = [s for s in lexical if s.exact]
    exact_ids = {s.doc_id for s in exact}
    order = reciprocal_rank_fusion(
        [[s.doc_id for s in lexical if not s.exact], [i for i in dense if i not in exact_ids]], k
    )
    fused = exact + [by_id.get(i, ScoredDoc(i, 0.0, 0.0)) for i in order]
    if exact or not lexical or not fused:
        return fused
    head = lexical[0]
    return [replace(fused[0], confidence=head.confidence, name_coverage=head.name_coverage),
            *fused[1:]]


def _shown_score(doc: ScoredDoc) -> float:
    """The score a hit reports: 1.0 for an exact name match, else its confidence."""
    return 1.0 if doc.exact else doc.confidence


def _excerpt(text: str, lines: int = EXCERPT_LINES, width: int = 300) -> str:
    """The first non-empty lines of a section, at most `width` characters."""
    picked = [ln.strip() for ln in text.splitlines()
              if ln.strip() and not ln.lstrip().startswith(("```", "~~~"))][:lines]
    joined = "\n".join(picked)
    return joined if len(joined) <= width else joined[: width - 1].rstrip() + "…"
