"""Signal hits: where and when each semantic signal occurred, per workload.

A hit aggregates one signal on one workload (or node, or service) from one kind of source:
first/last time, count, how much of it falls before the split (baseline), and the events to
cite. Chronic noise (a probe that has failed all day) shows up as a hit with a large baseline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from opslens.analysis import signals
from opslens.analysis.alerts import AlertInstance
from opslens.analysis.digest import BUCKET_SECONDS, Digest, TemplateStats
from opslens.analysis.entities import EntityGraph, pod_in_text
from opslens.analysis.findings import AnomalyFinding
from opslens.event_attrs import k8s_attrs, metric_attrs
from opslens.events import Entity, Event, EventKind, Severity
from opslens.quantity import quantity

#: Event reasons that, repeated, mean the container was started again (it restarted).
_RESTART_REASONS = frozenset({"Created", "Started", "Pulled"})
#: Alert labels naming the object an alert is about, most specific first.
_ALERT_OBJECT_LABELS = (
    ("pod", "Pod"), ("deployment", "Deployment"), ("statefulset", "StatefulSet"),
    ("daemonset", "DaemonSet"), ("job_name", "Job"), ("cronjob", "CronJob"),
    ("persistentvolumeclaim", "PersistentVolumeClaim"), ("service", "Service"),
    ("node", "Node"), ("certificate", "Certificate"), ("name", "Certificate"),
)


@dataclass
class SignalHit:
    signal: str
    kind: EventKind
    workload: Entity | None
    first: float | None
    last: float | None
    count: int
    baseline: int = 0  # occurrences before the split
    events: list[Event] = field(default_factory=list)
    text: str = ""  # the template, message or alert/series name that matched
    template_key: int | None = None
    severity: Severity = Severity.UNKNOWN
    anomaly: AnomalyFinding | None = None
    alert: AlertInstance | None = None
    quote: str | None = None  # verbatim text to cite instead of the event's first line

    @property
    def strength(self) -> float:
        return signals.strength(self.signal)

    @property
    def chronic(self) -> bool:
        """Mostly present before the split: background noise, not this incident."""
        return self.baseline > 0 and self.baseline >= 0.5 * self.count

    @property
    def namespace(self) -> str | None:
        return self.workload.namespace if self.workload else None


def entity_from_key(key: str) -> Entity:
    ns, kind, name = key.split("/", 2)
    return Entity(kind, name, ns or None)


def template_hits(digest: Digest, graph: EntityGraph, split: float | None) -> list[SignalHit]:
    """Signals found in message templates (log lines and event messages), per workload."""
    hits: list[SignalHit] = []
    split_minute = int(split // BUCKET_SECONDS) if split is not None else None
    for key, stats in digest.templates.items():
        if stats.kinds and stats.kinds.keys() <= digest.event_sources:
            continue  # Kubernetes-style events (any reader's) are read whole by k8s_event_hits
        template = digest.miner.template(key)
        in_template = set(signals.text_signals(template))
        # Variable parts (a status code, an exit code) only show in the lines themselves; then
        # only the lines at error level count, not the whole template.
        in_lines = set(signals.text_signals("\n".join(_searchable(e) for e in stats.worst[:2] + stats.notable[:2]))) - in_template
        for found, minutes in ((in_template, stats.minutes), (in_lines, stats.error_minutes)):
            if not found:
                continue
            count = (sum(minutes.values()) or len(stats.notable)) if found is in_lines else stats.count
            baseline = _baseline(minutes, split_minute) if _long_before(stats.first, split) else 0
            new = _per_workload(found, stats, graph, template, key, baseline, count)
            if found is in_lines:
                _point_at_lines(new, stats)
            hits += new
    return hits


#: Trouble that began less than this before the split is part of the incident's lead-up, not
#: chronic background (a restart a minute before the first liveness kill).
BACKGROUND_LEAD = 15 * 60


def _long_before(first: float | None, split: float | None) -> bool:
    """Whether something that began at `first` began long enough before the split to be background."""
    return first is not None and split is not None and first < split - BACKGROUND_LEAD


def _baseline(minutes: dict[int, int], split_minute: int | None) -> int:
    """Occurrences before the split, when they recur: background is something seen again and
    again before the incident, not one burst long before it (which, in a paste, is as likely a
    clock or zone the inputs disagree on)."""
    before = {m: n for m, n in minutes.items() if split_minute is not None and m < split_minute}
    return sum(before.values()) if len(before) >= 2 else 0


def _searchable(event: Event) -> str:
    """What a line's signals are searched in: its verbatim text, plus the message when a reader
    stated facts the text only implies (`filesystem / is 81% full` under a `df` table)."""
    return event.raw if event.message in event.raw else f"{event.raw}\n{event.message}"


def _match_length(pattern, text: str) -> int:  # noqa: ANN001 - a compiled pattern
    m = pattern.search(text)
    return len(m.group(0)) if m else 0


def _point_at_lines(hits: list[SignalHit], stats: TemplateStats) -> None:
    """Hits found in single lines start (and are quoted) at those lines, not the template."""
    for hit in hits:
        pattern = signals.signal_defs()[hit.signal].text
        lines = [e for e in stats.notable + stats.worst if pattern is not None and pattern.search(_searchable(e))]
        if lines:
            # The most specific wording first (the longest match: `x509: certificate has
            # expired` over `tls: bad certificate`), then the earliest.
            lines = list({id(e): e for e in lines}.values())  # notable and worst may share lines
            lines.sort(key=lambda e: (-_match_length(pattern, _searchable(e)), e.time if e.time is not None else float("inf")))
            hit.events = lines[:2]
            hit.first = lines[0].time if lines[0].time is not None else hit.first


def _per_workload(
    found: Iterable[str], stats: TemplateStats, graph: EntityGraph, template: str, key: int, baseline: int, total: int
) -> list[SignalHit]:
    examples = stats.worst or stats.examples
    # A node's kubelet or runtime often reports on behalf of one pod and names it in the line.
    about = next((w for w in (attribute(e, graph) for e in examples) if w is not None and w.kind != "Node"), None)
    by_workload: dict[Entity | None, int] = {}
    for name, n in stats.entities.items():
        workload = graph.workload(entity_from_key(name))
        if about is not None and workload is not None and workload.kind == "Node":
            workload = about
        by_workload[workload] = by_workload.get(workload, 0) + n
    if not by_workload:
        by_workload[None] = stats.count
    hits = []
    for signal in sorted(found):
        for workload, n in by_workload.items():
            cite = [e for e in examples if workload is None or attribute(e, graph) == workload] or examples
            hits.append(SignalHit(
                signal=signal,
                kind=EventKind.LOG if any(k != "k8s-events" for k in stats.kinds) else EventKind.EVENT,
                workload=workload,
                first=stats.first,
                last=stats.last,
                count=max(1, round(total * n / max(stats.count, 1))),
                baseline=round(baseline * n / max(stats.count, 1)),
                events=cite[:2],
                text=template,
                template_key=key,
                severity=stats.severity,
            ))
    return hits


def attribute(event: Event, graph: EntityGraph) -> Entity | None:
    """The workload a line is about: its own pod's, or the pod a node-level line names."""
    workload = graph.workload(event.entity) if event.entity is not None else None
    if workload is None or workload.kind == "Node":
        workload = graph.workload(pod_in_text(event.raw)) or workload
    if workload is None and event.host:
        workload = Entity("Node", event.host)
    return workload


