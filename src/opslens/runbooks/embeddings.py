"""Optional dense embeddings: Ollama's `/api/embed`, or a locally installed
sentence-transformers model. Nothing is ever downloaded: Ollama serves models the user
pulled, and sentence-transformers is loaded with the Hugging Face hub forced offline.

Providers register in `PROVIDERS` (name -> factory); an unknown name is a loud error.
"""

from __future__ import annotations

import importlib.util
import math
import os
from array import array
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import httpx

from opslens.errors import ConfigError, ProviderError

__all__ = [
    "PROVIDERS",
    "Embedder",
    "EmbeddingError",
    "OllamaEmbedder",
    "SentenceTransformerEmbedder",
    "cosine_ranking",
    "embedder_from_spec",
    "pack",
    "unpack",
]

DEFAULT_OLLAMA_URL = "http://127.0.0.1:11434"


class EmbeddingError(ProviderError):
    """The embedding provider failed; callers fall back to lexical search."""


class Embedder(Protocol):
    """Anything that turns texts into vectors. `model_id` keys stored vectors."""

    model_id: str

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order; raises EmbeddingError."""
        ...


class OllamaEmbedder:
    """`POST /api/embed` with `{"model", "input": [...]}` -> `{"embeddings": [[...]]}`."""

    def __init__(
        self,
        model: str,
        base_url: str = DEFAULT_OLLAMA_URL,
        *,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.model = model
        self.model_id = f"ollama:{model}"
        self.url = base_url.rstrip("/") + "/api/embed"
        self._client = httpx.Client(timeout=timeout, transport=transport)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed `texts` in one request."""
        try:
            response = self._client.post(self.url, json={"model": self.model, "input": list(texts)})
        except httpx.HTTPError as exc:
            raise EmbeddingError(f"ollama at {self.url} is unreachable: {exc}") from exc
        if response.status_code != 200:
            raise EmbeddingError(
                f"ollama embedding model {self.model!r} failed "
                f"(HTTP {response.status_code}: {_error_text(response)})"
            )
        try:
            vectors = response.json()["embeddings"]
        except (ValueError, KeyError, TypeError) as exc:
            raise EmbeddingError(f"ollama at {self.url} sent an unexpected response") from exc
        if not isinstance(vectors, list) or len(vectors) != len(texts):
            raise EmbeddingError(f"ollama returned {len(vectors)} vectors for {len(texts)} texts")
        return [[float(x) for x in v] for v in vectors]

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()


def _error_text(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", "")) or response.reason_phrase
    except ValueError:
        return response.text[:200] or response.reason_phrase


class SentenceTransformerEmbedder:
    """A sentence-transformers model that is already on disk (hub access forced offline)."""

    def __init__(self, model: str) -> None:
        if importlib.util.find_spec("sentence_transformers") is None:
            raise EmbeddingError("sentence-transformers is not installed")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never download a model
        from sentence_transformers import SentenceTransformer

        try:
            self._model: Any = SentenceTransformer(model, local_files_only=True)
        except Exception as exc:  # the library raises many types for a missing model
            raise EmbeddingError(f"sentence-transformers model {model!r} is not available locally: {exc}") from exc
        self.model_id = f"sentence-transformers:{model}"

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed `texts` locally."""
        return [list(map(float, v)) for v in self._model.encode(list(texts))]


PROVIDERS: Mapping[str, Callable[[str, Mapping[str, str]], Embedder]] = {
    "ollama": lambda model, opts: OllamaEmbedder(model, opts.get("url") or DEFAULT_OLLAMA_URL),
    "sentence-transformers": lambda model, opts: SentenceTransformerEmbedder(model),
}


def embedder_from_spec(spec: str, options: Mapping[str, str] | None = None) -> Embedder | None:
    """Build an embedder from `"provider:model"`; `""` or `"none"` means lexical only."""
    spec = spec.strip()
    if spec in ("", "none"):
        return None
    provider, _, model = spec.partition(":")
    if provider not in PROVIDERS:
        known = ", ".join(sorted(PROVIDERS))
        raise ConfigError(f"unknown embedding provider {provider!r} (known: {known}, none)")
    if not model:
        raise ConfigError(f"embedding spec {spec!r} needs a model: '{provider}:MODEL'")
    return PROVIDERS[provider](model, options or {})


def pack(vector: Sequence[float]) -> bytes:
    """L2-normalise and pack as float32 bytes."""
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return array("f", (x / norm for x in vector)).tobytes()


def unpack(blob: bytes) -> array:
    """Inverse of `pack`."""
    out = array("f")
    out.frombytes(blob)
    return out


def cosine_ranking(query: Sequence[float], vectors: Mapping[int, array], limit: int) -> list[int]:
    """Ids of the `limit` stored vectors most similar to `query`, best first."""
    q = unpack(pack(query))
    scores = [
        (sum(a * b for a, b in zip(q, v, strict=False)), doc_id)
        for doc_id, v in vectors.items()
        if len(v) == len(q)
    ]
    scores.sort(key=lambda s: (-s[0], s[1]))
    return [doc_id for _, doc_id in scores[:limit]]
