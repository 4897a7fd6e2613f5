"""Citing the findings the report lists (patterns, alerts, anomalies) and building the timeline."""

from __future__ import annotations

import re

from opslens.analysis.alerts import AlertInstance
from opslens.analysis.digest import Digest
from opslens.analysis.evidence import EvidenceBook
from opslens.analysis.findings import (
    AnalysisResult,
    AnomalyFinding,
    PatternFinding,
    PatternStatus,
    TimelineItem,
)
from opslens.analysis.hits import SignalHit
from opslens.analysis.timeline import TimelineBuilder
from opslens.event_attrs import k8s_attrs
from opslens.events import Event, EventKind, Severity, iso

#: Signals worth a timeline entry of their own when they first appear.
_TIMELINE_SIGNALS = {
    "oom_kill", "image_pull", "crash_loop", "liveness_kill", "eviction", "disk_full", "node_not_ready",
    "failed_scheduling", "secret_missing", "cert_expired", "dns_failure", "db_connection", "rate_limited",
    "startup_config_error", "app_crash", "schema_mismatch", "cpu_throttling", "rollout",
}


#: Lines that are only a stack frame or a frame marker (a kernel call trace printed line by line):
#: a pattern of their own, but nothing to quote.
_FRAME_ONLY = re.compile(r"^\s*(?:\S+\+0x[0-9a-f<>*]+/0x[0-9a-f<>*]+(?: \[\S+\])?|</?TASK>|\? \S+\+0x\S+|Call Trace:|R\w\w: [0-9a-f<>*: ]+)\s*$")


def cite_patterns(book: EvidenceBook, digest: Digest, patterns: list[PatternFinding]) -> None:
    for p in patterns:
        stats = digest.templates.get(p.key)
        if stats is None:
            continue
        example = (stats.worst or stats.examples or [None])[0]
        # Quote what changed with the incident, and steady errors; steady warnings are background.
        notable = (p.status is not PatternStatus.STEADY and p.severity >= Severity.WARNING) or (
            p.severity >= Severity.ERROR and p.incident_count >= p.baseline_count)
        if example is not None and notable and not _FRAME_ONLY.match(p.template):
            p.evidence = book.cite(
                example,
                count=p.count,
                template_id=p.template_id,
                detail=f"{p.count} lines of this pattern ({p.status.value})",
                weight=float(p.severity) / 20.0,
            )


#: An input with at most this many records is a paste: all of it is what the user has.
SMALL_INPUT_RECORDS = 60
#: At most this many of its records are quoted besides what the analyses cited.
SMALL_INPUT_QUOTES = 12
_ROUTINE = (Severity.DEBUG, Severity.INFO)
#: A routine line that says which version or image runs (`Rancher version v2.1.8 is starting`).
_VERSIONED = re.compile(r"\bversion\b|\bv\d+\.\d+\.\d+|\bimage\b", re.I)
#: Kubernetes Events of type Normal that stop or move a workload: routine in name only.
_DISRUPTIVE_REASONS = frozenset({"Killing", "Preempting", "SandboxChanged", "TaintManagerEviction", "NodeNotReady", "Rebooted"})


def cite_small_input(book: EvidenceBook, digest: Digest) -> None:
    """A short paste is quoted (nearly) whole: besides what the analyses cited, its records that
    were not logged at DEBUG/INFO (a condition's reason, a value the error names, a backtrace),
    the outputs of the commands the user ran and the version that was running. Warnings and
    errors come first, then command outputs, then the rest. They are cited last with no weight,
    so the budget drops them first and they never displace what an analysis relied on."""
    if digest.events > SMALL_INPUT_RECORDS:
        return
    ranked: list[tuple[int, int, Event]] = []
    for stats in digest.templates.values():
        # every kept line of a shape, not one: the rows of a table, the frames of a backtrace
        for example in {id(e): e for e in [*stats.worst, *stats.examples]}.values():
            if len((example.raw or example.message).strip()) < 12 or _FRAME_ONLY.match(example.message):
                continue
            rank = _quote_rank(example)
            if rank is not None:
                ranked.append((rank, len(ranked), example))
    for _, _, example in sorted(ranked, key=lambda r: r[:2])[:SMALL_INPUT_QUOTES]:
        book.cite(example, weight=0.0, detail="part of a short input")


