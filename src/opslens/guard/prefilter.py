"""One regex that tells, in a single scan, whether a line may hold any named secret format.

Python's regex engine skips positions whose character cannot start a match (a bitmap test
in C), then tries the alternatives that start there one by one. Log text is mostly lowercase
letters and digits, so a plain trie of keywords (`ghp_`, `xoxb-`, `AKIA`, ...) would stop at
almost every position. Instead each keyword is entered at one of its rare characters (the
anchor, chosen so that keywords share anchors) and checked with a look-behind and look-ahead
from there: the scan stops about a dozen times per log line instead of about a hundred.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

# Printable ASCII from most to least frequent in typical log text (timestamps, hostnames,
# messages). A keyword is entered at its rarest character, so the scan stops seldom.
_BY_FREQUENCY = " e01otra2ins.:cd5-34l678pum9hkgfSNbRyI_,C[]/v=xAFMEDwOLBTPUJ()KWHV~jZ*zG;$q@<'X>\"#Q{}Y|\\!+?&%"


def _rank(char: str) -> int:
    index = _BY_FREQUENCY.find(char)
    return index if index >= 0 else len(_BY_FREQUENCY)


def trie_regex(words: Iterable[str]) -> str:
    """One regex for a set of literals, factored as a trie so each offset costs a char test."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        if list(node) == [""]:
            return ""
        branches = [re.escape(c) + build(child) for c, child in sorted(node.items()) if c]
        optional = "" in node
        body = (
            branches[0] if len(branches) == 1 and not optional else "(?:" + "|".join(branches) + ")"
        )
        return body + ("?" if optional else "")

    return build(trie)


def choose_anchors(keywords: Iterable[str]) -> dict[str, str]:
    """For each keyword, the character the gate stops at.

    Starts from each keyword's rarest character, then drops a frequent anchor whenever its
    keywords can move to other characters at a lower total frequency: the scan stops at the
    union of anchors, so sharing a rare anchor is cheaper than two rare ones.
    """
    chosen = {word: max(word, key=_rank) for word in set(keywords)}

    def cost(choice: dict[str, str]) -> int:
        return sum(len(_BY_FREQUENCY) - _rank(c) for c in set(choice.values()))

    improved = True
    while improved:
        improved = False
        anchors = set(chosen.values())
        for anchor in sorted(anchors, key=_rank):
            trial = _without(chosen, anchor, anchors - {anchor})
            if trial is not None and cost(trial) < cost(chosen):
                chosen, improved = trial, True
                break
    return chosen


def _without(chosen: dict[str, str], anchor: str, others: set[str]) -> dict[str, str] | None:
    trial = dict(chosen)
    for word, char in sorted(chosen.items()):
        if char != anchor:
            continue
        candidates = [c for c in word if c != anchor]
        if not candidates:
            return None
        shared = [c for c in candidates if c in others]
        trial[word] = max(shared or candidates, key=_rank)
        others = others | {trial[word]}
    return trial


def gate_regex(keywords: Iterable[str], extra: Iterable[tuple[str, str]] = ()) -> re.Pattern[str]:
    """A regex that matches exactly where one of `keywords` occurs.

    Each keyword is entered at its anchor (`choose_anchors`) and checked backwards and
    forwards from there: `ghp_` as `_(?<=ghp_)`, `AKIA` as `K(?<=AK)(?=IA)`. Every top-level
    branch starts with one literal anchor, so the engine's first-character bitmap applies and
    the scan stops only at rare characters; frequent anchors come first in the alternation.
    `extra` adds (anchor, look-behind regex) pairs for shapes without a literal keyword.
    """
    literal: dict[str, set[str]] = defaultdict(set)
    for word, anchor in choose_anchors(keywords).items():
        literal[anchor].add(word)
    shapes: dict[str, set[str]] = defaultdict(set)
    for anchor, behind in extra:
        shapes[anchor].add(behind)
    branches = []
    for anchor in sorted(set(literal) | set(shapes), key=_rank):
        if anchor in literal[anchor]:
            branches.append(re.escape(anchor))  # the anchor alone is a keyword
            continue
        parts = [_literal_checks(anchor, literal[anchor])] if literal[anchor] else []
        parts += [f"(?<={behind})" for behind in sorted(shapes[anchor])]
        branches.append(re.escape(anchor) + "(?:" + "|".join(parts) + ")")
    return re.compile("|".join(branches) if branches else r"(?!)")


def _literal_checks(anchor: str, words: set[str]) -> str:
    """Checks after `anchor` for `words`, behind one cheap test of a neighbouring character."""
    checks = set()
    for word in words:
        index = word.index(anchor)
        checks.add((word[: index + 1], word[index + 1 :]))
    parts = [
        (f"(?<={re.escape(behind)})" if len(behind) > 1 else "")
        + (f"(?={re.escape(ahead)})" if ahead else "")
        for behind, ahead in sorted(checks)
    ]
    body = "(?:" + "|".join(parts) + ")"
    if len(parts) > 1 and all(ahead for _, ahead in checks):
        after = "".join(sorted({ahead[0] for _, ahead in checks}))
        return f"(?=[{re.escape(after)}]){body}"
    if len(parts) > 1 and all(len(behind) > 1 for behind, _ in checks):
        before = "".join(sorted({behind[-2] for behind, _ in checks}))
        return f"(?<=[{re.escape(before)}].){body}"
    return body
