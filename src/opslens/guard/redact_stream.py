"""Line-for-line redaction of a stream: PEM bodies and Kubernetes Secret YAML span lines."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opslens.guard.redact import Redactor

_BEGIN = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----")
_DOC_START = re.compile(r"^(apiVersion:\s|---\s*$)")
_MAX_DOC_LINES = 2000


def stream_redact(redactor: Redactor, lines: Iterable[str]) -> Iterator[str]:
    """Yield each input line redacted; output has exactly as many lines as input."""
    pem_marker: str | None = None
    pem_end = ""
    doc: list[str] = []
    for line in lines:
        if pem_marker is not None:
            if pem_end in line:
                pem_marker = None
                yield line
            else:
                body = line.rstrip("\r\n")
                yield line.replace(body, pem_marker) if body.strip() else line
            continue
        begin = _BEGIN.search(line)
        if begin and f"-----END {begin.group(1)}-----" not in line:
            yield from _flush(redactor, doc)
            doc = []
            pem_marker = redactor.placeholder("private-key", f"pem-block-{id(line)}-{line}")
            pem_end = f"-----END {begin.group(1)}-----"
            yield line
            continue
        if _DOC_START.match(line):
            yield from _flush(redactor, doc)
            doc = [line]
            continue
        if doc:
            doc.append(line)
            if len(doc) >= _MAX_DOC_LINES:
                yield from _flush(redactor, doc)
                doc = []
            continue
        yield redactor.redact(line)
    yield from _flush(redactor, doc)


def _flush(redactor: Redactor, doc: list[str]) -> Iterator[str]:
    if not doc:
        return
    joined = "".join(doc)
    redacted = redactor.redact(joined)
    out = redacted.splitlines(keepends=True)
    if len(out) != len(doc):  # never change the line count: fall back to per-line redaction
        out = [redactor.redact(line) for line in doc]
    yield from out