def k8s_event_hits(events: list[Event], graph: EntityGraph, split: float | None) -> list[SignalHit]:
    """Signals from Kubernetes events: reason and message, per involved object's workload."""
    merged: dict[tuple[str, Entity | None, str], SignalHit] = {}
    for e in events:
        attrs = k8s_attrs(e)
        found = set(signals.reason_signals(attrs.get("reason"))) | set(signals.text_signals(e.message))
        if attrs.get("reason") in _RESTART_REASONS and int(attrs.get("count") or 1) > 1:
            found.add("container_restarted")  # `Created container x (x4 over 9m)`: it restarted
        if not found:
            continue
        workload = graph.workload(e.entity)
        count = int(attrs.get("count") or 1)
        first, last = e.time, attrs.get("last_time") or e.time
        in_baseline = 0
        if _long_before(first, split):
            in_baseline = count if last is not None and last < split else 0  # type: ignore[operator]
            if first < split <= (last or first):  # type: ignore[operator]
                in_baseline = max(0, round(count * (split - first) / max((last or first) - first, 1.0)))  # type: ignore[operator]
        for signal in found:
            # node conditions share a reason (NodeStatusUnknown): each condition is its own finding
            key = (signal, workload, f"{attrs.get('reason')}/{attrs.get('condition') or ''}")
            hit = merged.get(key)
            if hit is None:
                hit = merged[key] = SignalHit(signal, EventKind.EVENT, workload, first, last, 0, text=e.message,
                                                              severity=Severity.WARNING if attrs.get("type") == "Warning" else Severity.INFO)
            hit.count += count
            hit.baseline += in_baseline
            hit.first = _min(hit.first, first)
            hit.last = _max(hit.last, last)
            if len(hit.events) < 3:
                hit.events.append(e)
            elif e.time is not None and (hit.events[-1].time is None or e.time >= hit.events[-1].time):
                hit.events[-1] = e  # keep the latest as the last example
    return list(merged.values())


