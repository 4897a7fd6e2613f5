"""Token-level helpers of the miner: what a token is, how two tokens generalise, how a template
is rendered and aligned, and the regex that matches a template back against a line.

A template is a list of tokens (whitespace-split, masked text). A token is a *wildcard* when it
holds no letter or digit outside its `<*>` placeholders (`<*>`, `<*>:<*>`, `(<*>)`), a *word*
when it is a plain name (`Failed`, `ssh2`, `'Active'`, `RUNNING,`), and *other* otherwise
(dotted names, paths that survived masking, `key=value` pairs).
"""

from __future__ import annotations

import re
from functools import lru_cache

from opslens.analysis.mining.masking import WILDCARD

# Characters that separate the pieces of a token (Loghub's template conventions use the same).
_PIECE_SPLIT = re.compile(r"([\s,!;:=|\"'\[\](){}.+@#$%&/-])")
_WORD = re.compile(r"[(\[{'\"]*[A-Za-z][A-Za-z0-9_-]*[)\]}'\",.:;!?]*")
_ALNUM = re.compile(r"[A-Za-z0-9]")
_PLAIN = re.compile(r"[A-Za-z][A-Za-z_]*")
# An enumeration constant: `TIME_TICK`, `SCREEN_ON`, `OFF` (upper-case, snake-case or one word).
_ENUM = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{2,}")
_KEY_VALUE = re.compile(r"([^=\s<>]+=)([A-Za-z][A-Za-z0-9_-]*)([)\]}'\",.:;!?]*)")
# Rendering rules (applied to the joined template, once per template change).
_WORD_WITH_VAR = re.compile(r"[^\s,!;:=|\"'\[\](){}.+@#$%&/\-]*<\*>[^\s,!;:=|\"'\[\](){}.+@#$%&/\-]*")
_DOTTED_VARS = re.compile(r"<\*>(?:\.<\*>)+")
_GLUED_VARS = re.compile(r"(?:<\*>){2,}")
_SPACES = re.compile(r"\s+")
#: Alignment is quadratic: templates longer than this (tokens x tokens) are not aligned.
_MAX_ALIGN_CELLS = 10_000


@lru_cache(maxsize=65536)
def is_wild(token: str) -> bool:
    """True when `token` is only placeholders and punctuation (`<*>`, `[<*>]`, `<*>:<*>`)."""
    return WILDCARD in token and _ALNUM.search(token.replace(WILDCARD, "")) is None


@lru_cache(maxsize=65536)
def word_slot(token: str) -> str | None:
    """The token with its one plain word replaced by NUL (`Failed` -> NUL, `state=ON,` ->
    `state=NUL,`), or None when it has no such word. Groups that differ only in that word form a
    family (see the miner)."""
    if _WORD.fullmatch(token):
        return "\0"
    m = _KEY_VALUE.fullmatch(token)
    return f"{m.group(1)}\0{m.group(3)}" if m else None


@lru_cache(maxsize=65536)
def words_differ(a: str, b: str) -> bool:
    """True when two different tokens differ by a plain word (`Up`/`Down`, `state=ON`/`state=OFF`)
    or by the key of a `key=value` pair: a difference of wording, not of a value."""
    slot_a, slot_b = word_slot(a), word_slot(b)
    if slot_a is not None and slot_a == slot_b:
        return True
    # `WWEN[enable]`/`WWEN[disable]` differ by a word too; in dotted or slashed names the last
    # part is a value (`com.android.phone`/`com.android.systemui`), so they are left out, unless
    # it is an enumeration constant (`intent.action.TIME_TICK`/`intent.action.SCREEN_ON`).
    if "/" not in a + b:
        mid_a, mid_b = _middles(a, b)
        if "." not in a + b and _PLAIN.fullmatch(mid_a) and _PLAIN.fullmatch(mid_b):
            return True
        if _ENUM.fullmatch(mid_a) and _ENUM.fullmatch(mid_b):
            return True
    ka, _, _ = a.partition("=")
    kb, _, _ = b.partition("=")
    return (
        ka != a and kb != b and ka != kb and WILDCARD not in ka and WILDCARD not in kb
        and _ALNUM.search(ka) is not None and _ALNUM.search(kb) is not None
    )


def _middles(a: str, b: str) -> tuple[str, str]:
    """What is left of two tokens once their common leading and trailing pieces are cut."""
    pa = [p for p in _PIECE_SPLIT.split(a) if p]
    pb = [p for p in _PIECE_SPLIT.split(b) if p]
    head, tail = _common(pa, pb)
    return "".join(pa[head : len(pa) - tail]), "".join(pb[head : len(pb) - tail])


