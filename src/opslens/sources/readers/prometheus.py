"""Prometheus HTTP API query responses: `query_range` (matrix) and `query` (vector).

Shapes read: a response `{status, data: {resultType, result}}`, its bare `data`, a list of
responses, one response per line, and wrappers that keep the query beside the response
(`{"query": ..., "data": {...}}`, `{"expr": ..., "response": {...}}`, or a map of names to
responses). Scalar and string results, native histograms and error responses are skipped
with a reason. One METRIC event per series; sample values are strings ("NaN", "+Inf").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any, TextIO

from opslens.errors import InputError
from opslens.events import Event, EventKind
from opslens.sources.base import ReadContext, Reader, register
from opslens.sources.readers._documents import (
    JsonDocuments,
    as_str,
    count_lines,
    first_char,
)
from opslens.sources.readers._promlabels import entity_from_labels
from opslens.sources.verbatim import json_fragment

_RESULT_TYPE = re.compile(r'"resultType"\s*:\s*"(matrix|vector|scalar|string)"')
_QUERY_KEYS = ("query", "expr", "promql", "q")
_WRAPPER_KEYS = ("response", "result", "body", "data", "responses", "results", "queries")
_MAX_DEPTH = 5
_WALK = frozenset({"data", "result", "response", "body", "responses", "results", "queries"})


@register
class PrometheusReader(Reader):
    """Prometheus query/query_range responses (matrix, vector) as METRIC series."""

    name = "prometheus"
    description = "metrics: Prometheus HTTP API query / query_range responses"

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        if first_char(head) not in ("{", "["):
            return 0.0
        if _RESULT_TYPE.search(head):
            return 0.95
        if (
            '"resultType"' not in head
            and '"metric"' in head
            and ('"values"' in head or '"value"' in head)
        ):
            return 0.7  # a wrapper whose long query text pushed resultType out of the head
        return 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        text = stream.read()
        ctx.lines += count_lines(text)
        if not text.strip():
            return
        docs = JsonDocuments(text, ctx.skip, walk=_WALK)
        recognised = False
        for doc in docs:
            found = False
            for data, query, line in _responses(doc.value, None, None, doc.line, 0, docs, ctx):
                found = True
                yield from _series_events(data, query, line, docs, ctx)
            if not found and doc.complete:
                ctx.skip("JSON value holds no Prometheus query response", doc.line)
            recognised = recognised or found
        if not recognised:
            raise InputError(
                str(ctx.source),
                'no Prometheus query responses found (expected {"status": ..., "data": {"resultType": ...}})',
            )


def _responses(
    value: Any,
    query: str | None,
    name: str | None,
    line: int,
    depth: int,
    docs: JsonDocuments,
    ctx: ReadContext,
) -> Iterator[tuple[dict[str, Any], dict[str, str], int]]:
    """(data, query info, line) for every response inside `value`, however it is wrapped."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, list):
        for element in value:
            element_line = docs.line_of(element, line) or line
            yield from _responses(element, query, name, element_line, depth + 1, docs, ctx)
        return
    if not isinstance(value, dict):
        return
    if "resultType" in value and "result" in value:
        yield value, _query_info(query, name), line
        return
    if value.get("status") == "error":
        reason = as_str(value.get("error")) or as_str(value.get("errorType")) or "unknown error"
        ctx.skip(f"Prometheus error response: {reason}", line)
        return
    query = next((q for k in _QUERY_KEYS if (q := as_str(value.get(k)))), query)
    wrapped = [value[k] for k in _WRAPPER_KEYS if isinstance(value.get(k), dict | list)]
    if wrapped:
        for inner in wrapped:
            yield from _responses(inner, query, name, line, depth + 1, docs, ctx)
        return
    for key, inner in value.items():  # a map of names to responses
        if isinstance(inner, dict):
            yield from _responses(inner, query, key, line, depth + 1, docs, ctx)


def _query_info(query: str | None, name: str | None) -> dict[str, str]:
    info = {}
    if query:
        info["query"] = query
    if name:
        info["query_name"] = name
    return info


def _series_events(
    data: dict[str, Any], query: dict[str, str], line: int, docs: JsonDocuments, ctx: ReadContext
) -> Iterator[Event]:
    result_type = data.get("resultType")
    result = data.get("result")
    if result_type not in ("matrix", "vector"):
        ctx.skip(f"{result_type} result skipped: only matrix and vector results are series", line)
        return
    if not isinstance(result, list):
        ctx.skip(f"{result_type} response without a result list", line)
        return
    for series in result:
        series_line = docs.line_of(series, line)
        event = _series_event(series, result_type, query, series_line, ctx)
        if event is not None:
            yield event


def _series_event(
    series: Any, result_type: str, query: dict[str, str], line: int | None, ctx: ReadContext
) -> Event | None:
    if not isinstance(series, dict) or not isinstance(series.get("metric", {}), dict):
        ctx.skip("series is not an object with a metric", line)
        return None
    raw_samples = series.get("values") if result_type == "matrix" else [series.get("value")]
    if raw_samples in (None, [None]):
        kind = (
            "native histogram"
            if ("histograms" in series or "histogram" in series)
            else "sample-less"
        )
        ctx.skip(f"{kind} series skipped: only float samples are read", line)
        return None
    samples, bad = _samples(raw_samples)
    if bad:
        ctx.skip(f"{bad} malformed sample(s) dropped from a series", line)
    if not samples:
        return None
    metric = {str(k): str(v) for k, v in series.get("metric", {}).items()}
    name = metric.pop("__name__", None)
    labels = metric
    if name:
        raw = json_fragment(name)
    elif labels:
        raw = json_fragment(next(iter(labels.values())))
    else:
        raw = json_fragment(query.get("query", "{}"))
    entity = entity_from_labels(labels)
    return Event(
        time=samples[0][0],
        kind=EventKind.METRIC,
        source=PrometheusReader.name,
        origin=ctx.source.origin(line),
        message=selector(name, labels),
        raw=raw,
        host=labels.get("node") or None,
        namespace=labels.get("namespace") or None,
        entity=entity,
        attrs={
            "name": name,
            "labels": labels,
            "samples": samples,
            "result_type": result_type,
            **query,
        },
    )


def _samples(raw_samples: Any) -> tuple[list[list[float]], int]:
    """[[epoch, value], ...] from `[[ts, "v"], ...]`, and how many pairs were unusable."""
    samples: list[list[float]] = []
    bad = 0
    if not isinstance(raw_samples, list):
        return samples, 1
    for pair in raw_samples:
        try:
            ts, value = pair
            sample = [float(ts), float(value)]
        except (TypeError, ValueError, OverflowError):
            bad += 1
            continue
        if math.isfinite(sample[0]):
            samples.append(sample)
        else:
            bad += 1
    return samples, bad


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def selector(name: str | None, labels: dict[str, str]) -> str:
    """PromQL-style series selector: `name{a="b",c="d"}` (labels sorted)."""
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items()))
    return f"{name or ''}{{{inner}}}"
