"""Dense retrieval alongside the lexical index: embed documents once, rank by cosine.

Any provider failure disables dense retrieval for the rest of the session with exactly one
warning; lexical retrieval is unaffected.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from opslens.runbooks.embeddings import Embedder, EmbeddingError, cosine_ranking, pack, unpack
from opslens.runbooks.store import Store

__all__ = ["DenseRanker"]

log = logging.getLogger(__name__)

#: Characters of a document sent for embedding (title, headings and the start of the text).
EMBED_CHARS = 2000
BATCH = 16


class DenseRanker:
    """Owns an embedder, the stored document vectors and the single failure warning."""

    def __init__(self, store: Store, embedder: Embedder | None) -> None:
        self.store = store
        self.embedder = embedder
        self.warnings: list[str] = []

    @property
    def active(self) -> bool:
        """Whether dense retrieval is configured and has not failed."""
        return self.embedder is not None

    def embed_missing(self) -> int:
        """Embed every searchable document without a current vector; returns how many."""
        if self.embedder is None:
            return 0
        model = self.embedder.model_id
        have = self.store.embeddings(model)
        todo = [
            (doc_id, sha)
            for doc_id, sha in self.store.document_hashes()
            if have.get(doc_id, ("",))[0] != sha
        ]
        done = 0
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            vectors = self._embed([self._text(doc_id) for doc_id, _ in chunk])
            if vectors is None:
                break
            with self.store.transaction():
                for (doc_id, sha), vector in zip(chunk, vectors, strict=True):
                    self.store.put_embedding(doc_id, model, sha, pack(vector))
            done += len(chunk)
        return done

    def rank(self, text: str, allowed: set[int] | None, limit: int) -> list[int]:
        """Document ids by cosine similarity to `text`, best first (empty when inactive)."""
        if self.embedder is None:
            return []
        stored = self.store.embeddings(self.embedder.model_id)
        if not stored:
            return []
        vectors = self._embed([text])
        if not vectors:
            return []
        pool = {i: unpack(v) for i, (_, v) in stored.items() if allowed is None or i in allowed}
        return cosine_ranking(vectors[0], pool, limit)

    def _text(self, doc_id: int) -> str:
        info = self.store.info(doc_id)
        parts = [info.title]
        for section in self.store.sections(doc_id):
            parts.extend((section.heading, section.text))
        return "\n".join(p for p in parts if p)[:EMBED_CHARS]

    def _embed(self, texts: Sequence[str]) -> list[list[float]] | None:
        """Embed, or on the first failure warn once and switch dense retrieval off."""
        if self.embedder is None:
            return None
        try:
            return self.embedder.embed(texts)
        except EmbeddingError as exc:
            message = f"{exc}; runbook search continues without embeddings"
            self.warnings.append(message)
            log.warning(message)
            self.close()
            return None

    def close(self) -> None:
        """Release the embedder's resources and stop using it."""
        closer = getattr(self.embedder, "close", None)
        if callable(closer):
            closer()
        self.embedder = None
