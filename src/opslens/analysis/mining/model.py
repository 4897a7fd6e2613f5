"""The template miner's records: its bounds, the template view it hands out, the group it keeps."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, NamedTuple

from opslens.analysis.mining.tokens import is_wild


@dataclass(frozen=True)
class MinerConfig:
    """Bounds and the few knobs of the one universal configuration (no per-source tuning)."""

    #: Share of a group's constant words a new shape must repeat to join it.
    similarity: float = 0.5
    #: A one-word family merges once it has this many distinct values ...
    family_min_values: int = 5
    #: ... of which at least this share were seen at most twice (a variable, not an enum);
    family_rare_share: float = 0.5
    #: or once it has this many distinct lower-case names (`user cyrus|news|test`), away from
    #: the start of a template of at least `family_name_context` constant words.
    family_name_values: int = 3
    family_name_context: int = 5
    #: A group seen this often keeps its plain words against a shape with no word there.
    firm_count: int = 5
    max_groups: int = 20_000
    max_shapes: int = 200_000
    #: Entries of the masking cache (see `masking.Masker`).
    max_mask_cache: int = 65_536
    max_examples: int = 3
    max_samples: int = 8
    max_param_values: int = 10
    #: How far apart in token count two templates may be and still merge across a gap.
    max_gap: int = 3


class Example(NamedTuple):
    """One verbatim line of a template and where it came from."""

    origin: str | None
    text: str


class TemplateInfo(NamedTuple):
    """The final view of one template."""

    id: str
    key: int
    template: str
    count: int
    first_seen: float | None
    last_seen: float | None
    examples: tuple[Example, ...]
    params: tuple[tuple[str, ...], ...]


class Group:
    """One same-length cluster. `matchable` while new shapes may join it (it is indexed)."""

    __slots__ = ("tokens", "words", "count", "first", "last", "samples", "matchable")

    def __init__(self, tokens: list[str]) -> None:
        self.set_tokens(tokens)
        self.count = 0
        self.first: float | None = None
        self.last: float | None = None
        self.samples: list[tuple[Any, str]] = []
        self.matchable = True

    def set_tokens(self, tokens: list[str]) -> None:
        self.tokens = tokens
        #: The constant tokens, to skip most groups with one set operation when matching.
        self.words = frozenset(t for t in tokens if not is_wild(t))



def template_id(template: str) -> str:
    """Stable id of a template text: the same pattern has the same id on every run and host."""
    return hashlib.blake2b(template.encode("utf-8"), digest_size=8).hexdigest()
