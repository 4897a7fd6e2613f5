"""Where a new shape looks for a group to join, and which groups form a one-word family.

Groups that may still take new shapes (`matchable`) are indexed by (token count, constant
token); groups with no constant token at all by token count alone. A group is also filed under
each of its *family keys*: its template with one plain word replaced by a slot, so groups that
differ in that word only (`user admin` / `user oracle`) share a key.
"""

from __future__ import annotations

import heapq
import re
from typing import Any

from opslens.analysis.mining.model import Group, MinerConfig
from opslens.analysis.mining.tokens import is_wild, word_slot

#: Bounds of the search for a new shape's group: postings read, candidates compared.
_POSTINGS_BUDGET = 1024
_MAX_CANDIDATES = 64


def family_keys(tokens: list[str]) -> list[tuple[int, str]]:
    """(position, template with a slot there) for every plain word that may be a variable."""
    keys: list[tuple[int, str]] = []
    # A word needs context to be judged a variable: two more constant words around it.
    if sum(1 for t in tokens if not is_wild(t)) < 3:
        return keys
    for i, tok in enumerate(tokens):
        slot = word_slot(tok)
        if slot is not None:
            keys.append((i, " ".join(tokens[:i] + [slot] + tokens[i + 1 :])))
    return keys


_NAME = re.compile(r"[a-z]{3,}")


def family_is_variable(position: int, members: list[Group], config: MinerConfig) -> bool:
    """True when the word at `position` of a family's groups has proved to be a variable.

    Either it took many values, mostly rare ones (an enumeration repeats a few values often),
    or a few lower-case names inside a long constant sentence (`session opened for user
    cyrus|news|test by`): states and verbs are capitalised or short, and a sentence that long
    around one slot names a thing. The first word is never judged this way (it often is the verb).
    """
    counts = [g.count for g in members]
    rare = sum(1 for c in counts if c <= 2)
    if len(members) >= config.family_min_values and rare >= config.family_rare_share * len(counts):
        return True
    if position == 0 or len(members) < config.family_name_values:
        return False
    constants = sum(1 for t in members[0].tokens if not is_wild(t))
    return constants >= config.family_name_context and all(
        _NAME.fullmatch(g.tokens[position]) for g in members
    )


class GroupIndex:
    """The lookups over the miner's `groups` (the same list: group ids are its indexes)."""

    def __init__(self, groups: list[Group]) -> None:
        self._groups = groups
        self._postings: dict[tuple[int, str], set[int]] = {}  # (length, constant token) -> groups
        self.wordless: dict[int, set[int]] = {}  # token count -> matchable all-variable groups
        self.families: dict[tuple[int, str], set[int]] = {}  # family key -> groups

    def add(self, gid: int) -> None:
        """Make a group findable: by its constant tokens (or its length) and its families."""
        group = self._groups[gid]
        n = len(group.tokens)
        for word in group.words:
            self._postings.setdefault((n, word), set()).add(gid)
        if not group.words:
            self.wordless.setdefault(n, set()).add(gid)
        for key in family_keys(group.tokens):
            self.families.setdefault(key, set()).add(gid)

    def remove(self, gid: int) -> None:
        """Undo `add` (before the group's tokens change, or when it stops being matchable)."""
        group = self._groups[gid]
        n = len(group.tokens)
        for word in group.words:
            _discard(self._postings, (n, word), gid)
        if not group.words:
            _discard(self.wordless, n, gid)
        for key in family_keys(group.tokens):
            _discard(self.families, key, gid)

    def candidates(
        self, length: int, words: set[str] | frozenset[str], least: int = 1
    ) -> list[int]:
        """Matchable groups of `length` tokens sharing at least `least` constant tokens with
        `words`, the most shared first. Bounded: the rarest tokens are looked up first until a
        budget of postings is spent, and at most `_MAX_CANDIDATES` are returned."""
        shared: dict[int, int] = {}
        budget = _POSTINGS_BUDGET
        postings = self._postings
        for posting in sorted((postings.get((length, w), ()) for w in words), key=len):
            if len(posting) > budget:
                break
            budget -= len(posting)
            for gid in posting:
                shared[gid] = shared.get(gid, 0) + 1
        if least > 1:
            shared = {g: c for g, c in shared.items() if c >= least}
        if len(shared) <= _MAX_CANDIDATES:
            return sorted(shared, key=lambda g: (-shared[g], g))
        return heapq.nsmallest(_MAX_CANDIDATES, shared, key=lambda g: (-shared[g], g))


def _discard(index: dict[Any, set[int]], key: Any, gid: int) -> None:
    members = index.get(key)
    if members is not None:
        members.discard(gid)
        if not members:
            del index[key]
