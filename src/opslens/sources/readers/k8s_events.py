"""Kubernetes Events: `kubectl get events [-A] -o json|yaml`, watch streams, single objects.

Both APIs are read. core/v1 Events carry `involvedObject`, `message`, `count`,
`firstTimestamp`/`lastTimestamp` and `source`; events.k8s.io/v1 Events carry `regarding`,
`note`, `deprecatedCount`/`deprecatedFirstTimestamp`/`deprecatedLastTimestamp`, `series`
and `reportingController`. Events recorded through the new API have only `eventTime` (and
`series`), so times fall back through those to `metadata.creationTimestamp`.

Inputs: a `List`/`EventList`, a single Event, the concatenated objects of
`kubectl get events -w -o json` (or one per line), `--output-watch-events` envelopes
(`{"type": "ADDED", "object": {...}}`), YAML, and the plain `kubectl get events` table
(`_k8s_event_table`: its relative ages are dated from `ReadContext.anchor`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, TextIO

from opslens.errors import InputError
from opslens.events import Entity, Event, EventKind, Severity
from opslens.sources.base import READ_FIRST, READ_LAST, ReadContext, Reader, register
from opslens.sources.readers._documents import (
    JsonDocuments,
    as_dict,
    as_str,
    count_lines,
    document_values,
    first_char,
    looks_like_yaml,
    split_first_line,
    to_epoch,
)
from opslens.sources.readers._k8s_event_table import read_event_table, sniff_table
from opslens.sources.readers._kubectl_text import CLUSTER_SCOPED, TYPE_SEVERITY
from opslens.sources.verbatim import json_fragment

_KIND_EVENT = re.compile(r'"kind"\s*:\s*"Event(?:List)?"')
_YAML_KIND_EVENT = re.compile(r"^\s*(?:- )?kind: [\"']?Event(?:List)?[\"']?\s*$", re.M)
_YAML_REF = re.compile(r"^\s*(?:- )?(?:involvedObject|regarding):", re.M)
_WATCH_TYPES = frozenset({"ADDED", "MODIFIED", "DELETED"})


@register
class K8sEventsReader(Reader):
    """Kubernetes Event objects (core/v1 and events.k8s.io/v1) as EVENT records."""

    name = "k8s-events"
    description = "Kubernetes Events: kubectl get events -o json/yaml, watch streams"

    @classmethod
    def read_order(cls, head: str) -> int:
        # An events table (`kubectl get events`) has relative ages: read it after dated inputs.
        return READ_LAST if _is_table(head) else READ_FIRST

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        first = first_char(head)
        if first in ("{", "["):
            has_ref = '"involvedObject"' in head or '"regarding"' in head
            if has_ref and _KIND_EVENT.search(head):
                return 0.95
            return 0.9 if has_ref and '"reason"' in head else 0.0
        if (
            first
            and looks_like_yaml(head)
            and _YAML_REF.search(head)
            and _YAML_KIND_EVENT.search(head)
        ):
            return 0.9
        return sniff_table(head) if first else 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        text = stream.read()
        ctx.lines += count_lines(text)
        if not text.strip():
            return
        if _is_table(text):
            yield from read_event_table(text, ctx, self.name)
            return
        is_yaml = looks_like_yaml(text)
        tracker = None if is_yaml else JsonDocuments(text, ctx.skip, walk=frozenset({"items"}))
        recognised = False
        for doc_line, value in document_values(text, ctx.skip, tracker):
            items = _event_objects(value)
            if items is None:
                ctx.skip("JSON value is not a Kubernetes Event, List or watch envelope", doc_line)
                continue
            recognised = True
            for item in items:
                line = doc_line if tracker is None else tracker.line_of(item, doc_line)
                event = _to_event(item, line, ctx, verbatim_json=not is_yaml)
                if event is None:
                    ctx.skip(
                        "item is not an Event (needs involvedObject/regarding or a message)", line
                    )
                else:
                    yield event
        if not recognised:
            raise InputError(
                str(ctx.source),
                "no Kubernetes Event objects found (expected `kubectl get events -o json` output)",
            )


def _is_table(text: str) -> bool:
    """Neither JSON nor YAML: sniffing chose this reader for an events table (whose header may
    be far into the text, after a long first line)."""
    return first_char(text) not in ("{", "[") and not looks_like_yaml(text)


def _event_objects(value: Any) -> list[Any] | None:
    """The Event objects a top-level value holds, or None when it holds none."""
    if isinstance(value, list):
        found = [obj for element in value for obj in (_event_objects(element) or ())]
        return found if found or not value else None
    if not isinstance(value, dict):
        return None
    items = value.get("items")
    if isinstance(items, list):
        return items
    obj = value.get("object")
    if value.get("type") in _WATCH_TYPES and isinstance(obj, dict):
        return [obj]
    if "involvedObject" in value or "regarding" in value or value.get("kind") == "Event":
        return [value]
    return None


def _to_event(item: Any, line: int | None, ctx: ReadContext, verbatim_json: bool) -> Event | None:
    if not isinstance(item, dict):
        return None
    ref = as_dict(item.get("involvedObject")) or as_dict(item.get("regarding"))
    text = as_str(item.get("message")) or as_str(item.get("note"))
    reason = as_str(item.get("reason"))
    kind = item.get("kind")
    if (not ref and text is None) or (kind is not None and kind != "Event"):
        return None
    first, last = _times(item, ctx)
    source = as_dict(item.get("source")) or as_dict(item.get("deprecatedSource"))
    component = (
        as_str(source.get("component"))
        or as_str(item.get("reportingComponent"))
        or as_str(item.get("reportingController"))
    )
    ref_kind, ref_name = as_str(ref.get("kind")), as_str(ref.get("name"))
    namespace = _namespace(ref, ref_kind, item)
    event_type = as_str(item.get("type"))
    quoted = text or reason or ""
    message, continuation = split_first_line(quoted)
    attrs: dict[str, Any] = {
        "reason": reason,
        "type": event_type,
        "count": _count(item),
        "first_time": first,
        "last_time": last,
        "component": component,
        "action": as_str(item.get("action")),
        "involved": {
            key: ref.get(key) for key in ("kind", "name", "namespace", "uid", "fieldPath")
        },
        "reporting_instance": as_str(item.get("reportingInstance")),
        "name": as_str(as_dict(item.get("metadata")).get("name")),
    }
    if continuation:
        attrs["continuation"] = continuation
    return Event(
        time=first,
        kind=EventKind.EVENT,
        source=K8sEventsReader.name,
        origin=ctx.source.origin(line),
        message=message,
        raw=_quotable(reason, json_fragment(quoted) if verbatim_json else quoted),
        severity=TYPE_SEVERITY.get(event_type or "", Severity.UNKNOWN),
        host=_host(source, item, component, ref_kind, ref_name),
        namespace=namespace,
        entity=Entity(ref_kind, ref_name, namespace) if ref_kind and ref_name else None,
        attrs=attrs,
    )


def _quotable(reason: str | None, text: str) -> str:
    """What evidence quotes: the reason (what people search for: `FailedScheduling`) and the
    message, each as the file writes it, one per line."""
    return f"{reason}\n{text}" if reason and reason != text else text


def _namespace(ref: dict[str, Any], ref_kind: str | None, item: dict[str, Any]) -> str | None:
    """The involved object's namespace; the Event's own only for namespaced kinds."""
    namespace = as_str(ref.get("namespace"))
    if namespace is None and ref_kind not in CLUSTER_SCOPED:  # their Events live in "default"
        namespace = as_str(as_dict(item.get("metadata")).get("namespace"))
    return namespace


def _times(item: dict[str, Any], ctx: ReadContext) -> tuple[float | None, float | None]:
    """(first, last) occurrence, through both APIs' fields and their fallbacks."""
    tz = ctx.tz
    series = as_dict(item.get("series"))
    event_time = to_epoch(item.get("eventTime"), tz)
    first = (
        to_epoch(item.get("firstTimestamp"), tz)
        or to_epoch(item.get("deprecatedFirstTimestamp"), tz)
        or event_time
    )
    last = (
        to_epoch(series.get("lastObservedTime"), tz)
        or to_epoch(item.get("lastTimestamp"), tz)
        or to_epoch(item.get("deprecatedLastTimestamp"), tz)
    )
    if first is None:
        first = last or to_epoch(as_dict(item.get("metadata")).get("creationTimestamp"), tz)
    return first, last or first


def _count(item: dict[str, Any]) -> int:
    counts = (
        item.get("count"),
        item.get("deprecatedCount"),
        as_dict(item.get("series")).get("count"),
    )
    valid = [c for c in counts if isinstance(c, int) and not isinstance(c, bool) and c > 0]
    return max(valid, default=1)


def _host(
    source: dict[str, Any],
    item: dict[str, Any],
    component: str | None,
    ref_kind: str | None,
    ref_name: str | None,
) -> str | None:
    host = as_str(source.get("host"))
    if host:
        return host
    # kubelet reports with its node name as the instance; other controllers use pod names.
    if component and component.endswith("kubelet"):
        return as_str(item.get("reportingInstance"))
    return ref_name if ref_kind == "Node" else None
