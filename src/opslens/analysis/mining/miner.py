"""The streaming template miner.

Each message is masked (`masking`) and looked up as a whole in a dict of known shapes: most lines
repeat a shape already seen, so that is the hot path. A new shape is compared with the groups
of its token count that share its constant words (a *group* is a Drain-like cluster: one
template, one length), found through an index of those words (`index`), rarest first and at
most 64 candidates; the best one whose differing tokens all look like values takes it and turns
those positions into `<*>` (a group seen `firm_count` times keeps its plain words against a shape
with no word there). Otherwise it starts a new group.

Groups that belong together are then joined with a union-find, which is what `canonical()` reads:
- *families*: groups that differ in one plain word only (`user admin` / `user oracle`) are kept
  apart at first, because that word may be an enumeration (`Link Up` / `Link Down`); once the
  position has shown many distinct, mostly rare values, or a few lower-case names inside a long
  constant sentence, it is a variable and the family merges (see `index.family_is_variable`);
- *gaps*: templates of different lengths whose differences are all next to variables
  (`lifetime <*>:<*>` / `lifetime <<*> sec`) merge into one event;
- *convergence*: two sets whose rendered templates became equal merge.

A set's template is rendered from its groups; its id is a hash of that text, so the same
pattern has the same id across runs and hosts. Memory is bounded by `MinerConfig`: at most
`max_groups` groups (the rarest are folded into one catch-all) and a few samples per group.
"""

from __future__ import annotations

import math
from array import array
from typing import Any

from opslens.analysis.mining.index import GroupIndex, family_is_variable, family_keys
from opslens.analysis.mining.masking import WILDCARD, Masker
from opslens.analysis.mining.model import (
    Example,
    Group,
    MinerConfig,
    TemplateInfo,
    template_id,
)
from opslens.analysis.mining.tokens import (
    extract_params,
    gap_merge,
    generalize,
    is_wild,
    match_score,
    merge_templates,
    render,
)

__all__ = ["Example", "MinerConfig", "TemplateInfo", "TemplateMiner", "template_id"]


