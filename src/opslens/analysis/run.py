"""The analysis pipeline: digest -> findings -> signals -> hypotheses -> timeline -> summary.

Pure: takes the digest of everything ingested and returns an `AnalysisResult`; no I/O.
"""

from __future__ import annotations

import dataclasses

from opslens.analysis import checks as check_templates
from opslens.analysis import signals
from opslens.analysis.alerts import dedupe
from opslens.analysis.budget import fit_evidence
from opslens.analysis.changes import cite_changes, collect_changes, rank_changes
from opslens.analysis.detectors.base import Candidate, Context
from opslens.analysis.digest import Digest
from opslens.analysis.entities import EntityGraph
from opslens.analysis.evidence import EvidenceBook
from opslens.analysis.fallback import weak_hypotheses
from opslens.analysis.findings import AnalysisResult, Check, HypothesisResult, PatternStatus
from opslens.analysis.hits import (
    SignalHit,
    alert_hits,
    anomaly_hits,
    entity_from_key,
    k8s_event_hits,
    limit_hits,
    metric_state_hits,
    template_hits,
)
from opslens.analysis.hypotheses import insufficient_evidence_note, rank
from opslens.analysis.logged_changes import logged_changes
from opslens.analysis.metrics import detect_all, series_key
from opslens.analysis.narrative import status_update, summary
from opslens.analysis.onset import estimate_onset
from opslens.analysis.patterns import classify_patterns
from opslens.analysis.report_items import (
    build_timeline,
    cite_alerts,
    cite_anomalies,
    cite_patterns,
    cite_small_input,
)
from opslens.event_attrs import change_attrs, metric_attrs
from opslens.events import Entity, Severity

MAX_PATTERNS = 25
#: Confidence kept by a hypothesis built on an ongoing failure when nothing new began: the
#: paste shows the failure, not when it started or what changed then.
ONGOING_DISCOUNT = 0.85
#: How far before the preliminary split a detector's own first symptom may move the onset.
MAX_ONSET_SHIFT = 3 * 3600
CHECKS_PER_HYPOTHESIS = 6


def analyze(digest: Digest) -> AnalysisResult:
    """Run every analyzer over the digest."""
    digest.finish()
    book = EvidenceBook()
    graph = EntityGraph()
    graph.learn(digest.k8s_events)
    for stats in digest.templates.values():
        for key in stats.entities:
            graph.note(entity_from_key(key))
    alerts = dedupe(digest.alerts)
    anomalies = detect_all(digest.metrics)
    burst = estimate_onset(digest, alerts, anomalies)
    # Without a burst of novel trouble there is no incident period: everything is background.
    split = burst or digest.end
    patterns = classify_patterns(digest, split)
    series_events = {series_key(e): e for e in digest.metrics}
    hits = (
        template_hits(digest, graph, split)
        + k8s_event_hits(digest.k8s_events, graph, split)
        + alert_hits(alerts, graph, split)
        + anomaly_hits(anomalies, graph, series_events)
        + metric_state_hits(digest.metrics, graph, split)
        + limit_hits(digest, graph)
    )
    recorded = collect_changes(digest.changes, digest.k8s_events) + logged_changes(hits)
    changes = rank_changes(recorded, split, _affected(hits))
    cite_changes(book, changes)
    ctx = Context(digest, hits, changes, anomalies, alerts, patterns, graph, book, split)
    ranked = rank(ctx)
    if not ranked and any(h.chronic for h in hits):
        # Nothing new began: the failure that has been going on all along (`x40 over 5d` in a
        # pasted describe) is what the user brought, not background to some other incident.
        hits = [dataclasses.replace(h, baseline=0) if h.chronic else h for h in hits]
        ctx = Context(digest, hits, changes, anomalies, alerts, patterns, graph, book, split)
        ranked = rank(ctx)
        for cand in ranked:
            cand.score *= ONGOING_DISCOUNT
    if not ranked:
        # Still nothing: a weak lead, marked as such, beats hiding the line that may explain it.
        ranked = weak_hypotheses(ctx)
    onset = _final_onset(ranked, burst)
    if onset is not None and onset != split:
        patterns = classify_patterns(digest, onset)
        changes = rank_changes(changes, onset, _affected(hits))
    start, end = _window(digest)
    result = AnalysisResult(start=start, end=end, onset=onset, book=book, alerts=alerts,
                            anomalies=anomalies[:15], changes=changes)
    result.patterns = patterns[:MAX_PATTERNS]
    if ranked:
        extra = _culprit_patterns(ctx, ranked[0]) + _culprit_placement(ctx, ranked[0])
        ranked[0].evidence += [e for e in extra if e not in ranked[0].evidence]
    result.hypotheses = [_hypothesis(c, ctx, onset) for c in ranked]
    cite_patterns(book, digest, result.patterns)
    cite_alerts(book, alerts)
    cite_anomalies(book, result.anomalies, series_events)
    cite_small_input(book, digest)
    result.timeline = build_timeline(result, digest, hits)
    result.checks, result.avoid = _checks(result.hypotheses)
    note = insufficient_evidence_note(ranked)
    result.summary = summary(digest, result, note)
    result.status_update = status_update(result, note)
    fit_evidence(result)
    return result


