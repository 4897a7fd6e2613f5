"""Alert deduplication and grouping.

Alertmanager resends every firing alert on each group interval and several receivers may log
the same one, so the raw list repeats. Identity is the fingerprint when present, else a stable
hash of the label set; resolved alerts are kept apart from firing ones.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from opslens.event_attrs import alert_attrs
from opslens.events import Event

#: Labels that identify where an alert lives; alerts sharing them (and near in time) group.
GROUP_LABELS = ("namespace", "service", "job", "deployment", "statefulset", "daemonset", "workload")
#: Labels that say nothing about the problem (the scraping Prometheus, the endpoint port).
_NOISE_LABELS = frozenset({"prometheus", "endpoint", "receive", "tenant_id", "prometheus_replica"})


@dataclass
class AlertInstance:
    """One alert identity with its repeats merged."""

    key: str
    alertname: str
    status: str
    labels: dict[str, str]
    annotations: dict[str, str]
    first: float | None
    last: float | None
    ends: float | None
    count: int
    severity: str | None
    events: list[Event] = field(default_factory=list)
    group: str = ""
    evidence: str | None = None

    @property
    def namespace(self) -> str | None:
        return self.labels.get("namespace")

    @property
    def summary(self) -> str | None:
        a = self.annotations
        return a.get("summary") or a.get("message") or a.get("description")


def label_hash(labels: dict[str, str]) -> str:
    """A stable identity for a label set (what Alertmanager's fingerprint also hashes)."""
    clean = {k: v for k, v in labels.items() if k not in _NOISE_LABELS}
    blob = json.dumps(clean, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def dedupe(alerts: list[Event]) -> list[AlertInstance]:
    """Merge repeats of the same alert; firing and resolved states stay separate rows."""
    merged: dict[tuple[str, str], AlertInstance] = {}
    for event in sorted(alerts, key=lambda e: (e.time or 0.0)):
        attrs = alert_attrs(event)
        labels: dict[str, str] = {str(k): str(v) for k, v in (attrs.get("labels") or {}).items()}
        status = str(attrs.get("status") or "firing")
        if status in ("active", "suppressed", "unprocessed", "pending"):
            status = "firing" if status == "active" else status
        key = label_hash(labels) if labels else str(attrs.get("fingerprint") or event.message)
        inst = merged.get((key, status))
        if inst is None:
            inst = merged[(key, status)] = AlertInstance(
                key=key,
                alertname=str(attrs.get("alertname") or labels.get("alertname") or "unnamed"),
                status=status,
                labels=labels,
                annotations={str(k): str(v) for k, v in (attrs.get("annotations") or {}).items()},
                first=event.time,
                last=event.time,
                ends=attrs.get("ends_at"),
                count=0,
                severity=labels.get("severity"),
            )
        inst.count += 1
        if event.time is not None:
            inst.first = event.time if inst.first is None else min(inst.first, event.time)
            inst.last = event.time if inst.last is None else max(inst.last, event.time)
        if len(inst.events) < 3:
            inst.events.append(event)
    instances = list(merged.values())
    _assign_groups(instances)
    return sorted(instances, key=lambda a: (a.status != "firing", a.first or 0.0, a.alertname))


def _assign_groups(instances: list[AlertInstance]) -> None:
    """Group by the most specific shared location label present (namespace/service/job...)."""
    for inst in instances:
        parts = [f"{k}={inst.labels[k]}" for k in GROUP_LABELS if inst.labels.get(k)]
        inst.group = ",".join(parts[:2]) if parts else f"alertname={inst.alertname}"
