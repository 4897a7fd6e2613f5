"""Kubernetes objects pasted as YAML (`---`-separated documents, `kind: List`) or JSON
(`kubectl get -o json`, one object or a List, several concatenated), each with a `Locator`
that finds the line of any of its parts.

One parse gives both: YAML (and JSON, which parses as YAML) is composed into a node tree and
the value is constructed from that tree. JSON that the YAML parser refuses still loads (with
`json`); its parts are then found by searching the text.

Not a reader: the leading underscore keeps the package's auto-import from treating it as one.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from yaml.nodes import Node

from opslens.sources.readers._documents import YAML_ERRORS, JsonDocuments, yaml_problem
from opslens.sources.readers._object_lines import Locator
from opslens.yaml_loader import SAFE_LOADER

_DOC_START = re.compile(r"^---\s*$")
#: JSON documents larger than this are not composed as YAML (slow): their parts are searched.
_MAX_COMPOSE_CHARS = 8 * 1024 * 1024


@dataclass
class Document:
    """One document: its first line, its last line, the loaded value and its locator."""

    first: int
    last: int
    value: Any
    loc: Locator


@dataclass
class Item:
    """One object of a document (the document itself, or an element of its `items`)."""

    value: dict[str, Any]
    loc: Locator


def yaml_documents(lines: list[str], on_error: Callable[[str, int, int], None]) -> Iterator[Document]:
    """The `---`-separated YAML documents of `lines`; `on_error(reason, first line, line count)`
    for one that does not parse."""
    for start, count in _spans(lines):
        chunk = lines[start - 1 : start - 1 + count]
        # A fragment pasted indented (` status:` from a UI) parses once dedented; lines stay put.
        text = textwrap.dedent("\n".join(chunk)).rstrip()
        if not text.strip():
            continue
        try:
            node, value = _compose(text)
        except YAML_ERRORS as err:
            on_error(f"YAML document that does not parse: {yaml_problem(err)}", start, count)
            continue
        yield Document(start, start + count - 1, value, Locator(lines, start, node, start))


def json_documents(text: str, lines: list[str], on_error: Callable[[str, int | None], None]) -> Iterator[Document]:
    """The JSON documents of `text` (whose physical lines are `lines`)."""
    docs = list(JsonDocuments(text, on_error))
    for index, doc in enumerate(docs):
        last = docs[index + 1].line - 1 if index + 1 < len(docs) else len(lines)
        node = _json_node(lines[doc.line - 1 : last]) if doc.complete else None
        yield Document(doc.line, max(doc.line, last), doc.value, Locator(lines, doc.line, node, doc.line))


def items(doc: Document) -> Iterator[Item]:
    """The objects of a document: the elements of a List's `items` (or of a JSON array), else
    the document itself when it is an object."""
    value = doc.value
    if isinstance(value, dict) and _is_list(value):
        elements: list[tuple[tuple[str | int, ...], Any]] = [(("items", i), v) for i, v in enumerate(value["items"])]
    elif isinstance(value, list):
        elements = [((i,), v) for i, v in enumerate(value)]
    else:
        elements = [((), value)]
    for path, element in elements:
        if isinstance(element, dict):
            yield Item(element, doc.loc.child(*path) if path else doc.loc)


def _is_list(value: dict[str, Any]) -> bool:
    """A List (`kind: List`, `PodList`), or one cut before its `kind:` line, which comes last
    in `kubectl get -o yaml` (a paste split there, or cut short)."""
    kind = value.get("kind")
    listed = isinstance(value.get("items"), list)
    return listed and (kind is None or (isinstance(kind, str) and kind.endswith("List")))


def _spans(lines: list[str]) -> Iterator[tuple[int, int]]:
    """(first line number, line count) of each `---`-separated document."""
    start, count = 1, 0
    for n, line in enumerate(lines, 1):
        if _DOC_START.match(line):
            if count:
                yield start, count
            start, count = n + 1, 0
        else:
            count += 1
    if count:
        yield start, count


def _compose(text: str, construct: bool = True) -> tuple[Node | None, Any]:
    """The node tree of a single-document YAML text and (with `construct`) its value."""
    loader = SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if construct and node is not None else None
        return node, value
    finally:
        loader.dispose()


def _json_node(lines: list[str]) -> Node | None:
    """The node tree of one JSON document, when YAML can read it."""
    text = "\n".join(lines)
    if len(text) > _MAX_COMPOSE_CHARS:
        return None
    try:
        return _compose(text, construct=False)[0]
    except YAML_ERRORS:
        return None
