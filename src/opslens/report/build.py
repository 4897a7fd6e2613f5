"""Assemble the typed `Report` from analysis results and ingest statistics."""

from __future__ import annotations

from datetime import UTC, datetime

from opslens.analysis.alerts import AlertInstance
from opslens.analysis.budget import item_tokens
from opslens.analysis.evidence import EvidenceBook, EvidenceItem
from opslens.analysis.findings import AnalysisResult, ChangeFinding, PatternFinding
from opslens.events import Entity
from opslens.report.models import (
    AlertGroup,
    Anomaly,
    Change,
    EntityRef,
    Evidence,
    EvidenceKind,
    Hypothesis,
    Pattern,
    Report,
    Skipped,
    Stats,
    TimelineEntry,
    Window,
)
from opslens.sources.ingest import IngestStats


def _dt(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, tz=UTC)


def _entity(entity: Entity | None) -> EntityRef | None:
    if entity is None:
        return None
    return EntityRef(kind=entity.kind, namespace=entity.namespace, name=entity.name)


def build_report(result: AnalysisResult, ingest: IngestStats) -> Report:
    """The report for one triage run (commands are filled in by `report.commands`; the run's
    duration by the pipeline, which knows when it ends)."""
    return Report(
        generated_at=datetime.now(tz=UTC),
        window=Window(start=_dt(result.start), end=_dt(result.end)),
        onset=_dt(result.onset),
        summary=result.summary + _understood(ingest),
        status_update=result.status_update or None,
        avoid=result.avoid,
        hypotheses=[
            Hypothesis(
                category=h.category,
                confidence=round(h.confidence, 3),
                title=h.title,
                entity=_entity(h.entity),
                evidence=h.evidence,
                rationale=h.rationale or None,
                against=h.against,
                change=h.change,
            )
            for h in result.hypotheses
        ],
        evidence=[_evidence(item) for item in result.book.items],
        timeline=[TimelineEntry(ts=_dt(t.time), text=t.text, evidence=t.evidence) for t in result.timeline],  # type: ignore[arg-type]
        alerts=[_alert(a) for a in result.alerts],
        changes=[_change(c) for c in result.changes],
        patterns=[_pattern(p, result.book) for p in result.patterns],
        anomalies=[
            Anomaly(
                series=a.series,
                measure=a.measure,
                direction=a.direction,
                shape=a.shape,
                onset=_dt(a.onset),
                baseline=a.baseline,
                peak=a.peak,
                score=round(a.score, 3),
                evidence=a.evidence,
            )
            for a in result.anomalies
        ],
        stats=Stats(
            inputs=ingest.inputs,
            events=ingest.events,
            lines=ingest.lines,
            skipped=[Skipped(source=s.source, reason=s.reason) for s in ingest.skipped],
            unrecognized=[Skipped(source=s.source, reason=s.reason) for s in ingest.unrecognized],
            understood=None if ingest.understood is None else round(ingest.understood, 3),
            readers=dict(ingest.readers),
            untimed=ingest.untimed,
            inferred=ingest.inferred,
            evidence_tokens=sum(item_tokens(i) for i in result.book.items),
        ),
    )


def _understood(ingest: IngestStats) -> str:
    """How much of the input was understood, said in the summary when not all of it was."""
    share = ingest.understood
    if share is None or (share >= 0.995 and not ingest.unrecognized):
        return ""
    parts = len(ingest.unrecognized)
    listed = f"; {parts} part{'s' if parts != 1 else ''} not understood (listed in stats.unrecognized)" if parts else ""
    return f" Understood {share:.0%} of {ingest.lines:,} input line{'s' if ingest.lines != 1 else ''}{listed}."


def _evidence(item: EvidenceItem) -> Evidence:
    return Evidence(
        id=item.id,
        kind=EvidenceKind(item.kind.value),
        source=item.source,
        ts=_dt(item.time),
        ts_inferred=item.time_inferred,
        text=item.text,
        count=item.count,
        detail=item.detail,
        entity=_entity(item.entity),
        template_id=item.template_id,
        suspicious=item.suspicious,
    )


def _alert(a: AlertInstance) -> AlertGroup:
    return AlertGroup(
        alertname=a.alertname,
        status=a.status,
        severity=a.severity,
        namespace=a.namespace,
        labels=a.labels,
        summary=a.summary,
        count=a.count,
        first_seen=_dt(a.first),
        last_seen=_dt(a.last),
        fingerprint=a.key,
        group=a.group,
        evidence=a.evidence,
    )


def _change(c: ChangeFinding) -> Change:
    return Change(
        ts=_dt(c.time),
        kind=c.kind,
        summary=c.summary,
        revision=c.revision,
        entity=_entity(c.entity),
        source=c.source,
        evidence=c.evidence,
        minutes_before_onset=c.minutes_before_onset,
        touches_affected=c.touches_affected,
        score=round(c.score, 3),
    )


def _pattern(p: PatternFinding, book: EvidenceBook) -> Pattern:
    cited = book.get(p.evidence) if p.evidence else None
    return Pattern(
        template_id=p.template_id,
        template=p.template,
        count=p.count,
        first_seen=_dt(p.first),
        last_seen=_dt(p.last),
        severity=p.severity.name.lower(),
        entities=p.entities,
        status=p.status.value,
        baseline_count=p.baseline_count,
        incident_count=p.incident_count,
        evidence=p.evidence,
        example=cited.text if cited else None,
    )
