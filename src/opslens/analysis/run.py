"""The analysis pipeline: digest -> findings -> evidence -> hypotheses -> timeline -> summary.

Pure: takes the digest of everything ingested and returns an `AnalysisResult`; no I/O.
"""

from __future__ import annotations

from opslens.analysis.alerts import AlertInstance, dedupe
from opslens.analysis.changes import cite_changes, collect_changes, rank_changes
from opslens.analysis.digest import Digest
from opslens.analysis.evidence import EvidenceBook
from opslens.analysis.findings import AnalysisResult, PatternFinding, PatternStatus
from opslens.analysis.patterns import classify_patterns
from opslens.analysis.timeline import TimelineBuilder
from opslens.events import Event, Severity, iso

#: Patterns shown in the report (the rest are counted only).
MAX_PATTERNS = 25
#: Warning-level Kubernetes events cited, one per (reason, object).
MAX_K8S_CITED = 30


def analyze(digest: Digest) -> AnalysisResult:
    """Run every analyzer over the digest."""
    digest.finish()
    book = EvidenceBook()
    alerts = dedupe(digest.alerts)
    onset = _first_firing(alerts)
    result = AnalysisResult(start=digest.start, end=digest.end, onset=onset, book=book, alerts=alerts)
    result.patterns = classify_patterns(digest, onset)[:MAX_PATTERNS]
    _cite_patterns(book, digest, result.patterns)
    _cite_alerts(book, alerts)
    changes = collect_changes(digest.changes, digest.k8s_events)
    result.changes = rank_changes(changes, onset, set())
    cite_changes(book, result.changes)
    timeline = TimelineBuilder()
    _timeline_patterns(timeline, result.patterns)
    _timeline_k8s(timeline, book, digest.k8s_events)
    _timeline_alerts(timeline, alerts)
    for change in result.changes:
        timeline.add(change.time, f"Change: {change.summary}", [change.evidence or ""], priority=2)
    result.timeline = timeline.build()
    result.summary = _summary(digest, result)
    return result


def _first_firing(alerts: list[AlertInstance]) -> float | None:
    times = [a.first for a in alerts if a.status == "firing" and a.first is not None and a.severity != "info"]
    return min(times) if times else None


def _cite_patterns(book: EvidenceBook, digest: Digest, patterns: list[PatternFinding]) -> None:
    for p in patterns:
        stats = digest.templates[p.key]
        example = (stats.worst or stats.examples or [None])[0]
        if example is not None and (p.severity >= Severity.WARNING or p.status is not PatternStatus.STEADY):
            p.evidence = book.cite(
                example,
                count=p.count,
                template_id=p.template_id,
                detail=f"{p.count} lines of this pattern ({p.status.value})",
                weight=float(p.severity) / 10.0,
            )


def _cite_alerts(book: EvidenceBook, alerts: list[AlertInstance]) -> None:
    for alert in alerts:
        if alert.events:
            alert.evidence = book.cite(
                alert.events[0],
                count=alert.count,
                detail=f"alert {alert.alertname} {alert.status}",
                weight=3.0 if alert.status == "firing" else 1.0,
            )


def _timeline_patterns(timeline: TimelineBuilder, patterns: list[PatternFinding]) -> None:
    for p in patterns:
        if p.severity >= Severity.WARNING and p.evidence:
            label = "New error pattern" if p.status is PatternStatus.NEW else "First"
            sev = p.severity.name.lower()
            timeline.add(p.first, f"{label} ({sev}, {p.count}x): {p.template[:140]}", [p.evidence], priority=1 + (p.status is not PatternStatus.STEADY))


def _timeline_k8s(timeline: TimelineBuilder, book: EvidenceBook, events: list[Event]) -> None:
    seen: set[tuple[str, str]] = set()
    for event in sorted(events, key=lambda e: e.time or 0.0):
        attrs = event.attrs or {}
        if attrs.get("type") != "Warning":
            continue
        key = (str(attrs.get("reason")), str(event.entity))
        if key in seen or len(seen) >= MAX_K8S_CITED:
            continue
        seen.add(key)
        eid = book.cite(event, count=int(attrs.get("count") or 1), weight=2.0)
        timeline.add(event.time, f"{attrs.get('reason')} on {event.entity}: {event.message[:120]}", [eid], priority=2)


def _timeline_alerts(timeline: TimelineBuilder, alerts: list[AlertInstance]) -> None:
    for alert in alerts:
        if alert.status == "firing":
            where = f" ({alert.namespace})" if alert.namespace else ""
            timeline.add(alert.first, f"Alert {alert.alertname}{where} firing", [alert.evidence or ""], priority=3)


def _summary(digest: Digest, result: AnalysisResult) -> str:
    firing = [a for a in result.alerts if a.status == "firing"]
    problems = [p for p in result.patterns if p.severity >= Severity.ERROR]
    parts = [
        f"{digest.events:,} events from {iso(digest.start) or '?'} to {iso(digest.end) or '?'}.",
    ]
    if firing:
        names = ", ".join(sorted({a.alertname for a in firing})[:5])
        parts.append(f"{len(firing)} alert(s) firing: {names}.")
    if problems:
        top = problems[0]
        parts.append(f"Most frequent error pattern ({top.count}x): {top.template[:120]}")
    if result.onset is not None:
        parts.append(f"Trouble starts around {iso(result.onset)}.")
    return " ".join(parts)
