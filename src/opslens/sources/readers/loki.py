"""Grafana Loki log query results.

- `/loki/api/v1/query_range` and `/query` responses: `{"status": "success", "data":
  {"resultType": "streams", "result": [{"stream": {labels}, "values": [["<ns>", "<line>"],
  ...]}]}}` (a value may carry a third element, structured metadata);
- `/loki/api/v1/tail` frames, one JSON object per line: `{"streams": [{"stream": ..., "values":
  ...}], "dropped_entries": ...}`, and the legacy `{"streams": [{"labels": "{a=\\"b\\"}",
  "entries": [{"ts": "...", "line": "..."}]}]}`;
- `logcli query --output=jsonl` rows: `{"labels": {...}, "line": "...", "timestamp": "..."}`.

Each log line goes through the same line parsers as text logs (so a JSON app log inside Loki
gets its level and message); stream labels give namespace, pod, container and node. The
entry's Loki timestamp is kept as `loki_time`; the line's own time wins unless it is missing or
implausibly far from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar, TextIO

from opslens.errors import InputError
from opslens.events import Entity, Event, EventKind, Severity
from opslens.sources.base import ReadContext, Reader, register
from opslens.sources.lines.base import LineParser
from opslens.sources.lines.cri import split_runtime_prefix
from opslens.sources.lines.dispatch import make_dispatch
from opslens.sources.lines.jsonlog import loads
from opslens.sources.lines.levels import level_severity
from opslens.sources.lines.records import ANSI, MAX_SKEW
from opslens.sources.readers._documents import count_lines
from opslens.sources.verbatim import json_fragment
from opslens.timeparse import Clock, epoch

_STREAMS = re.compile(r'"resultType"\s*:\s*"streams"')
_TAIL = re.compile(r'^\s*\{\s*"streams"\s*:\s*\[\s*\{\s*"(?:stream|labels)"', re.M)
_LOGCLI = re.compile(r'^\{"labels":\{.*"line":', re.M)
_LABEL_PAIR = re.compile(r'(?<![\w.])([\w.]{1,128})\s*=~?\s*"([^"\\]*(?:\\.[^"\\]*)*)"')

NAMESPACE_LABELS = ("namespace", "k8s_namespace_name", "kubernetes_namespace", "namespace_name")
POD_LABELS = ("pod", "k8s_pod_name", "kubernetes_pod_name", "pod_name", "instance")
CONTAINER_LABELS = ("container", "k8s_container_name", "kubernetes_container_name", "container_name")
NODE_LABELS = ("node_name", "node", "k8s_node_name", "kubernetes_host", "host", "hostname")
LEVEL_LABELS = ("level", "detected_level", "severity", "log_level")


def _label(labels: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = labels.get(key)
        if isinstance(value, str) and value:
            return value
    return None


class _Lines:
    """Line numbers of successive needles in the document (they appear in file order)."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def find(self, needle: str) -> int | None:
        i = self.text.find(needle, self.pos)
        if i < 0:
            return None
        self.line += self.text.count("\n", self.pos, i)
        self.pos = i
        return self.line


class _Stream:
    """What one Loki stream's labels say about its lines."""

    def __init__(self, labels: dict[str, Any]) -> None:
        self.labels = {k: v for k, v in labels.items() if isinstance(v, str)}
        self.namespace = _label(self.labels, NAMESPACE_LABELS)
        pod = _label(self.labels, POD_LABELS)
        self.entity = Entity("Pod", pod, self.namespace) if pod else None
        self.container = _label(self.labels, CONTAINER_LABELS)
        self.host = _label(self.labels, NODE_LABELS)
        level = _label(self.labels, LEVEL_LABELS)
        self.severity = level_severity(level) if level else Severity.UNKNOWN


def _parse_labels(text: str) -> dict[str, str]:
    """The legacy API's label string `{app="x", namespace="y"}` as a dict."""
    return {k: v.replace('\\"', '"') for k, v in _LABEL_PAIR.findall(text)}


@register
class LokiReader(Reader):
    """Loki query_range/query responses, tail frames and `logcli --output=jsonl` rows."""

    name: ClassVar[str] = "loki"
    description: ClassVar[str] = "Grafana Loki query results (query_range, tail, logcli jsonl)"

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        """0.95 for a streams result; 0.9 for tail frames or logcli rows."""
        if _STREAMS.search(head):
            return 0.95
        if _TAIL.search(head[:4096]) or _LOGCLI.search(head[:4096]):
            return 0.9
        return 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        """Events of every entry of every stream, in file order."""
        text = stream.read()
        ctx.lines += count_lines(text)
        reader = _EntryReader(ctx)
        doc = loads(text) if text.lstrip()[:1] == "{" else None
        if isinstance(doc, dict) and ("data" in doc or "streams" in doc):
            yield from reader.document(doc, _Lines(text), 1)
            return
        found = False
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            row = loads(line)
            if not isinstance(row, dict):
                ctx.skip("not a JSON object", lineno)
                continue
            found = True
            if "line" in row and "labels" in row:
                yield from reader.logcli(row, lineno)
            else:
                yield from reader.document(row, _Lines(line), lineno)
        if not found and text.strip():
            raise InputError(ctx.source.path, "not a Loki query result (expected a JSON object with data.result)")


