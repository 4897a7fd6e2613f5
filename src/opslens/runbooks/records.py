"""Records that cross the runbooks package boundary (all frozen)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["RefreshStats", "RetrievalStats", "RunbookHit"]


@dataclass(frozen=True)
class RunbookHit:
    """One recommended runbook and the section of it that best matches the query.

    `path` is relative to the indexed directory `root`. `score` is the match confidence in
    [0, 1] (the share of the query's evidence the runbook explains), the same quantity the
    index compares with its abstention `threshold`. `raw_score` is the BM25F score used for
    lexical ordering; `line` is the 1-based line of the section heading.
    """

    path: str
    section: str
    heading_path: tuple[str, ...]
    score: float
    excerpt: str
    title: str = ""
    root: str = ""
    line: int = 1
    raw_score: float = 0.0


@dataclass(frozen=True)
class RefreshStats:
    """What one `refresh` did. `reindexed` counts files whose content was parsed again."""

    scanned: int = 0
    added: int = 0
    updated: int = 0
    touched: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    seconds: float = 0.0

    @property
    def reindexed(self) -> int:
        """Files parsed and tokenised in this refresh (0 for an unchanged corpus)."""
        return self.added + self.updated

    @property
    def changed(self) -> bool:
        """Whether the index content changed at all."""
        return bool(self.added or self.updated or self.removed)


@dataclass(frozen=True)
class RetrievalStats:
    """Counters for metrics: queries answered, queries that abstained, latency samples."""

    queries: int = 0
    no_result_count: int = 0
    latency_seconds: tuple[float, ...] = field(default_factory=tuple)
