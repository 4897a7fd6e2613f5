"""JSON and YAML documents for the structured readers (k8s events, alerts, metrics, Argo CD).

Their inputs come as one document, several concatenated documents (`kubectl get -w -o json`,
`journalctl -o json-pretty`) or one document per line (a webhook receiver's log). `JsonDocuments`
yields each top-level value with the line it starts on, and records where the elements of
chosen arrays (`items`, `alerts`...) start, so every record can be cited by line without a
second parse. Elements themselves are decoded by the C decoder; only the few levels above them
are walked in Python.

Not a reader: the leading underscore keeps the package's auto-import from treating it as one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, tzinfo
from typing import Any, NamedTuple

import yaml

from opslens.timeparse import parse_rfc3339
from opslens.yaml_loader import SAFE_LOADER

_WS = re.compile(r"[ \t\n\r]*")
_raw_decode = json.JSONDecoder().raw_decode
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]
#: Walk at most this many container levels in Python; deeper values go to the C decoder whole.
_MAX_WALK_DEPTH = 6
#: Errors a decoder raises on malformed or truncated input (RecursionError: absurd nesting).
DECODE_ERRORS = (ValueError, IndexError, RecursionError)
#: Errors loading YAML raises: syntax errors, values the safe constructor refuses (a timestamp
#: such as `2024-02-30` is a ValueError) and absurd nesting (RecursionError).
YAML_ERRORS = (yaml.YAMLError, ValueError, RecursionError)


class Document(NamedTuple):
    """One top-level JSON value; `complete` is False for the salvaged part of a broken one."""

    line: int
    value: Any
    complete: bool = True


class JsonDocuments:
    """The top-level JSON values of `text`, with the lines where they and their records start.

    `walk` names the keys whose object/array values are walked so that the elements of arrays
    below them get their start line recorded (see `line_of`). With `walk_elements`, objects
    inside walked arrays are walked too (needed for nested records such as alert groups or
    Argo CD Applications in a List); otherwise each element is decoded in one C call.
    Malformed input is reported to `on_error(reason, line)`; reading resumes at the next line
    that starts with `{` or `[`, which is where the next top-level document of pretty-printed
    and line-delimited streams begins.
    """

    def __init__(
        self,
        text: str,
        on_error: Callable[[str, int | None], None],
        walk: frozenset[str] = frozenset(),
        walk_elements: bool = False,
    ) -> None:
        self.text = text
        self.on_error = on_error
        self.walk = walk
        self.walk_elements = walk_elements
        self.decoded = 0  # documents decoded (fully or partly)
        self._starts: dict[int, int] = {}  # id(element) -> offset where it starts
        self._keep: list[Any] = []  # keeps recorded elements alive so their ids stay unique
        self._last_offset = 0
        self._last_line = 1

    def line_at(self, offset: int) -> int:
        """1-based line of a character offset (cheap when asked in increasing order)."""
        if offset < self._last_offset:
            self._last_offset, self._last_line = 0, 1
        self._last_line += self.text.count("\n", self._last_offset, offset)
        self._last_offset = offset
        return self._last_line

    def line_of(self, element: Any, default: int | None = None) -> int | None:
        """Start line of an element of a walked array, else `default`."""
        offset = self._starts.get(id(element))
        return default if offset is None else self.line_at(offset)

    def text_of(self, element: Any) -> str | None:
        """The verbatim lines an element of a walked array spans, whole (an element of one-line
        JSON brings its whole line); None when its start is unknown."""
        offset = self._starts.get(id(element))
        if offset is None:
            return None
        try:
            _, end = _raw_decode(self.text, offset)
        except DECODE_ERRORS:
            return None
        stop = self.text.find("\n", end)
        return self.text[self.text.rfind("\n", 0, offset) + 1 : len(self.text) if stop < 0 else stop].removesuffix("\r")

    def __iter__(self) -> Iterator[Document]:
        text, n = self.text, len(self.text)
        pos = _WS.match(text, 1 if text.startswith("\ufeff") else 0).end()
        while pos < n:
            if text[pos] not in "{[" or self._fits_line(pos):
                nxt = yield from self._decode_line(pos)
            else:
                nxt = yield from self._decode_walked(pos)
            if nxt is None:
                nxt = self._resync(pos)
            pos = _WS.match(text, nxt).end()

    def _fits_line(self, pos: int) -> bool:
        """Whether the document starting at `pos` looks complete on its own line (JSON lines)."""
        nl = self.text.find("\n", pos)
        line = self.text[pos : nl if nl >= 0 else len(self.text)].rstrip()
        return line.endswith(("}", "]"))

    def _decode_line(self, pos: int) -> Iterator[Document]:
        # Decode within the line only: a decode error then costs O(line), not O(file).
        text = self.text
        nl = text.find("\n", pos)
        end_of_line = nl if nl >= 0 else len(text)
        line = text[pos:end_of_line]
        try:
            value, end = _raw_decode(line)
        except DECODE_ERRORS as exc:
            at_end = isinstance(exc, json.JSONDecodeError) and exc.pos >= len(line.rstrip())
            if at_end and line[0] in "{[" and nl >= 0:
                # Not a JSON line after all: a document that goes on (`[{...}` then `,{...}]`).
                return (yield from self._decode_walked(pos))
            self.on_error(f"invalid JSON: {_reason(exc)}", self.line_at(pos))
            return None
        self.decoded += 1
        yield Document(self.line_at(pos), value)
        return pos + end

    def _decode_walked(self, pos: int) -> Iterator[Document]:
        # Element starts are kept per document: readers finish one before asking for the next.
        self._starts.clear()
        self._keep.clear()
        root: dict[str, Any] | list[Any] = {} if self.text[pos] == "{" else []
        try:
            end = self._fill(root, pos, 0)
        except DECODE_ERRORS as exc:
            line = self.line_at(pos)
            self.on_error(
                f"invalid or truncated JSON in the document at line {line}: {_reason(exc)}", line
            )
            if root:
                self.decoded += 1
                yield Document(line, root, complete=False)
            return None
        self.decoded += 1
        yield Document(self.line_at(pos), root)
        return end

    def _resync(self, pos: int) -> int:
        starts = [i for i in (self.text.find("\n{", pos), self.text.find("\n[", pos)) if i >= 0]
        return min(starts) + 1 if starts else len(self.text)

    def _fill(self, container: dict[str, Any] | list[Any], pos: int, depth: int) -> int:
        if isinstance(container, dict):
            return self._fill_object(container, pos, depth)
        return self._fill_array(container, pos, depth)

    def _fill_object(self, obj: dict[str, Any], pos: int, depth: int) -> int:
        text = self.text
        pos = _WS.match(text, pos + 1).end()
        if text[pos] == "}":
            return pos + 1
        while True:
            if text[pos] != '"':
                raise ValueError(f"expected a key at offset {pos}")
            key, pos = _scanstring(text, pos + 1)
            pos = _WS.match(text, pos).end()
            if text[pos] != ":":
                raise ValueError(f"expected ':' at offset {pos}")
            pos = _WS.match(text, pos + 1).end()
            if key in self.walk and text[pos] in "{[" and depth < _MAX_WALK_DEPTH:
                child: dict[str, Any] | list[Any] = {} if text[pos] == "{" else []
                obj[key] = child  # attached before filling so a truncated document keeps it
                pos = self._fill(child, pos, depth + 1)
            else:
                obj[key], pos = _raw_decode(text, pos)
            pos = _WS.match(text, pos).end()
            if text[pos] == "}":
                return pos + 1
            if text[pos] != ",":
                raise ValueError(f"expected ',' or '}}' at offset {pos}")
            pos = _WS.match(text, pos + 1).end()

    def _fill_array(self, arr: list[Any], pos: int, depth: int) -> int:
        text = self.text
        walk_elements = (self.walk_elements or depth == 0) and depth < _MAX_WALK_DEPTH
        pos = _WS.match(text, pos + 1).end()
        if text[pos] == "]":
            return pos + 1
        while True:
            start = pos
            if walk_elements and text[pos] == "{":
                element: Any = {}
                pos = self._fill_object(element, pos, depth + 1)
            else:
                element, pos = _raw_decode(text, pos)
            arr.append(element)  # only whole elements: a truncated document keeps complete records
            if isinstance(element, dict | list):
                self._starts[id(element)] = start
                self._keep.append(element)
            pos = _WS.match(text, pos).end()
            if text[pos] == "]":
                return pos + 1
            if text[pos] != ",":
                raise ValueError(f"expected ',' or ']' at offset {pos}")
            pos = _WS.match(text, pos + 1).end()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return exc.msg
    if isinstance(exc, IndexError):
        return "unexpected end of input"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)


def yaml_documents(text: str, on_error: Callable[[str, int | None], None]) -> Iterator[Any]:
    """The documents of a YAML stream (`kubectl get ... -o yaml`); a syntax error ends it."""
    try:
        yield from yaml.load_all(text, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)
    except YAML_ERRORS as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        on_error(f"invalid YAML: {yaml_problem(exc)}", line)


def yaml_problem(exc: BaseException) -> str:
    """What is wrong with a YAML document, in a few words (never empty)."""
    problem = getattr(exc, "problem", None) or str(exc).strip()
    first_line = problem.split("\n", 1)[0].strip()
    return first_line or type(exc).__name__


def document_values(
    text: str, on_error: Callable[[str, int | None], None], json_docs: JsonDocuments | None
) -> Iterator[tuple[int | None, Any]]:
    """(start line, value) of every top-level document: from `json_docs` when the input is
    JSON, else from the YAML stream in `text` (whose documents carry no line)."""
    if json_docs is None:
        return ((None, value) for value in yaml_documents(text, on_error))
    return ((doc.line, doc.value) for doc in json_docs)


def looks_like_yaml(text: str) -> bool:
    """Whether a document starts like `kubectl -o yaml` output rather than JSON."""
    head = text.lstrip("\ufeff \t\r\n")[:200]
    return head.startswith(("apiVersion:", "kind:", "items:", "---", "metadata:", "- "))


def count_lines(text: str) -> int:
    """Physical lines in `text` (a last line without a newline counts)."""
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def to_epoch(value: Any, tz: tzinfo = UTC) -> float | None:
    """Epoch seconds of an API timestamp (RFC 3339 string, YAML datetime or number).

    None for missing values and Go's zero time (`0001-01-01T00:00:00Z`), which APIs write
    for "not set".
    """
    if isinstance(value, str):
        if not value or value.startswith("0001-01-01"):
            return None
        epoch = parse_rfc3339(value, tz)
    elif isinstance(value, datetime):
        epoch = (value if value.tzinfo else value.replace(tzinfo=tz)).timestamp()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        epoch = float(value) if -1e12 < value < 1e12 else None
    else:
        return None
    return epoch if epoch is not None and 0 < epoch < 1e12 else None


def as_dict(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one (for defensive field access)."""
    return value if isinstance(value, dict) else {}


def as_str(value: Any) -> str | None:
    """A non-empty string field, else None."""
    return value if isinstance(value, str) and value else None


def str_map(value: Any) -> dict[str, str]:
    """A label/annotation map with string keys and values (others are stringified)."""
    if not isinstance(value, dict):
        return {}
    return {str(k): v if isinstance(v, str) else _dumps(v) for k, v in value.items()}


def _dumps(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (ValueError, RecursionError):
        return "<unprintable>"


def first_char(head: str) -> str:
    """First non-blank character of a sniffed head ('' when blank); skips a UTF-8 BOM."""
    stripped = head.lstrip("\ufeff \t\r\n")
    return stripped[:1]


def split_first_line(message: str) -> tuple[str, list[str] | None]:
    """A multi-line message as (first line, the other lines); single lines as (message, None)."""
    if "\n" not in message:
        return message, None
    first, *rest = message.rstrip("\n").split("\n")
    return first, rest or None
