"""Alerts: Alertmanager webhook payloads and API responses, and Prometheus' own alert list.

- Webhook payload (version "4"): `{receiver, status, alerts[], groupLabels, commonLabels,
  commonAnnotations, externalURL, groupKey, truncatedAlerts}`; also a list of payloads or one
  payload per line, as a webhook receiver logs them. Grafana's webhook is a superset.
- Alertmanager API v2 `GET /api/v2/alerts`: `[{labels, annotations, startsAt, endsAt,
  updatedAt, fingerprint, status: {state, silencedBy, inhibitedBy}, receivers, generatorURL}]`;
  `GET /api/v2/alerts/groups`: `[{labels, receiver, alerts[]}]`; API v1 `{status, data: [...]}`.
- Prometheus `GET /api/v1/alerts`: `{status, data: {alerts: [{labels, annotations, state,
  activeAt, value}]}}`.

One ALERT event per alert; `time` is startsAt (activeAt for Prometheus).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, TextIO

from opslens.errors import InputError
from opslens.events import Event, EventKind
from opslens.sources.base import ReadContext, Reader, register
from opslens.sources.readers._documents import (
    JsonDocuments,
    as_dict,
    as_str,
    count_lines,
    first_char,
    split_first_line,
    str_map,
    to_epoch,
)
from opslens.sources.readers._promlabels import entity_from_labels, severity_from_labels
from opslens.sources.verbatim import json_fragment

_WALK = frozenset({"alerts", "data"})
_RESOLVED_STATES = frozenset({"resolved", "inactive"})
_ALERT_FIRST_KEY = re.compile(
    r'\ufeff?\s*\{\s*"(?:labels|annotations|startsAt|endsAt|updatedAt|fingerprint|status|receivers|generatorURL)"'
)
_WEBHOOK_KEYS = re.compile(r'"(?:receiver|groupKey|commonLabels|truncatedAlerts)"\s*:')


@register
class AlertmanagerReader(Reader):
    """Alertmanager webhook payloads and API alert lists, Prometheus /api/v1/alerts."""

    name = "alertmanager"
    description = (
        "alerts: Alertmanager webhook payloads, API v2 alerts/groups, Prometheus /api/v1/alerts"
    )

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        first = first_char(head)
        if first not in ("{", "["):
            return 0.0
        if '"alerts"' in head and _WEBHOOK_KEYS.search(head):
            return 0.95
        if '"alerts"' in head and '"labels"' in head and '"activeAt"' in head:
            return 0.9
        api_alert = (
            '"labels"' in head
            and '"startsAt"' in head
            and ('"fingerprint"' in head or '"generatorURL"' in head)
        )
        # API v2 answers with an array, API v1 under "data"; a lone alert object starts with its keys.
        if api_alert and (first == "[" or '"data"' in head or _ALERT_FIRST_KEY.match(head)):
            return 0.9
        return 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        text = stream.read()
        ctx.lines += count_lines(text)
        if not text.strip():
            return
        docs = JsonDocuments(text, ctx.skip, walk=_WALK, walk_elements=True)
        recognised = False
        for doc in docs:
            found = False
            for alert, context in _alerts(doc.value, {}):
                found = True
                line = docs.line_of(alert, doc.line)
                event = _to_event(alert, context, line, ctx)
                if event is None:
                    ctx.skip("alert without labels", line)
                else:
                    yield event
            if not found and doc.complete:
                ctx.skip("JSON value holds no alerts", doc.line)
            recognised = recognised or found
        if not recognised:
            raise InputError(
                str(ctx.source),
                "no alerts found (expected an Alertmanager webhook payload or API alert list)",
            )


def _alerts(value: Any, context: dict[str, Any]) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(alert, payload context) pairs in any of the supported shapes."""
    if isinstance(value, list):
        for element in value:
            if isinstance(element, dict) and "labels" in element and "alerts" not in element:
                yield element, context
            else:
                yield from _alerts(element, context)
        return
    if not isinstance(value, dict):
        return
    alerts = value.get("alerts")
    data = value.get("data")
    if isinstance(alerts, list):
        inner = dict(context)
        receiver = value.get("receiver")
        inner["receiver"] = (
            as_str(as_dict(receiver).get("name")) or as_str(receiver) or context.get("receiver")
        )
        for key, attr in (("groupKey", "group_key"), ("externalURL", "external_url")):
            if as_str(value.get(key)):
                inner[attr] = value[key]
        truncated = value.get("truncatedAlerts")
        if isinstance(truncated, int) and truncated > 0:  # dropped by the receiver's max_alerts
            inner["truncated_alerts"] = truncated
        for alert in alerts:
            yield alert, inner
    elif isinstance(data, dict | list):  # Prometheus /api/v1/alerts, Alertmanager API v1
        yield from _alerts(data, context)
    elif isinstance(value.get("labels"), dict) and ("startsAt" in value or "activeAt" in value):
        yield value, context  # a single alert object


