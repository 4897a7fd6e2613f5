"""`RunbookIndex`: build, refresh and query the local runbook index.

The index is one SQLite file (default `data_dir()/runbooks.sqlite`). `refresh` is
incremental: a file whose mtime and size are unchanged is not even read; a file whose bytes
hash the same is only re-stamped; only genuinely changed files are parsed again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from opslens.errors import InputError
from opslens.paths import data_dir
from opslens.runbooks.analysis import analyse_document
from opslens.runbooks.embeddings import Embedder, EmbeddingError, cosine_ranking, pack, unpack
from opslens.runbooks.query import Query, query_terms
from opslens.runbooks.records import RefreshStats, RetrievalStats, RunbookHit
from opslens.runbooks.search import (
    Field,
    RankingParams,
    ScoredDoc,
    best_section,
    idf,
    reciprocal_rank_fusion,
    score_documents,
)
from opslens.runbooks.sections import format_for, parse_document, strip_markup
from opslens.runbooks.store import DocRow, DocTerms, Store
from opslens.runbooks.tokenize import ANALYZER_VERSION

__all__ = ["DEFAULT_THRESHOLD", "RunbookIndex", "SearchResult", "default_db_path"]

log = logging.getLogger(__name__)

#: Minimum confidence of the best match; below it the index abstains (see search.py).
DEFAULT_THRESHOLD = 0.30
MAX_FILE_BYTES = 4 * 1024 * 1024
CANDIDATES = 200
EXCERPT_LINES = 3
LATENCY_SAMPLES = 4096


def default_db_path() -> Path:
    """`$XDG_DATA_HOME/opslens/runbooks.sqlite`."""
    return data_dir() / "runbooks.sqlite"


@dataclass(frozen=True)
class SearchResult:
    """Hits (empty when abstaining) with the evidence for the abstention decision."""

    hits: tuple[RunbookHit, ...]
    best_score: float
    threshold: float

    @property
    def abstained(self) -> bool:
        """True when the best match was too weak to recommend."""
        return not self.hits


@dataclass
class _Corpus:
    """Statistics loaded once per index generation."""

    total: int
    dfs: dict[str, int]
    avg: dict[Field, float]


class RunbookIndex:
    """A local, incremental runbook index with lexical (and optional dense) retrieval."""

    def __init__(self, store: Store, *, threshold: float = DEFAULT_THRESHOLD,
                 params: RankingParams | None = None, embedder: Embedder | None = None) -> None:
        self.store = store
        self.threshold = threshold
        self.params = params or RankingParams()
        self.embedder = embedder
        self.warnings: list[str] = []
        self._corpus: _Corpus | None = None
        self._counts: dict[int, dict[Field, Counter[str]]] = {}
        self._queries = 0
        self._no_result = 0
        self._latencies: deque[float] = deque(maxlen=LATENCY_SAMPLES)
        if store.get_meta("analyzer_version") != str(ANALYZER_VERSION):
            with store.transaction():
                store.invalidate_all()  # tokenisation changed: re-analyse on next refresh
                store.set_meta("analyzer_version", str(ANALYZER_VERSION))

    @classmethod
    def open(cls, db_path: Path | str | None = None, *, threshold: float | None = None,
             embedder: Embedder | None = None, params: RankingParams | None = None) -> RunbookIndex:
        """Open (creating and migrating if needed) the index at `db_path`."""
        path = Path(db_path) if db_path is not None else default_db_path()
        return cls(Store(path), threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
                   params=params, embedder=embedder)

    def close(self) -> None:
        """Close the database."""
        self.store.close()

    def __enter__(self) -> RunbookIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def stats(self) -> RetrievalStats:
        """Query count, abstentions and recent latency samples (seconds)."""
        return RetrievalStats(self._queries, self._no_result, tuple(self._latencies))

    # -- refresh ---------------------------------------------------------------------------

    def refresh(self, dirs: Iterable[Path | str]) -> RefreshStats:
        """Bring the index up to date with `dirs`; files gone from them are dropped."""
        started = time.perf_counter()
        totals = Counter[str]()
        for raw in dirs:
            root = Path(raw).expanduser()
            if not root.is_dir():
                raise InputError(str(raw), "not a directory; give a folder of runbooks")
            with self.store.transaction():
                totals.update(self._refresh_root(root.resolve()))
        if totals["added"] or totals["updated"] or totals["removed"]:
            self._corpus = None
            self._counts.clear()
        if self.embedder is not None:
            self._embed_missing()
        return RefreshStats(seconds=time.perf_counter() - started, **totals)

    def _refresh_root(self, root: Path) -> Counter[str]:
        counts = Counter[str]()
        root_id = self.store.root_id(str(root))
        known = self.store.documents(root_id)
        seen: set[str] = set()
        for path in _walk(root):
            counts["scanned"] += 1
            relpath = path.relative_to(root).as_posix()
            seen.add(relpath)
            st = path.stat()
            old = known.get(relpath)
            if old and old.mtime_ns == st.st_mtime_ns and old.size == st.st_size:
                counts["unchanged"] += 1
                continue
            if st.st_size > MAX_FILE_BYTES:
                counts["skipped"] += 1
                continue
            data = path.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            if old and old.sha256 == sha:
                self.store.touch(old.id, st.st_mtime_ns, st.st_size)
                counts["touched"] += 1
                continue
            self._index_file(root_id, path, relpath, data, DocRow(0, relpath, st.st_mtime_ns, st.st_size, sha))
            counts["updated" if old else "added"] += 1
        gone = [row.id for rel, row in known.items() if rel not in seen]
        self.store.delete(gone)
        counts["removed"] += len(gone)
        return counts

    def _index_file(self, root_id: int, path: Path, relpath: str, data: bytes, row: DocRow) -> None:
        fmt = format_for(path)
        assert fmt is not None  # _walk only yields indexable files
        doc = parse_document(data.decode("utf-8", errors="replace"), fmt, name=path.stem)
        analysed = analyse_document(doc, relpath)
        self.store.put(root_id, row, fmt.value, doc.title, analysed.terms, analysed.sections)

    def _embed_missing(self, batch: int = 16) -> None:
        assert self.embedder is not None
        model = self.embedder.model_id
        have = self.store.embeddings(model)
        todo = []
        for terms in self.store.all_terms():
            sha = self.store.sha_of(terms.id)
            if have.get(terms.id, ("",))[0] != sha:
                todo.append((terms.id, sha))
        for start in range(0, len(todo), batch):
            chunk = todo[start : start + batch]
            vectors = self._embed([self._embedding_text(doc_id) for doc_id, _ in chunk])
            if vectors is None:
                return
            with self.store.transaction():
                for (doc_id, sha), vector in zip(chunk, vectors, strict=True):
                    self.store.put_embedding(doc_id, model, sha, pack(vector))

    def _embedding_text(self, doc_id: int, limit: int = 2000) -> str:
        info = self.store.info(doc_id)
        texts = [info.title]
        for section in self.store.sections(doc_id):
            texts.append(section.heading)
            texts.append(section.text)
        return "\n".join(t for t in texts if t)[:limit]

    def _embed(self, texts: Sequence[str]) -> list[list[float]] | None:
        """Embed or, on the first failure, warn once and continue lexical-only."""
        assert self.embedder is not None
        try:
            return self.embedder.embed(texts)
        except EmbeddingError as exc:
            message = f"{exc}; runbook search continues without embeddings"
            self.warnings.append(message)
            log.warning(message)
            self.embedder = None
            return None

    # -- search ----------------------------------------------------------------------------

    def search(self, query: Query | str, k: int = 3, *, roots: Sequence[Path | str] | None = None
               ) -> list[RunbookHit]:
        """Up to `k` runbooks for `query`, best first; empty when the best match is weak."""
        return list(self.search_detailed(query, k, roots=roots).hits)

    def search_detailed(self, query: Query | str, k: int = 3, *,
                        roots: Sequence[Path | str] | None = None) -> SearchResult:
        """Like `search`, also reporting the best confidence and the threshold."""
        started = time.perf_counter()
        q = query_terms(query)
        ranked = self._rank(q, roots)
        best = ranked[0].confidence if ranked else 0.0
        hits: tuple[RunbookHit, ...] = ()
        if ranked and best >= self.threshold:
            hits = tuple(self._hit(doc, q) for doc in ranked[:k])
        self._queries += 1
        self._no_result += not hits
        self._latencies.append(time.perf_counter() - started)
        return SearchResult(hits, best, self.threshold)

    def _rank(self, q: Query, roots: Sequence[Path | str] | None) -> list[ScoredDoc]:
        if not q:
            return []
        corpus = self._load_corpus()
        root_ids = self.store.root_ids(str(Path(r).expanduser().resolve()) for r in roots) if roots else None
        terms = [t.term for t in q.terms]
        weights = [self.params.weight(f) for f in Field]
        docs = {d.id: self._doc_counts(d) for d in self.store.candidates(terms, weights, CANDIDATES, root_ids)}
        lexical = score_documents(docs, corpus.avg, q, corpus.dfs, corpus.total, self.params)
        dense = self._dense_ranking(q, root_ids)
        if not dense:
            return lexical
        by_id = {s.doc_id: s for s in lexical}
        order = reciprocal_rank_fusion([[s.doc_id for s in lexical], dense], self.params.rrf_k)
        best = lexical[0].confidence if lexical else 0.0
        fused = [by_id.get(i, ScoredDoc(i, 0.0, 0.0)) for i in order]
        # Abstention stays lexical: the fused head inherits the best lexical confidence.
        return [ScoredDoc(fused[0].doc_id, fused[0].score, best), *fused[1:]] if fused else []

    def _dense_ranking(self, q: Query, root_ids: list[int] | None) -> list[int]:
        if self.embedder is None:
            return []
        stored = self.store.embeddings(self.embedder.model_id)
        if not stored:
            return []
        vectors = self._embed([q.text or " ".join(t.term for t in q.terms)])
        if not vectors:
            return []
        allowed = None if root_ids is None else {d.id for d in self.store.all_terms(root_ids)}
        pool = {i: unpack(v) for i, (_, v) in stored.items() if allowed is None or i in allowed}
        return cosine_ranking(vectors[0], pool, CANDIDATES)

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

    def _hit(self, doc: ScoredDoc, q: Query) -> RunbookHit:
        corpus = self._load_corpus()
        info = self.store.info(doc.doc_id)
        sections = self.store.sections(doc.doc_id)
        idfs = {t.term: idf(corpus.dfs.get(t.term, 0), corpus.total) for t in q.terms}
        counts = [(Counter(s.heading_terms.split()), Counter(s.body_terms.split())) for s in sections]
        chosen = sections[best_section(counts, q, idfs, self.params)] if sections else None
        return RunbookHit(
            path=info.relpath,
            section=chosen.heading if chosen else "",
            heading_path=chosen.heading_path if chosen else (),
            score=round(doc.confidence, 4),
            excerpt=_excerpt(chosen.text, format_for(Path(info.relpath))) if chosen else "",
            title=info.title,
            root=info.root,
            line=chosen.line if chosen else 1,
            raw_score=round(doc.score, 4),
        )


def _walk(root: Path) -> Iterator[Path]:
    """Indexable files under `root` in a stable order, skipping hidden files and folders."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if not name.startswith(".") and format_for(path) is not None and path.is_file():
                yield path


def _excerpt(text: str, fmt, lines: int = EXCERPT_LINES, width: int = 300) -> str:
    """The first non-empty lines of a section, markup links reduced to their text."""
    plain = strip_markup(text, fmt) if fmt is not None else text
    picked = [ln.strip() for ln in plain.splitlines() if ln.strip()][:lines]
    joined = "\n".join(picked)
    return joined if len(joined) <= width else joined[: width - 1].rstrip() + "…"