def _common(pa: list[str], pb: list[str]) -> tuple[int, int]:
    """How many leading and trailing pieces two piece lists share, cut back to separators."""
    head = 0
    while head < len(pa) and head < len(pb) and pa[head] == pb[head]:
        head += 1
    tail = 0
    while (
        tail < len(pa) - head and tail < len(pb) - head and pa[len(pa) - 1 - tail] == pb[len(pb) - 1 - tail]
    ):
        tail += 1
    # Cut back to separators so a variable never keeps half a word: `a1x`/`a2x` -> `<*>`.
    while head and _PIECE_SPLIT.fullmatch(pa[head - 1]) is None:
        head -= 1
    while tail and _PIECE_SPLIT.fullmatch(pa[len(pa) - tail]) is None:
        tail -= 1
    return head, tail


def generalize(a: str, b: str) -> str:
    """One token covering both: common leading and trailing pieces kept, `<*>` in between.

    `user=root`/`user=admin` -> `user=<*>`; `com.apple.x:`/`com.apple.y.z:` -> `com.apple.<*>:`.
    """
    if a == b:
        return a
    pa = [p for p in _PIECE_SPLIT.split(a) if p]
    pb = [p for p in _PIECE_SPLIT.split(b) if p]
    head, tail = _common(pa, pb)
    return "".join(pa[:head]) + WILDCARD + "".join(pa[len(pa) - tail :] if tail else [])


def render(tokens: list[str] | tuple[str, ...]) -> str:
    """The template text: tokens joined by one space; a word glued to a variable becomes the
    variable (`blk_<*>` -> `<*>`, `<*>ms` -> `<*>`), and `<*>.<*>`/`<*><*>` become one `<*>`."""
    text = " ".join(tokens)
    if WILDCARD not in text:
        return text
    text = _WORD_WITH_VAR.sub(WILDCARD, text)
    text = _DOTTED_VARS.sub(WILDCARD, text)
    return _GLUED_VARS.sub(WILDCARD, text)


def template_regex(template: str) -> re.Pattern[str]:
    """A regex matching every line the template covers; one group per `<*>`.

    Whitespace next to a placeholder is optional (a variable may have been empty or a gap of a
    merged template); elsewhere any run of whitespace matches.
    """
    return _template_regex(template)


@lru_cache(maxsize=4096)
def _template_regex(template: str) -> re.Pattern[str]:
    parts = []
    for i, chunk in enumerate(_SPACES.split(template.strip())):
        if i:
            parts.append(None)  # a space between tokens
        pieces = chunk.split(WILDCARD)
        for j, piece in enumerate(pieces):
            if j:
                parts.append(WILDCARD)
            if piece:
                parts.append(re.escape(piece))
    out = []
    for k, part in enumerate(parts):
        if part is None:
            near_var = (k and parts[k - 1] == WILDCARD) or (k + 1 < len(parts) and parts[k + 1] == WILDCARD)
            out.append(r"\s*" if near_var else r"\s+")
        elif part == WILDCARD:
            out.append("(.*?)")
        else:
            out.append(part)
    return re.compile(r"\s*" + "".join(out) + r"\s*", re.DOTALL)


def align(a: list[str], b: list[str]) -> list[tuple[int | None, int | None]]:
    """Common-subsequence alignment of two token lists: pairs of indexes, None in gaps. Shared
    constant words weigh more than shared variables, so words line up with words."""
    n, m = len(a), len(b)
    weight = [[0] * m for _ in range(n)]
    for i, ai in enumerate(a):
        for j, bj in enumerate(b):
            if ai == bj:
                weight[i][j] = 1 if is_wild(ai) else 3
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below, w = table[i], table[i + 1], weight[i]
        for j in range(m - 1, -1, -1):
            best = below[j] if below[j] > row[j + 1] else row[j + 1]
            if w[j] and below[j + 1] + w[j] > best:
                best = below[j + 1] + w[j]
            row[j] = best
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        if weight[i][j] and table[i][j] == table[i + 1][j + 1] + weight[i][j]:
            pairs.append((i, j))
            i += 1
            j += 1
        elif table[i + 1][j] >= table[i][j + 1]:
            pairs.append((i, None))
            i += 1
        else:
            pairs.append((None, j))
            j += 1
    pairs.extend((k, None) for k in range(i, n))
    pairs.extend((None, k) for k in range(j, m))
    return pairs