def _window(digest: Digest) -> tuple[float | None, float | None]:
    """The span the observations cover: logs, events and metrics, not old change history."""
    times = [s.first for s in digest.templates.values() if s.first is not None]
    times += [s.last for s in digest.templates.values() if s.last is not None]
    for e in digest.metrics:
        samples = metric_attrs(e).get("samples") or []
        if samples:
            times += [float(samples[0][0]), float(samples[-1][0])]
    if not times:
        return digest.start, digest.end
    return min(times), max(times)


def _affected(hits: list[SignalHit]) -> set[tuple[str | None, str]]:
    """Workloads showing fresh, specific trouble: what a suspicious change would touch."""
    return {(h.workload.namespace, h.workload.name) for h in hits
            if h.workload is not None and not h.chronic and h.strength >= 0.5 and signals.is_trouble(h.signal)
            and h.workload.kind not in ("Namespace", "Instance")}


def _final_onset(ranked: list[Candidate], burst: float | None) -> float | None:
    """The top hypothesis' first symptom, unless it is implausibly far from the burst of
    novel trouble; None when there is neither."""
    if not ranked or ranked[0].onset is None:
        return burst
    first = ranked[0].onset
    if burst is None or abs(burst - first) <= MAX_ONSET_SHIFT:
        return first
    return burst


def _hypothesis(c: Candidate, ctx: Context, onset: float | None) -> HypothesisResult:
    pod, node = _example_pod(c, ctx)
    revision = c.change.revision if c.change is not None else None
    model = change_attrs(c.change.event).get("model") if c.change is not None and c.change.event is not None else None
    names = check_templates.names_for(c.entity, pod, node, c.onset or onset, revision, model)
    checks, avoid = check_templates.render(c.category, names)
    return HypothesisResult(
        category=c.category,
        confidence=c.score,
        title=c.title,
        entity=c.entity,
        evidence=c.evidence,
        rationale=c.rationale,
        against=c.against,
        change=(c.change.revision or c.change.summary) if c.change is not None else None,
        checks=checks[:CHECKS_PER_HYPOTHESIS],
        avoid=avoid,
    )


def _culprit_patterns(ctx: Context, c: Candidate, limit: int = 2) -> list[str]:
    """What the culprit itself says: its new or spiking warnings first, then its steady ones."""
    if c.entity is None:
        return []
    ids: list[str] = []
    ordered = sorted(ctx.patterns, key=lambda p: (p.status is PatternStatus.STEADY, -int(p.severity), -p.count))
    for p in ordered:
        if p.severity < Severity.WARNING or len(ids) >= limit:
            continue
        if not any(ctx.graph.workload(entity_from_key(k)) == c.entity for k in p.entities):
            continue
        stats = ctx.digest.templates.get(p.key)
        example = (stats.worst or stats.examples)[0] if stats and (stats.worst or stats.examples) else None
        if example is not None:
            ids.append(ctx.book.cite(example, count=p.count, template_id=p.template_id, weight=1.5,
                                     detail=f"{p.status.value} in the culprit's logs: {p.count} lines"))
    return ids


def _culprit_placement(ctx: Context, c: Candidate) -> list[str]:
    """Where the culprit runs (`Successfully assigned shop/api-7d9f to node-2`): which pod,
    namespace and node the failure is about, so a namespace or node mismatch is visible."""
    placed = ctx.all("pod_scheduled")
    if c.entity is not None:
        placed = [h for h in placed if h.workload is not None and h.workload.name == c.entity.name]
    elif len({h.workload for h in placed}) != 1:
        return []
    return ctx.cite_all(placed, limit=1, detail="where the affected pod runs")


def _example_pod(c: Candidate, ctx: Context) -> tuple[str | None, str | None]:
    """A pod of the culprit workload seen in the evidence, and its node."""
    if c.entity is None:
        return None, None
    for hit in ctx.hits:
        if hit.workload != c.entity:
            continue
        for e in hit.events:
            if e.entity is not None and e.entity.kind == "Pod" and ctx.graph.workload(e.entity) == c.entity:
                pod = Entity("Pod", e.entity.name, e.entity.namespace or e.namespace)
                return pod.name, ctx.graph.node_of(pod) or e.host
    return None, None


def _checks(hypotheses: list[HypothesisResult]) -> tuple[list[Check], list[str]]:
    checks: list[Check] = []
    avoid: list[str] = []
    seen: set[str] = set()
    for h in hypotheses[:3]:
        for check in h.checks:
            if check.key not in seen:
                seen.add(check.key)
                checks.append(check)
        for a in h.avoid:
            if a not in avoid:
                avoid.append(a)
    return checks, avoid