def alert_hits(alerts: list[AlertInstance], graph: EntityGraph, split: float | None) -> list[SignalHit]:
    """Signals from alert names and annotations, per the object the alert is about."""
    hits = []
    for a in alerts:
        if a.status != "firing":
            continue
        text = " ".join(v for k, v in a.annotations.items() if k in ("summary", "description", "message"))
        found = set(signals.alert_signals(a.alertname)) | set(signals.text_signals(text))
        workload = graph.workload(alert_entity(a))
        baseline = a.count if split is not None and a.first is not None and a.first < split - 1800 else 0
        for signal in found:
            hits.append(SignalHit(signal, EventKind.ALERT, workload, a.first, a.last, a.count, baseline=baseline,
                                  events=a.events[:1], text=f"{a.alertname}: {a.summary or ''}", alert=a,
                                  severity=Severity.CRITICAL if a.severity == "critical" else Severity.WARNING))
    return hits


def alert_entity(a: AlertInstance) -> Entity | None:
    ns = a.labels.get("namespace")
    for label, kind in _ALERT_OBJECT_LABELS:
        value = a.labels.get(label)
        if value:
            return Entity(kind, value, None if kind == "Node" else ns)
    return Entity("Namespace", ns, None) if ns else None


def anomaly_hits(anomalies: list[AnomalyFinding], graph: EntityGraph, events: dict[str, Event]) -> list[SignalHit]:
    """Signals from metric anomalies (the series moved in the direction that means trouble)."""
    hits = []
    for a in anomalies:
        workload = graph.workload(metric_entity(a.labels))
        for signal in signals.metric_signals(a.series, a.direction):
            event = events.get(a.series)
            hits.append(SignalHit(signal, EventKind.METRIC, workload, a.onset, a.onset, 1,
                                  events=[event] if event else [], text=a.series, anomaly=a))
    return hits


#: kube-state-metrics style series whose labels carry a state, true while the value is 1.
_STATE_LABELS = ("reason", "condition", "phase")