def _quote_rank(event: Event) -> int | None:
    """Which of a short input's records to quote first (lower first); None: not at all."""
    if event.severity >= Severity.WARNING:
        return 0
    if event.attrs and event.attrs.get("command"):
        return 1  # a command's output the user pasted is a fact they brought
    if event.severity not in _ROUTINE or (event.kind == EventKind.EVENT and (event.attrs or {}).get("reason") in _DISRUPTIVE_REASONS):
        return 2
    # the version that ran; a Normal row of a Kubernetes Events table is the timeline around
    # the failure (Started three seconds before Killing)
    return 3 if _VERSIONED.search(event.message) or event.kind == EventKind.EVENT else None


def cite_alerts(book: EvidenceBook, alerts: list[AlertInstance]) -> None:
    for alert in alerts:
        if alert.events:
            alert.evidence = book.cite(
                alert.events[0],
                count=alert.count,
                detail=f"alert {alert.alertname} {alert.status} since {iso(alert.first)}",
                weight=1.5 if alert.status == "firing" else 0.5,
            )


def cite_anomalies(book: EvidenceBook, anomalies: list[AnomalyFinding], series: dict[str, Event]) -> None:
    for a in anomalies:
        event = series.get(a.series)
        if event is not None:
            detail = f"{a.shape} {a.direction}: {a.baseline:.4g} -> {a.peak:.4g} from {iso(a.onset)} ({a.series[:120]})"
            a.evidence = book.cite(event, detail=detail, weight=a.score * 2)


def build_timeline(result: AnalysisResult, digest: Digest, hits: list[SignalHit]) -> list[TimelineItem]:
    """Key moments: the change, first new errors, alerts firing, anomaly onsets, kills, evictions."""
    timeline = TimelineBuilder()
    book = result.book
    implicated = {h.change for h in result.hypotheses if h.change}
    for change in result.changes:
        near = change.minutes_before_onset is None or change.minutes_before_onset <= 6 * 60
        if near and (change.touches_affected or (change.revision or change.summary) in implicated):
            timeline.add(change.time, f"Change: {change.summary[:140]}", [change.evidence or ""], priority=4)
    for hit in sorted(hits, key=lambda h: h.first or 0.0):
        if hit.signal in _TIMELINE_SIGNALS and not hit.chronic and hit.events and hit.kind is not EventKind.METRIC:
            where = f" ({hit.workload})" if hit.workload else ""
            eid = book.cite(hit.events[0], count=hit.count, weight=hit.strength)
            timeline.add(hit.first, f"First {hit.signal.replace('_', ' ')}{where}: {hit.text[:120]}", [eid], priority=3)
    for p in result.patterns:
        if p.status is PatternStatus.NEW and p.severity >= Severity.ERROR and p.evidence:
            timeline.add(p.first, f"New error pattern ({p.count}x): {p.template[:120]}", [p.evidence], priority=2)
    for a in result.alerts:
        if a.status == "firing" and a.evidence and (result.onset is None or (a.first or 0) >= result.onset - 3600):
            where = f" ({a.namespace})" if a.namespace else ""
            timeline.add(a.first, f"Alert {a.alertname}{where} firing", [a.evidence], priority=3)
    for a in result.anomalies:
        if a.evidence and a.score >= 0.5:
            timeline.add(a.onset, f"Metric {_short_series(a)} {a.shape} {a.direction}", [a.evidence], priority=2)
    _warning_events(timeline, book, digest.k8s_events, result.onset)
    return timeline.build()


def _warning_events(timeline: TimelineBuilder, book: EvidenceBook, events: list[Event], onset: float | None) -> None:
    seen: set[tuple[str, str]] = set()
    for event in sorted(events, key=lambda e: e.time or 0.0):
        attrs = k8s_attrs(event)
        if attrs.get("type") != "Warning" or event.time is None:
            continue
        if onset is not None and event.time < onset - 1800:
            continue
        key = (str(attrs.get("reason")), str(event.entity))
        if key in seen or len(seen) >= 20:
            continue
        seen.add(key)
        eid = book.cite(event, count=int(attrs.get("count") or 1), weight=1.0)
        timeline.add(event.time, f"{attrs.get('reason')} {event.entity}: {event.message[:110]}", [eid], priority=1)


def _short_series(a: AnomalyFinding) -> str:
    """`name{two most telling labels}`: enough to recognise the series in one line."""
    keep = [k for k in ("namespace", "service", "pod", "container", "code", "instance", "job") if k in a.labels][:2]
    inner = ",".join(f'{k}="{a.labels[k]}"' for k in keep)
    return f"{a.name or ''}{{{inner}}}"