class TemplateMiner:
    """Mine templates from a stream of messages; see the module docstring for the algorithm."""

    STATE_VERSION = 1

    def __init__(self, config: MinerConfig | None = None) -> None:
        self.config = config or MinerConfig()
        self._groups: list[Group] = []
        self._parent = array("q")
        self._members: dict[int, list[int]] = {}  # root -> groups of the set
        self._shapes: dict[str, int] = {}  # masked text -> group (a cache)
        self._lookup = GroupIndex(self._groups)
        self._rendered: dict[int, str] = {}  # root -> template text (cache)
        self._by_text: dict[str, int] = {}  # template text -> root
        self._catch_all: int | None = None  # the group rare sets are folded into
        self._live = 0  # groups not folded into the catch-all
        self._max_samples = self.config.max_samples
        self._mask = Masker(self.config.max_mask_cache)

    # ------------------------------------------------------------------ public API

    def add(self, message: str, time: float | None = None, origin: Any = None, masked: str | None = None) -> int:
        """Mine one message (its first line only) and return its cluster key.

        Keys are stable ints; sets merge later, so map a key with `canonical()` when reading.
        `origin` (any value, e.g. "path:line") is kept with the first few sample lines. `masked`
        is `mask(message)` when the caller computed it already (e.g. in another process).
        """
        if "\n" in message:
            message = message.split("\n", 1)[0].rstrip("\r")
            masked = None
        if masked is None:
            masked = self._mask(message)
        gid = self._shapes.get(masked)
        if gid is None:
            gid = self._place(masked)
        group = self._groups[gid]
        count = group.count = group.count + 1
        if time is not None:
            if group.first is None or time < group.first:
                group.first = time
            if group.last is None or time > group.last:
                group.last = time
        if count <= self._max_samples:
            group.samples.append((origin, message))
        return gid if self._parent[gid] == gid else self.canonical(gid)

    def canonical(self, key: int) -> int:
        """The surviving key of `key` after merges (union-find with path compression)."""
        parent = self._parent
        root = key
        while parent[root] != root:
            root = parent[root]
        while parent[key] != root:
            parent[key], key = root, parent[key]
        return root

    def template(self, key: int) -> str:
        """The current template text of `key`'s set (`<*>` for variables)."""
        root = self.canonical(key)
        text = self._rendered.get(root)
        if text is None:
            text = self._rendered[root] = self._render_set(root)
        return text

    def template_id(self, key: int) -> str:
        """Stable id (hash of the current template text) of `key`'s set."""
        return template_id(self.template(key))

    def keys(self) -> list[int]:
        """The keys of all current sets (roots)."""
        return sorted(self._members)

    def templates(self, with_params: bool = True) -> list[TemplateInfo]:
        """Every template with its counts, times, examples and parameter samples, most frequent
        first. `with_params=False` skips the parameter samples (empty tuples), which is cheaper
        when only counts are wanted; `info(key)` gives one template in full."""
        out = [self._info(root, with_params) for root in self._members]
        out.sort(key=lambda t: (-t.count, t.template))
        return out

    def info(self, key: int) -> TemplateInfo:
        """The full view of `key`'s template (as in `templates()`)."""
        return self._info(self.canonical(key), True)

    def merge(self, other: TemplateMiner) -> list[int]:
        """Fold another miner's templates (e.g. a shard of the same stream mined in another
        process, or another host's state) into this one.

        Returns, for every key of `other` (its index), the key it now has here. Each of the
        other's groups is placed like a new shape (joining a matching group or starting one),
        with its counts, times and samples; groups that were one set there stay one set here.
        """
        mapping = []
        for group in other._groups:
            gid = self._place(" ".join(group.tokens))
            mine = self._groups[gid]
            mine.count += group.count
            for t in (group.first, group.last):
                if t is not None:
                    mine.first = t if mine.first is None or t < mine.first else mine.first
                    mine.last = t if mine.last is None or t > mine.last else mine.last
            room = self.config.max_samples - len(mine.samples)
            mine.samples.extend(group.samples[: max(0, room)])
            mapping.append(gid)
        for members in other._members.values():
            for gid in members[1:]:
                self._union(mapping[members[0]], mapping[gid])
        return mapping

    def to_json(self) -> str:
        """The miner's state as versioned JSON (see `state.py`)."""
        from opslens.analysis.mining.state import dump

        return dump(self)

    @classmethod
    def from_json(cls, text: str) -> TemplateMiner:
        """A miner restored from `to_json()` output; raises ValueError on a bad or newer state."""
        from opslens.analysis.mining.state import load

        return load(cls, text)

    # ------------------------------------------------------------------ placing a new shape

    def _place(self, masked: str) -> int:
        if len(self._shapes) >= self.config.max_shapes:
            self._shapes.clear()  # a cache: shapes are found again through their groups
        tokens = masked.split()
        key = " ".join(tokens)
        gid = self._shapes.get(key)
        if gid is None:
            gid = self._match(tokens)
            if gid is None:
                gid = self._new_group(tokens)
            self._shapes[key] = gid
        self._shapes[masked] = gid
        return gid

    def _match(self, tokens: list[str]) -> int | None:
        """The best same-length group this shape may join (updating its template), or None."""
        best = None
        best_score = (-1, 0)
        n = len(tokens)
        words = {t for t in tokens if not is_wild(t)}
        candidates = self._lookup.candidates(n, words)
        candidates += self._lookup.wordless.get(n, ())
        firm = self.config.firm_count
        for gid in candidates:
            group = self._groups[gid]
            score = match_score(group.tokens, tokens, self.config.similarity, group.count >= firm)
            if score is not None and score > best_score:
                best, best_score = gid, score
        if best is not None:
            self._generalize(best, tokens)
        return best

    def _new_group(self, tokens: list[str]) -> int:
        if self._live >= self.config.max_groups:
            self._evict()  # before adding, so the newcomer (count 0 as yet) is not the victim
        gid = len(self._groups)
        self._groups.append(Group(tokens))
        self._parent.append(gid)
        self._members[gid] = [gid]
        self._live += 1
        self._lookup.add(gid)
        self._join_family(gid)
        if self._parent[gid] == gid:
            self._join_across_gaps(gid)
        self._converge(self.canonical(gid))
        return gid

    def _generalize(self, gid: int, tokens: list[str]) -> None:
        group = self._groups[gid]
        new = [t if t == x else generalize(t, x) for t, x in zip(group.tokens, tokens, strict=True)]
        if new != group.tokens:
            self._lookup.remove(gid)
            group.set_tokens(new)
            self._lookup.add(gid)
            root = self.canonical(gid)
            self._forget_render(root)
            self._converge(root)

    # ------------------------------------------------------------------ joining sets

    def _join_family(self, gid: int) -> None:
        """Merge a one-word family once its word has proved to be a variable."""
        for key in family_keys(self._groups[gid].tokens):
            family = self._lookup.families.get(key, ())
            if len(family) < 2 or len({self.canonical(g) for g in family}) < 2:
                continue
            position = key[0]
            if not family_is_variable(position, [self._groups[g] for g in family], self.config):
                continue
            keep = max(family, key=lambda g: (self._groups[g].count, -g))
            for other in sorted(family):
                if other != keep:
                    self._absorb(keep, other, position)
            return

    def _absorb(self, keep: int, other: int, position: int) -> None:
        """Fold same-length group `other` into `keep`: one template, a variable at `position`
        (with what wraps it kept: `[<*>]`, `(<*>)`, `user=<*>`)."""
        g_keep = self._groups[keep]
        self._lookup.remove(keep)
        self._lookup.remove(other)
        tokens = [generalize(a, b) for a, b in zip(g_keep.tokens, self._groups[other].tokens, strict=True)]
        if not is_wild(tokens[position]):
            tokens[position] = WILDCARD
        g_keep.set_tokens(tokens)
        self._lookup.add(keep)
        self._groups[other].matchable = False
        self._union(keep, other)

    def _join_across_gaps(self, gid: int) -> None:
        group = self._groups[gid]
        n, words = len(group.tokens), group.words
        if len(words) < 3:
            return
        root = self.canonical(gid)
        gap = self.config.max_gap
        least = math.ceil(0.8 * len(words))
        for m in range(max(1, n - gap), n + gap + 1):
            for other in self._lookup.candidates(m, words, least):
                other_group = self._groups[other]
                if len(words & other_group.words) < 0.8 * len(words) or self.canonical(other) == root:
                    continue
                if gap_merge(group.tokens, other_group.tokens) is not None:
                    root = self._union(other, gid)

    def _converge(self, root: int) -> None:
        text = self.template(root)
        other = self._by_text.get(text)
        if other is None or other == root or other not in self._members:
            self._by_text[text] = root
        else:
            self._union(other, root)

    def _union(self, a: int, b: int) -> int:
        """Join the sets of groups `a` and `b`; the larger set's root survives."""
        ra, rb = self.canonical(a), self.canonical(b)
        if ra == rb:
            return ra
        if len(self._members[ra]) < len(self._members[rb]):
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._members[ra].extend(self._members.pop(rb))
        self._forget_render(ra)
        self._forget_render(rb)
        self._converge(ra)
        return self.canonical(ra)

    def _forget_render(self, root: int) -> None:
        text = self._rendered.pop(root, None)
        if text is not None and self._by_text.get(text) == root:
            del self._by_text[text]

    # ------------------------------------------------------------------ bounded memory

    def _evict(self) -> None:
        """Fold the rarest tenth of the sets into one catch-all `<*>` template.

        Their keys stay valid (they map to the catch-all); their templates and samples are freed.
        """
        if self._catch_all is None:
            self._catch_all = len(self._groups)
            catch_all = Group([WILDCARD])
            catch_all.matchable = False
            self._groups.append(catch_all)
            self._parent.append(self._catch_all)
            self._members[self._catch_all] = [self._catch_all]
        target = self.canonical(self._catch_all)
        totals = sorted(
            (sum(self._groups[g].count for g in members), root)
            for root, members in self._members.items()
            if root != target
        )
        for _, root in totals[: max(1, len(totals) // 10)]:
            for gid in self._members[root]:
                group = self._groups[gid]
                if group.matchable:
                    self._lookup.remove(gid)
                group.matchable = False
                group.set_tokens([WILDCARD])
                group.samples = []
                self._live -= 1
            self._forget_render(root)
            target = self._union(target, root)
        self._catch_all = target
        self._shapes.clear()

    # ------------------------------------------------------------------ reading sets

    def _render_set(self, root: int) -> str:
        if self._catch_all is not None and root == self.canonical(self._catch_all):
            return WILDCARD
        groups = [self._groups[g] for g in self._members.get(root, [root])]
        # A group folded into another (a family) is covered by that one's template.
        shown = [g for g in groups if g.matchable] or groups
        return render(merge_templates([g.tokens for g in sorted(shown, key=lambda g: -g.count)]))

    def _info(self, root: int, with_params: bool) -> TemplateInfo:
        cfg = self.config
        text = self.template(root)
        groups = [self._groups[g] for g in self._members[root]]
        firsts = [g.first for g in groups if g.first is not None]
        lasts = [g.last for g in groups if g.last is not None]
        samples = [s for g in sorted(groups, key=lambda g: -g.count) for s in g.samples]
        examples = tuple(
            Example(None if o is None else str(o), t) for o, t in samples[: cfg.max_examples]
        )
        return TemplateInfo(
            id=template_id(text),
            key=root,
            template=text,
            count=sum(g.count for g in groups),
            first_seen=min(firsts) if firsts else None,
            last_seen=max(lasts) if lasts else None,
            examples=examples,
            params=extract_params(text, [t for _, t in samples], cfg.max_param_values) if with_params else (),
        )