def gap_merge(a: list[str], b: list[str]) -> list[str] | None:
    """Merge two templates of different lengths, or None when they are different events.

    They merge when the tokens they share (in order) are all of each one's constant words but
    a few, and every stretch where they differ is a variable on at least one side, with at most
    one unmatched constant word in it, standing next to a variable (`lifetime <<*> sec` against
    `lifetime <*>:<*>`; `bytes (<*>) sent` against `bytes sent`). Each stretch becomes one `<*>`.
    """
    if len(a) * len(b) > _MAX_ALIGN_CELLS:
        return None
    pairs = align(a, b)
    shared = sum(1 for i, j in pairs if i is not None and j is not None and not is_wild(a[i]))
    words_a = sum(1 for t in a if not is_wild(t))
    words_b = sum(1 for t in b if not is_wild(t))
    if shared < 3 or shared < 0.8 * max(words_a, words_b):
        return None
    out: list[str] = []
    gap_a: list[str] = []
    gap_b: list[str] = []
    for i, j in pairs + [(-1, -1)]:
        if i is not None and j is not None:  # a matched token (or the end): close the gap
            if gap_a or gap_b:
                if not _absorbable(gap_a, gap_b):
                    return None
                if not out or out[-1] != WILDCARD:
                    out.append(WILDCARD)
                gap_a, gap_b = [], []
            if i >= 0:
                out.append(a[i])
        elif i is not None:
            gap_a.append(a[i])
        else:
            gap_b.append(b[j])  # type: ignore[index]
    return out


def _absorbable(gap_a: list[str], gap_b: list[str]) -> bool:
    words_a = [t for t in gap_a if not is_wild(t)]
    words_b = [t for t in gap_b if not is_wild(t)]
    if words_a and words_b:
        return False
    words, gap = (words_a, gap_a) if words_a else (words_b, gap_b)
    if len(words) > 1:
        return False
    has_var = any(is_wild(t) for t in gap_a + gap_b)
    return has_var and (not words or len(gap) > len(words))


def match_score(
    template: list[str], tokens: list[str], similarity: float, firm: bool = False
) -> tuple[int, int] | None:
    """(shared constant words, -differences) when a same-length shape may join a template, else
    None: a `<*>` takes anything, two different plain words never join (they may be an
    enumeration; families decide), and other differences are values if at least `similarity`
    of the compared constant words are shared. A `firm` template (one seen often) keeps its
    plain words against a token that is no word (`tty=NODEVssh` against one odd `tty=:<*>`)."""
    match = soft = shifted = 0
    last = len(tokens) - 1
    for i, (t, x) in enumerate(zip(template, tokens, strict=True)):
        if t == x:
            if not is_wild(t):
                match += 1
        elif t == WILDCARD:
            continue
        elif words_differ(t, x) or (firm and word_slot(t) is not None and word_slot(x) is None):
            return None
        else:
            soft += 1
            # A constant word found one position off: the shapes are shifted, not varied
            # (`bytes (<*>) sent,` against `bytes sent,`), which gap merging handles better.
            if not is_wild(t) and ((i and tokens[i - 1] == t) or (i < last and tokens[i + 1] == t)):
                shifted += 1
    if soft and (match == 0 or match < similarity * (match + soft) or shifted >= 2):
        return None
    return match, -soft


def merge_templates(templates: list[list[str]]) -> list[str]:
    """One template covering several (the most frequent first): same lengths position by
    position, different lengths across their gaps."""
    tokens = list(templates[0])
    for other in templates[1:]:
        gapped = gap_merge(tokens, other)
        if len(other) == len(tokens):
            # Position by position, unless the two are shifted and gaps keep more words.
            aligned = [generalize(a, b) for a, b in zip(tokens, other, strict=True)]
            if gapped is None or _words(aligned) >= _words(gapped):
                gapped = aligned
        tokens = gapped or _cover(tokens, other)
    return tokens


def _words(tokens: list[str]) -> int:
    return sum(1 for t in tokens if not is_wild(t))


def _cover(a: list[str], b: list[str]) -> list[str]:
    """The shared tokens of two templates in order, `<*>` for everything between (the fallback
    when their gaps are not simple, e.g. in a set joined through a third template)."""
    if len(a) * len(b) > _MAX_ALIGN_CELLS:
        return [WILDCARD]
    out: list[str] = []
    for i, j in align(a, b):
        if i is not None and j is not None:
            out.append(a[i])
        elif not out or out[-1] != WILDCARD:
            out.append(WILDCARD)
    return out


def extract_params(template: str, texts: list[str], limit: int) -> tuple[tuple[str, ...], ...]:
    """Distinct values (at most `limit`) of each `<*>` of `template` in the sample texts."""
    n = template.count(WILDCARD)
    if not n or not texts:
        return tuple(() for _ in range(n))
    regex = template_regex(template)
    values: list[dict[str, None]] = [{} for _ in range(n)]
    for text in texts:
        m = regex.fullmatch(text)
        if m is None:
            continue
        for i, value in enumerate(m.groups()):
            if len(values[i]) < limit:
                values[i][value] = None
    return tuple(tuple(v) for v in values)
