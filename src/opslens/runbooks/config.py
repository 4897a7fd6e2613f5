"""The `[runbooks]` configuration table and how an index is opened from it.

    [runbooks]
    dirs = ["~/src/team-runbooks"]        # refreshed before searching
    db_path = "~/.local/share/opslens/runbooks.sqlite"
    threshold = 0.2                        # abstain below this confidence
    embeddings = "ollama:nomic-embed-text" # or "sentence-transformers:MODEL", default "none"
    ollama_url = "http://127.0.0.1:11434"

Precedence: explicit arguments (CLI flags) > environment (`OPSLENS_RUNBOOKS_DB`,
`OPSLENS_RUNBOOKS_EMBEDDINGS`, `OLLAMA_HOST`) > this table > defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from opslens import config
from opslens.runbooks.embeddings import DEFAULT_OLLAMA_URL, embedder_from_spec
from opslens.runbooks.index import DEFAULT_THRESHOLD, NAME_MISMATCH_THRESHOLD, RunbookIndex

__all__ = ["RunbooksConfig", "load_config", "open_index"]


class RunbooksConfig(BaseModel):
    """Validated `[runbooks]` table."""

    model_config = ConfigDict(extra="forbid")

    dirs: list[Path] = Field(default_factory=list)
    db_path: Path | None = None
    threshold: float = Field(DEFAULT_THRESHOLD, ge=0.0, le=1.0)
    name_mismatch_threshold: float = Field(NAME_MISMATCH_THRESHOLD, ge=0.0, le=1.0)
    embeddings: str = "none"
    ollama_url: str = DEFAULT_OLLAMA_URL


def load_config() -> RunbooksConfig:
    """The `[runbooks]` table with environment overrides applied."""
    cfg = config.section("runbooks", RunbooksConfig)
    updates: dict[str, object] = {}
    if db := os.environ.get("OPSLENS_RUNBOOKS_DB"):
        updates["db_path"] = Path(db)
    if spec := os.environ.get("OPSLENS_RUNBOOKS_EMBEDDINGS"):
        updates["embeddings"] = spec
    if host := os.environ.get("OLLAMA_HOST"):
        updates["ollama_url"] = host if "://" in host else f"http://{host}"
    return cfg.model_copy(update=updates)


def open_index(
    cfg: RunbooksConfig | None = None,
    *,
    db_path: Path | None = None,
    embeddings: str | None = None,
    threshold: float | None = None,
) -> RunbookIndex:
    """Open the index described by `cfg` (default: `load_config()`), arguments winning."""
    cfg = cfg or load_config()
    spec = embeddings if embeddings is not None else cfg.embeddings
    embedder = embedder_from_spec(spec, {"url": cfg.ollama_url})
    path = db_path or cfg.db_path
    return RunbookIndex.open(
        path.expanduser() if path else None,
        threshold=cfg.threshold if threshold is None else threshold,
        name_mismatch_threshold=cfg.name_mismatch_threshold,
        embedder=embedder,
    )
