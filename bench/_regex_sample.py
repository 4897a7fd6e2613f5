"""Draw random strings that match a regular expression (used to build the secret corpus).

Secret formats are written down as the regexes that scanners and vendors document (a prefix,
an alphabet, a length). Sampling from the regex itself keeps the corpus faithful to the
documented shape instead of to a hand-made example.
"""

from __future__ import annotations

import random
import re
import string
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

#: Unbounded repeats (`+`, `*`, `{n,}`) draw at most this many extra items.
_OPEN_END = 24
_PRINTABLE = [c for c in string.printable if c not in "\t\n\r\x0b\x0c"]
_CATEGORIES = {
    sre_c.CATEGORY_DIGIT: string.digits,
    sre_c.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    sre_c.CATEGORY_SPACE: " ",
    sre_c.CATEGORY_NOT_DIGIT: string.ascii_letters,
    sre_c.CATEGORY_NOT_WORD: "-.:/",
    sre_c.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits,
}


def _class_chars(items: list) -> list[str]:
    """Expand the items of a character class `[...]` to the characters it accepts."""
    negate = False
    chars: set[str] = set()
    for op, arg in items:
        if op is sre_c.NEGATE:
            negate = True
        elif op is sre_c.LITERAL:
            chars.add(chr(arg))
        elif op is sre_c.RANGE:
            chars.update(chr(c) for c in range(arg[0], arg[1] + 1))
        elif op is sre_c.CATEGORY:
            chars.update(_CATEGORIES[arg])
    if negate:
        return [c for c in _PRINTABLE if c not in chars and c not in " '\""]
    return sorted(chars)


class RegexSampler:
    """Generate strings matching a regex, reproducibly from a seeded `random.Random`."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._cache: dict[str, sre_parse.SubPattern] = {}

    def sample(self, pattern: str) -> str:
        """Return one random string that `re.fullmatch(pattern, result)` accepts."""
        parsed = self._cache.get(pattern)
        if parsed is None:
            parsed = self._cache[pattern] = sre_parse.parse(pattern)
        groups: dict[int, str] = {}
        out = self._emit(parsed, groups)
        if not re.fullmatch(pattern, out):  # the sampler is approximate on exotic syntax
            raise ValueError(f"sample {out!r} does not match {pattern!r}")
        return out

    def _emit(self, items, groups: dict[int, str]) -> str:
        return "".join(self._item(op, arg, groups) for op, arg in items)

    def _item(self, op, arg, groups: dict[int, str]) -> str:
        rng = self.rng
        if op is sre_c.LITERAL:
            return chr(arg)
        if op is sre_c.IN:
            return rng.choice(_class_chars(arg))
        if op is sre_c.ANY:
            return rng.choice(string.ascii_letters + string.digits)
        if op is sre_c.CATEGORY:
            return rng.choice(_CATEGORIES[arg])
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
            low, high, sub = arg
            high = low + _OPEN_END if high is sre_c.MAXREPEAT else high
            return "".join(self._emit(sub, groups) for _ in range(rng.randint(low, high)))
        if op is sre_c.SUBPATTERN:
            group, _add, _del, sub = arg
            text = self._emit(sub, groups)
            if group:
                groups[group] = text
            return text
        if op is sre_c.BRANCH:
            return self._emit(rng.choice(arg[1]), groups)
        if op is sre_c.GROUPREF:
            return groups.get(arg, "")
        # anchors (\b, ^, $) and lookarounds add no characters
        return ""