class _EntryReader:
    """Turns Loki entries into Events with the text-log line parsers."""

    def __init__(self, ctx: ReadContext) -> None:
        self.ctx = ctx
        self.clock = Clock(ctx.tz, ctx.year_hint, ctx.time_hint)
        self.dispatch: LineParser = make_dispatch(self.clock)

    def document(self, doc: dict[str, Any], lines: _Lines, first_line: int) -> Iterator[Event]:
        data = doc.get("data", doc)
        result = data.get("result") if isinstance(data, dict) else None
        if result is None and isinstance(data, dict):
            result = data.get("streams")
        if not isinstance(result, list):
            self.ctx.skip("no streams in this Loki result", first_line)
            return
        if isinstance(data, dict) and data.get("resultType") not in (None, "streams"):
            self.ctx.skip(f"Loki result type {data.get('resultType')!r} holds no log lines", first_line)
            return
        for item in result:
            if not isinstance(item, dict):
                continue
            labels = item.get("stream", item.get("labels"))
            labels = _parse_labels(labels) if isinstance(labels, str) else labels
            info = _Stream(labels if isinstance(labels, dict) else {})
            values = item.get("values")
            if values is None and isinstance(item.get("entries"), list):  # legacy API
                values = [[e.get("ts"), e.get("line")] for e in item["entries"] if isinstance(e, dict)]
            for value in values if isinstance(values, list) else ():
                yield from self._value(value, info, lines, first_line)

    def _value(self, value: Any, info: _Stream, lines: _Lines, first_line: int) -> Iterator[Event]:
        if not isinstance(value, list) or len(value) < 2 or not isinstance(value[1], str):
            self.ctx.skip("malformed Loki value (expected [timestamp, line])", first_line)
            return
        stamp, line = value[0], value[1]
        lineno = lines.find(f'"{stamp}"') if isinstance(stamp, str) and stamp else None
        when = self._time(stamp)
        meta = value[2] if len(value) > 2 and isinstance(value[2], dict) else None
        yield self._event(line, when, info, first_line + (lineno or 1) - 1 if lineno else None, meta)

    def logcli(self, row: dict[str, Any], lineno: int) -> Iterator[Event]:
        labels = row.get("labels")
        info = _Stream(labels if isinstance(labels, dict) else {})
        line = row.get("line")
        if not isinstance(line, str):
            self.ctx.skip("logcli row without a line", lineno)
            return
        yield self._event(line, self._time(row.get("timestamp")), info, lineno, None)

    def _time(self, stamp: Any) -> float | None:
        if isinstance(stamp, str) and stamp.isdigit():
            return int(stamp) / 1e9 if len(stamp) >= 18 else epoch(stamp)
        if isinstance(stamp, str):
            found = self.clock.detect(stamp)
            return found[0] if found else None
        return epoch(stamp)

    def _event(self, line: str, loki_time: float | None, info: _Stream, lineno: int | None,
               meta: dict[str, Any] | None) -> Event:  # fmt: skip
        first, _, rest = line.partition("\n")
        content = first.rstrip("\r")
        prefixed = split_runtime_prefix(content) if content[:1].isdigit() else None  # raw CRI lines shipped
        if prefixed is not None:
            content = prefixed[3]
        if "\x1b" in content:
            content = ANSI.sub("", content)
        parsed = self.dispatch(content) if content.strip() else None
        if parsed is None:
            fmt, when, severity, message, attrs = "text", None, Severity.UNKNOWN, content, {}
        else:
            fmt, when, severity, message, attrs = parsed
            attrs = attrs if attrs is not None else {}
        severity = severity or info.severity
        attrs["format"] = fmt
        attrs["labels"] = info.labels
        if info.container:
            attrs["container"] = info.container
        if meta:
            attrs["metadata"] = meta
        if rest:
            attrs["continuation"] = rest.split("\n")
        if loki_time is not None:
            attrs["loki_time"] = loki_time
            if when is None or abs(when - loki_time) > MAX_SKEW:
                when = loki_time
        return Event(
            time=when, kind=EventKind.LOG, source="loki", origin=self.ctx.source.origin(lineno),
            message=message, raw=json_fragment(line), severity=severity, host=info.host,
            namespace=info.namespace, entity=info.entity, attrs=attrs,
        )  # fmt: skip