def _to_event(
    alert: Any, context: dict[str, Any], line: int | None, ctx: ReadContext
) -> Event | None:
    if not isinstance(alert, dict) or not isinstance(alert.get("labels"), dict):
        return None
    labels = str_map(alert["labels"])
    annotations = str_map(alert.get("annotations"))
    quoted = (
        annotations.get("summary")
        or annotations.get("description")
        or annotations.get("message")
        or labels.get("alertname")
        or ""
    )
    message, continuation = split_first_line(quoted)
    attrs = _attrs(alert, labels, annotations, context, ctx)
    if continuation:
        attrs["continuation"] = continuation
    return Event(
        time=attrs["starts_at"],
        kind=EventKind.ALERT,
        source=AlertmanagerReader.name,
        origin=ctx.source.origin(line),
        message=message,
        raw=_quotable(labels.get("alertname"), quoted),
        severity=severity_from_labels(labels),
        host=labels.get("node") or labels.get("nodename") or None,
        namespace=labels.get("namespace") or None,
        entity=entity_from_labels(labels),
        attrs=attrs,
    )


def _quotable(alertname: str | None, quoted: str) -> str:
    """What evidence quotes: the alert's name and its summary, each as the file writes it
    (one per line: the name is what people search for, the summary what it means)."""
    if alertname and alertname != quoted:
        return f"{json_fragment(alertname)}\n{json_fragment(quoted)}"
    return json_fragment(quoted)


def _attrs(
    alert: dict[str, Any],
    labels: dict[str, str],
    annotations: dict[str, str],
    context: dict[str, Any],
    ctx: ReadContext,
) -> dict[str, Any]:
    status, state = _status(alert)
    status_obj = as_dict(alert.get("status"))
    attrs: dict[str, Any] = {
        "alertname": labels.get("alertname"),
        "status": status,
        "labels": labels,
        "annotations": annotations,
        "starts_at": to_epoch(alert.get("startsAt"), ctx.tz)
        or to_epoch(alert.get("activeAt"), ctx.tz),
        "ends_at": to_epoch(alert.get("endsAt"), ctx.tz),
        "fingerprint": as_str(alert.get("fingerprint")),
        "generator_url": as_str(alert.get("generatorURL")),
        "receiver": context.get("receiver") or _receivers(alert),
    }
    optional = {
        "state": state,
        "updated_at": to_epoch(alert.get("updatedAt"), ctx.tz),
        "silenced_by": status_obj.get("silencedBy") or None,
        "inhibited_by": status_obj.get("inhibitedBy") or None,
        "value": alert.get("value"),
        "group_key": context.get("group_key"),
        "external_url": context.get("external_url"),
        "truncated_alerts": context.get("truncated_alerts"),
    }
    attrs.update((k, v) for k, v in optional.items() if v is not None)
    return attrs


def _status(alert: dict[str, Any]) -> tuple[str, str | None]:
    """("firing" | "resolved" | "pending", the API's own state when it has one)."""
    status = alert.get("status")
    if isinstance(status, str):  # webhook
        return ("resolved" if status in _RESOLVED_STATES else status or "firing"), None
    state = as_str(as_dict(status).get("state")) or as_str(alert.get("state"))
    if state is None:
        return "firing", None
    if state in _RESOLVED_STATES:
        return "resolved", state
    return ("pending" if state == "pending" else "firing"), state


def _receivers(alert: dict[str, Any]) -> str | None:
    receivers = alert.get("receivers")
    if not isinstance(receivers, list):
        return None
    names = [as_str(as_dict(r).get("name")) or as_str(r) for r in receivers]
    return ",".join(n for n in names if n) or None
