"""Where the parts of a Kubernetes object pasted as YAML or JSON are, by line.

Evidence cites the line that says a thing (`reason: OOMKilled`, `"exitCode": 137,`), so the
readers of objects keep, beside the loaded value, the YAML node tree the value was built from
(JSON parses as YAML too): each key node knows the line it starts on. A `Locator` answers
"which physical line holds `status.containerStatuses[0].lastState.terminated.reason`".

YAML counts line breaks the pipeline does not (`\\x85`, U+2028, a lone `\\r`), so every line a
node gives is checked against the text; when it does not hold the key, or when there is no
node tree (input YAML cannot compose), the key is searched for forward from the nearest line
already found. Every answer is a line of the input: a part that cannot be found falls back to
the nearest enclosing part, and finally to the object's first line.

Not a reader: the leading underscore keeps the package's auto-import from treating it as one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Path = tuple[str | int, ...]
#: Lines one scalar value is quoted with at most (a long termination message is cut).
MAX_VALUE_LINES = 6
#: Lines searched forward for a key when the node tree cannot say where it is.
_SEARCH_WINDOW = 400


@dataclass(frozen=True)
class _Step:
    """One resolved path component: its key node (None for a list element) and value node."""

    key: Node | None
    value: Node
    name: str | int


class Locator:
    """Physical lines of the parts of one object (or of a part of it).

    `lines` are the input's physical lines (shared, 0-based list); `offset` is the input line
    number of the composed text's first line; `node` the object's node (None: search only);
    `start` the object's first line, the answer of last resort.
    """

    def __init__(self, lines: Sequence[str], offset: int, node: Node | None, start: int) -> None:
        self.lines = lines
        self.offset = offset
        self.node = node
        self.start = max(1, min(start, len(lines))) if lines else 1
        self._memo: dict[Path, list[_Step]] = {}

    def text(self, line: int) -> str:
        """The physical line `line` (1-based); empty out of range."""
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def child(self, *path: str | int) -> Locator:
        """The locator of the part at `path` (its own first line as the last resort)."""
        steps = self._steps(path)
        node = steps[-1].value if steps and len(steps) == len(path) else None
        return Locator(self.lines, self.offset, node, self.line(*path))

    def line(self, *path: str | int) -> int:
        """The line of the key at `path` (of the element, for a list index)."""
        return self._lines_of(path)[-1]

    def span(self, *path: str | int) -> list[int]:
        """The lines of the key at `path` and of its scalar value (a folded or block message
        goes on below its key), at most MAX_VALUE_LINES."""
        lines = self._lines_of(path)
        first = lines[-1]
        steps = self._steps(path)
        if len(steps) != len(path) or not path or not isinstance(steps[-1].value, ScalarNode):
            return [first]
        value = steps[-1].value
        end = self._end_line(value)
        node_first = (steps[-1].key or value).start_mark.line
        last = first + max(0, end - node_first)
        last = min(last, first + MAX_VALUE_LINES - 1, len(self.lines))
        return list(range(first, last + 1))

    def extent(self) -> tuple[int, int]:
        """(first, last) line of the whole part this locator stands for."""
        if self.node is None:
            return self.start, self.start
        last = self.offset + self._end_line(self.node)
        while last > self.start and not self.text(last).strip():
            last -= 1
        return self.start, max(self.start, min(last, len(self.lines)))

    def _end_line(self, node: Node) -> int:
        """The line (of the composed text) a node's value ends on: a block ends where the
        next token starts, which is on the next line when only blanks or a `- ` precede it."""
        mark = node.end_mark
        before = self.text(self.offset + mark.line)[: mark.column]
        ended_above = before.strip() in ("", "-") and mark.line > node.start_mark.line
        return mark.line - 1 if ended_above else mark.line

    def quote(self, line_numbers: list[int]) -> tuple[int, str]:
        """(first line, verbatim text) of some lines of the input, in input order."""
        ordered = sorted(set(line_numbers)) or [self.start]
        return ordered[0], "\n".join(self.text(n) for n in ordered)

    def _steps(self, path: Path) -> list[_Step]:
        """The resolved components of `path` (as many as resolve), memoised: the adapter asks
        for many paths under the same prefix."""
        if not path or self.node is None:
            return []
        steps = self._memo.get(path)
        if steps is None:
            parent = self._steps(path[:-1])
            steps = parent
            if len(parent) == len(path) - 1:
                nxt = _step(parent[-1].value if parent else self.node, path[-1])
                steps = [*parent, nxt] if nxt is not None else parent
            self._memo[path] = steps
        return steps

    def _lines_of(self, path: Path) -> list[int]:
        """The line of each component of `path` (the start line before them all)."""
        found = [self.start]
        steps = self._steps(path)
        for index, name in enumerate(path):
            previous = found[-1]
            line = None
            if index < len(steps):
                step = steps[index]
                line = self.offset + (step.key or step.value).start_mark.line
                if isinstance(name, str) and not _has_key(self.text(line), name):
                    line = None
            if line is None or line < previous:
                line = self._search(name, previous) if isinstance(name, str) else previous
            found.append(line)
        return found

    def _search(self, key: str, after: int) -> int:
        pattern = _key_pattern(key)
        last = min(len(self.lines), after + _SEARCH_WINDOW)
        for n in range(after, last + 1):
            if pattern.search(self.text(n)):
                return n
        return after


def _step(node: Node, name: str | int) -> _Step | None:
    if isinstance(node, MappingNode) and isinstance(name, str):
        match = None
        for key, value in node.value:  # the last of duplicate keys, as the loader keeps
            if isinstance(key, ScalarNode) and key.value == name:
                match = _Step(key, value, name)
        return match
    if isinstance(node, SequenceNode) and isinstance(name, int) and 0 <= name < len(node.value):
        return _Step(None, node.value[name], name)
    return None


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _key_pattern(key: str) -> re.Pattern[str]:
    pattern = _PATTERNS.get(key)
    if pattern is None:
        pattern = re.compile(rf"""(?:^|[\s{{,\-])["']?{re.escape(key)}["']?\s*:""")
        if len(_PATTERNS) < 256:
            _PATTERNS[key] = pattern
    return pattern


def _has_key(line: str, key: str) -> bool:
    return bool(_key_pattern(key).search(line))
