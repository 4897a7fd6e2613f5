"""Runbook recommendation: index a team's runbooks, retrieve the right one for an alert.

    from opslens.runbooks import RunbookIndex, query_from_alert
    with RunbookIndex.open() as idx:
        idx.refresh(["~/runbooks"])
        hits = idx.search(query_from_alert(alert), k=3)   # [] when it abstains
"""

from opslens.runbooks.config import RunbooksConfig, load_config, open_index
from opslens.runbooks.embeddings import Embedder, EmbeddingError, OllamaEmbedder, embedder_from_spec
from opslens.runbooks.index import DEFAULT_THRESHOLD, RunbookIndex, SearchResult, default_db_path
from opslens.runbooks.query import Query, queries_from_payload, query_from_alert, query_from_text
from opslens.runbooks.records import RefreshStats, RetrievalStats, RunbookHit

__all__ = [
    "DEFAULT_THRESHOLD",
    "Embedder",
    "EmbeddingError",
    "OllamaEmbedder",
    "Query",
    "RefreshStats",
    "RetrievalStats",
    "RunbookHit",
    "RunbookIndex",
    "RunbooksConfig",
    "SearchResult",
    "default_db_path",
    "embedder_from_spec",
    "load_config",
    "open_index",
    "queries_from_payload",
    "query_from_alert",
    "query_from_text",
]