def metric_state_hits(series: list[Event], graph: EntityGraph, split: float | None) -> list[SignalHit]:
    """Signals carried by state series (`kube_pod_container_status_last_terminated_reason
    {reason="OOMKilled"} 1`, `kube_node_status_condition{condition="DiskPressure",status="true"} 1`,
    certificate expiry timestamps in the past), which never look anomalous but say a lot."""
    hits = []
    for e in series:
        attrs = metric_attrs(e)
        labels = {str(k): str(v) for k, v in (attrs.get("labels") or {}).items()}
        samples = [(float(t), float(v)) for t, v in attrs.get("samples") or [] if v == v]
        state = _state_text(str(attrs.get("name") or ""), labels, samples)
        if state is None:
            continue
        text, quote, first = state
        found = set(signals.text_signals(text))
        workload = graph.workload(metric_entity(labels))
        baseline = 1 if split is not None and first is not None and first < split - 1800 else 0
        for signal in found:
            hits.append(SignalHit(signal, EventKind.METRIC, workload, first, first, 1, baseline=baseline,
                                  events=[e], text=text, quote=quote))
    return hits


def _state_text(name: str, labels: dict[str, str], samples: list[tuple[float, float]]) -> tuple[str, str, float | None] | None:
    """(text to match, verbatim value to quote, first time the state held) or None."""
    if "expir" in name and ("cert" in name or "ssl" in name or "x509" in name):
        expired = [t for t, v in samples if 0 < v < t]
        return ("certificate expired", name, expired[0]) if expired else None
    for key in _STATE_LABELS:
        value = labels.get(key)
        if not value:
            continue
        on = [t for t, v in samples if v >= 1]
        if not on:
            return None
        status = labels.get("status")
        if key == "condition":
            if status not in ("true", "unknown") and not (value == "Ready" and status == "false"):
                return None
            text = f"NodeNotReady {value}" if value == "Ready" else f"Node{value}"
            return text, value, on[0]
        return f"{key}: {value}", value, on[0]
    return None


def metric_entity(labels: dict[str, str]) -> Entity | None:
    ns = labels.get("namespace") or labels.get("exported_namespace")
    for label, kind in (("persistentvolumeclaim", "PersistentVolumeClaim"), ("pod", "Pod"), ("deployment", "Deployment"), ("statefulset", "StatefulSet"),
                        ("daemonset", "DaemonSet"), ("service", "Service"), ("job", "Service"),
                        ("node", "Node"), ("instance", "Instance")):
        value = labels.get(label)
        if value:
            if kind == "Service" and label == "job" and "/" in value:
                ns_part, _, value = value.partition("/")
                ns = ns or ns_part
            return Entity(kind, value, None if kind in ("Node", "Instance") else ns)
    return None


def _min(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


#: A container using this share of its limit (or more) is at the limit: throttled for CPU,
#: about to be killed for memory.
AT_LIMIT = 0.9
_USAGE = {"cpu_usage_cores": ("cpu", "cpu_at_limit"), "memory_usage_bytes": ("memory", "memory_at_limit")}


def limit_hits(digest: Digest, graph: EntityGraph) -> list[SignalHit]:
    """Usage at the configured limit: a `kubectl top` (or Prometheus) sample of a pod next to
    the limits its describe or manifest states, joined by workload."""
    limits: dict[tuple[str, str], float] = {}  # (workload name, resource): a paste may omit namespaces
    for e in digest.k8s_events:
        for resource, text in (k8s_attrs(e).get("limits") or {}).items():
            value = quantity(str(text))
            workload = graph.workload(e.entity)
            if value and workload is not None:
                limits[(workload.name, resource)] = value
    hits = []
    for e in digest.metrics:
        attrs = metric_attrs(e)
        found = _USAGE.get(str(attrs.get("name") or "").removeprefix("pod_").removeprefix("container_"))
        samples = attrs.get("samples") or []
        labels = attrs.get("labels") or {}
        if found is None or not samples or not labels.get("pod"):
            continue
        resource, signal = found
        workload = graph.workload(Entity("Pod", labels["pod"], labels.get("namespace") or None))
        limit = limits.get((workload.name, resource)) if workload is not None else None
        used = float(samples[-1][1])
        if limit and used >= AT_LIMIT * limit:
            t = float(samples[-1][0])
            hits.append(SignalHit(signal, EventKind.METRIC, workload, t, t, 1, events=[e],
                                  text=f"{resource} use {used:.4g} of a {limit:.4g} limit"))
    return hits
