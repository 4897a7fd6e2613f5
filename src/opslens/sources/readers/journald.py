"""systemd journal exports: `journalctl -o json` (one object per line), `-o json-pretty`
(concatenated indented objects) and `-o export` (KEY=value blocks separated by blank lines).

Journal files can run to millions of entries, so the JSON-lines path does one `json.loads` and a
handful of dict lookups per line and keeps times as epoch floats. MESSAGE may be a string, a
byte array (list of ints: the text was not valid UTF-8), null (a field over journalctl's size
threshold) or a list of those (a field set more than once). Messages of kubelet/containerd keep
their klog/logfmt text unchanged; parsing it is the analysis layer's business.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

from opslens.errors import InputError
from opslens.events import Entity, Event, EventKind, Severity
from opslens.sources.base import ReadContext, Reader, register
from opslens.sources.readers._documents import (
    JsonDocuments,
    count_lines,
    first_char,
)
from opslens.sources.verbatim import json_fragment

PRIORITY_SEVERITY: dict[str, Severity] = {
    "0": Severity.CRITICAL, "1": Severity.CRITICAL, "2": Severity.CRITICAL,
    "3": Severity.ERROR, "4": Severity.WARNING, "5": Severity.NOTICE,
    "6": Severity.INFO, "7": Severity.DEBUG,
}  # fmt: skip

#: Journal fields kept as attrs, and their names there.
_ATTR_FIELDS = (
    ("_SYSTEMD_UNIT", "unit"),
    ("SYSLOG_IDENTIFIER", "identifier"),
    ("_COMM", "comm"),
    ("_PID", "pid"),
    ("_TRANSPORT", "transport"),
    ("CONTAINER_NAME", "container_name"),
)
_JOURNAL_KEYS = (
    '"PRIORITY"',
    '"_PID"',
    '"SYSLOG_IDENTIFIER"',
    '"_SYSTEMD_UNIT"',
    '"_TRANSPORT"',
    '"_HOSTNAME"',
)
_EXPORT_HEAD = re.compile(r"^(?:__CURSOR|__REALTIME_TIMESTAMP)=", re.M)
# Docker's journald log driver under dockershim: k8s_<container>_<pod>_<namespace>_<uid>_<n>.
_DOCKER_K8S_NAME = re.compile(r"k8s_[^_]+_([^_]+)_([^_]+)_")


@register
class JournaldReader(Reader):
    """systemd journal entries exported as JSON (lines or pretty) or in the export format."""

    name = "journald"
    description = "systemd journal: journalctl -o json / json-pretty / export"

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        if first_char(head) == "{":
            if '"__REALTIME_TIMESTAMP"' in head or '"__CURSOR"' in head:
                return 0.95
            if '"MESSAGE"' in head and any(key in head for key in _JOURNAL_KEYS):
                return 0.9
            return 0.0
        if _EXPORT_HEAD.search(head[:4096]) and "\nMESSAGE=" in head:
            return 0.9
        return 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        first = stream.readline()
        while first and not first.strip():
            ctx.lines += 1
            first = stream.readline()
        if not first:
            return
        first = first.lstrip("\ufeff")
        stripped = first.lstrip(" \t")
        if stripped.startswith("{") and stripped.rstrip().endswith("}"):
            yield from self._json_lines(first, stream, ctx)
        elif stripped.startswith("{"):
            yield from self._json_pretty(first + stream.read(), ctx)
        elif "=" in stripped:
            yield from self._export(first, stream, ctx)
        else:
            raise InputError(
                str(ctx.source), "not a journal export (expected `journalctl -o json` output)"
            )

    def _json_lines(self, first: str, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        loads, skip, line_no, good = json.loads, ctx.skip, ctx.lines, 0
        for line_no, line in enumerate(_chain(first, stream), start=ctx.lines + 1):  # noqa: B007
            try:
                entry = loads(line)
            except ValueError:
                if line.strip():
                    skip("invalid JSON line", line_no)
                continue
            if type(entry) is not dict:
                skip("JSON line is not an object", line_no)
                continue
            good += 1
            yield _to_event(entry, line_no, ctx, line)
        ctx.lines = line_no
        if not good:
            raise InputError(
                str(ctx.source), "no journal entries found (expected `journalctl -o json` output)"
            )

    def _json_pretty(self, text: str, ctx: ReadContext) -> Iterator[Event]:
        base = ctx.lines
        ctx.lines += count_lines(text)
        docs = JsonDocuments(
            text, lambda reason, line: ctx.skip(reason, None if line is None else base + line)
        )
        for doc in docs:
            if not doc.complete:
                continue  # a cut-off entry; the cut is already reported
            if isinstance(doc.value, dict):
                yield _to_event(doc.value, base + doc.line, ctx, None)
            else:
                ctx.skip("JSON value is not a journal entry", base + doc.line)
        if not docs.decoded:
            raise InputError(str(ctx.source), "no journal entries found (invalid JSON)")

    def _export(self, first: str, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        entry: dict[str, Any] = {}
        start = line_no = ctx.lines
        for line_no, line in enumerate(_chain(first, stream), start=ctx.lines + 1):  # noqa: B007
            text = line.rstrip("\n")
            if not text:
                if entry:
                    yield _to_event(entry, start, ctx, None)
                entry = {}
                continue
            if not entry:
                start = line_no
            key, sep, value = text.partition("=")
            if sep:
                entry.setdefault(key, value)
            # A line without "=" names a binary field whose length-prefixed bytes follow; their
            # text after decoding is not reliable, so such fields are left out.
        if entry:
            yield _to_event(entry, start, ctx, None)
        ctx.lines = line_no


def _chain(first: str, stream: TextIO) -> Iterator[str]:
    yield first
    yield from stream


def _to_event(entry: dict[str, Any], line_no: int, ctx: ReadContext, line: str | None) -> Event:
    """One journal entry; `line` is its JSON line, quoted when MESSAGE is not a plain string."""
    message = entry.get("MESSAGE")
    if type(message) is str:
        raw = json_fragment(message) if line is not None else message
    else:
        message = _message_text(message)
        raw = line.rstrip("\n") if line is not None else message
    stamp = entry.get("__REALTIME_TIMESTAMP") or entry.get("_SOURCE_REALTIME_TIMESTAMP")
    try:
        time = int(stamp) / 1_000_000 if stamp is not None else None
    except (TypeError, ValueError):
        time = None
    attrs = {name: entry[field] for field, name in _ATTR_FIELDS if field in entry}
    if "\n" in message:
        message, *rest = message.rstrip("\n").split("\n")
        if rest:
            attrs["continuation"] = rest
    entity = namespace = None
    container = entry.get("CONTAINER_NAME")
    if type(container) is str and container.startswith("k8s_"):
        m = _DOCKER_K8S_NAME.match(container)
        if m:
            entity, namespace = Entity("Pod", m.group(1), m.group(2)), m.group(2)
    host = entry.get("_HOSTNAME")
    priority = entry.get("PRIORITY")
    return Event(
        time=time,
        kind=EventKind.LOG,
        source=JournaldReader.name,
        origin=ctx.source.origin(line_no),
        message=message,
        raw=raw,
        severity=PRIORITY_SEVERITY.get(priority, Severity.UNKNOWN)
        if type(priority) is str
        else Severity.UNKNOWN,
        host=host if type(host) is str else ctx.source.identity.host,
        namespace=namespace,
        entity=entity,
        attrs=attrs,
    )


def _message_text(value: Any) -> str:
    """MESSAGE that is not a plain string: bytes as a list of ints, null, or several values."""
    if value is None:
        return ""
    if isinstance(value, list):
        if all(type(b) is int for b in value):
            try:
                return bytes(value).decode("utf-8", "replace")
            except ValueError:  # ints outside 0..255
                return ""
        return "\n".join(_message_text(v) if not isinstance(v, str) else v for v in value)
    return str(value)
