"""Post-incident drafts built from one stored incident (`opslens incidents export`).

The shape follows the well-known templates (Google SRE example postmortem, PagerDuty): title,
status, summary, impact, timeline, root cause and trigger, detection, resolution, action items,
lessons learned, supporting evidence. It is a *draft*: everything opslens inferred is labelled
as such, and the root cause is the human one only once someone recorded it (`incidents
resolve`); before that it is the top hypothesis marked UNCONFIRMED, with its evidence quoted
verbatim so a reader can judge it.

Pure: takes an `IncidentDetail` (and optionally similar incidents), does no I/O. Rendering the
draft as Markdown or JSON is `postmortem_render`, re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from opslens.report.models import Report
from opslens.store.postmortem_render import short_time, to_dict, to_json, to_markdown
from opslens.store.records import (
    IncidentDetail,
    IncidentStatus,
    NoteKind,
    SimilarIncident,
)

# The renderers live in `postmortem_render`; re-exported so this stays the one import.
__all__ = ["PostmortemDraft", "draft", "to_dict", "to_json", "to_markdown"]

_MAX_QUOTES = 5
_MAX_QUOTE_CHARS = 300


@dataclass(frozen=True)
class Quote:
    """A verbatim excerpt of the input, cited by its evidence id."""

    id: str
    source: str
    text: str
    ts: datetime | None = None


@dataclass(frozen=True)
class TimelineItem:
    """One moment: from the report (`report`), a note (`note`, `action`, `decision`) or a
    status change (`status`)."""

    at: datetime
    source: str
    text: str
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RootCause:
    """The human root cause once recorded (`confirmed`), else the top hypothesis."""

    confirmed: bool
    category: str | None
    culprit: str | None
    summary: str
    confidence: float | None = None
    trigger: str | None = None
    evidence: list[Quote] = field(default_factory=list)


@dataclass(frozen=True)
class Impact:
    alerts: list[str]
    services: list[str]
    namespaces: list[str]
    entities: list[str]
    duration_seconds: float | None
    ongoing: bool


@dataclass(frozen=True)
class Detection:
    alert: str | None
    detected_at: datetime | None
    after_onset_seconds: float | None


@dataclass(frozen=True)
class PostmortemDraft:
    """A post-incident draft. Times are UTC; `time_to_*` are seconds after `started_at`."""

    ref: str
    title: str
    status: str
    severity: str | None
    summary: str
    started_at: datetime | None
    detected_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    time_to_detect: float | None
    time_to_mitigate: float | None
    time_to_resolve: float | None
    impact: Impact
    timeline: list[TimelineItem]
    root_cause: RootCause | None
    detection: Detection
    resolution: str
    action_items: list[str]
    decisions: list[str]
    lessons_learned: list[str]
    evidence: list[Quote]
    similar: list[SimilarIncident]
    report_version: int


def draft(detail: IncidentDetail, similar: list[SimilarIncident] | None = None) -> PostmortemDraft:
    """Build the post-incident draft of one incident."""
    report = _report(detail)
    started = detail.started_at or (report.onset if report else None)
    first_alert = _first_alert(report)
    detected = detail.detected_at or (first_alert[1] if first_alert else None)
    mitigated = detail.mitigated_at or _status_time(detail, IncidentStatus.MITIGATED)
    resolved = detail.resolved_at or _status_time(detail, IncidentStatus.RESOLVED)
    root = _root_cause(detail, report)
    detection = Detection(
        first_alert[0] if first_alert else None, detected, _seconds(started, detected)
    )
    end = resolved or mitigated
    impact = Impact(
        alerts=_alert_names(report),
        services=list(detail.services),
        namespaces=list(detail.namespaces),
        entities=list(detail.entities),
        duration_seconds=_seconds(started, end),
        ongoing=end is None,
    )
    notes_of = {kind: [n.text for n in detail.notes if n.kind is kind] for kind in NoteKind}
    return PostmortemDraft(
        ref=detail.ref,
        title=detail.title,
        status=detail.status.value,
        severity=detail.severity,
        summary=detail.human_summary or (report.summary if report else detail.title),
        started_at=started,
        detected_at=detected,
        mitigated_at=mitigated,
        resolved_at=resolved,
        time_to_detect=detection.after_onset_seconds,
        time_to_mitigate=_seconds(started, mitigated),
        time_to_resolve=_seconds(started, resolved),
        impact=impact,
        timeline=_timeline(detail, report),
        root_cause=root,
        detection=detection,
        resolution=_resolution(detail, resolved, mitigated),
        action_items=notes_of[NoteKind.ACTION],
        decisions=notes_of[NoteKind.DECISION],
        lessons_learned=_lessons(detail, root, detection, report),
        evidence=_quotes(report, _cited(report)),
        similar=list(similar or []),
        report_version=detail.latest_version,
    )


def _report(detail: IncidentDetail) -> Report | None:
    """The latest report, or None when it was pruned or no longer reads as a report."""
    if detail.report is None:
        return None
    try:
        return Report.model_validate(detail.report)
    except ValidationError:
        return None


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    """Seconds from `start` to `end`; an alert can precede the inferred onset, which counts as
    detected at onset (0), never as a negative time."""
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def _status_time(detail: IncidentDetail, status: IncidentStatus) -> datetime | None:
    """When the incident first entered `status`, from its history."""
    return next((c.at for c in detail.status_history if c.to_status is status), None)


def _first_alert(report: Report | None) -> tuple[str, datetime] | None:
    """The earliest firing alert (else the earliest alert at all): what detected the incident."""
    if report is None:
        return None
    timed = [a for a in report.alerts if a.first_seen is not None]
    candidates = [a for a in timed if a.status == "firing"] or timed
    if not candidates:
        return None
    first = min(candidates, key=lambda a: a.first_seen or datetime.max)
    assert first.first_seen is not None
    return first.alertname, first.first_seen


def _alert_names(report: Report | None) -> list[str]:
    if report is None:
        return []
    return list(dict.fromkeys(a.alertname for a in report.alerts))


def _root_cause(detail: IncidentDetail, report: Report | None) -> RootCause | None:
    if detail.human_category or detail.human_summary:
        return RootCause(
            confirmed=True,
            category=detail.human_category,
            culprit=detail.human_culprit,
            summary=detail.human_summary or "",
            trigger=_trigger(report),
            evidence=_quotes(report, _cited(report)),
        )
    if report is None or not report.hypotheses:
        return None
    top = report.hypotheses[0]
    culprit = None
    if top.entity is not None:
        culprit = "/".join(p for p in (top.entity.kind, top.entity.namespace, top.entity.name) if p)
    return RootCause(
        confirmed=False,
        category=top.category.value,
        culprit=culprit,
        summary=top.title + (f". {top.rationale}" if top.rationale else ""),
        confidence=top.confidence,
        trigger=_trigger(report),
        evidence=_quotes(report, top.evidence),
    )


def _cited(report: Report | None) -> list[str]:
    """Evidence ids of the top hypothesis (what the draft quotes as supporting evidence)."""
    if report is None or not report.hypotheses:
        return []
    return report.hypotheses[0].evidence


def _trigger(report: Report | None) -> str | None:
    """The change the top hypothesis implicates; else a change touching an affected workload,
    named as a candidate only."""
    if report is None:
        return None
    wanted = report.hypotheses[0].change if report.hypotheses else None
    for change in report.changes:
        if wanted and wanted in (change.revision, change.evidence):
            return _describe_change(change)
    touching = [c for c in report.changes if c.touches_affected]
    if touching:
        best = max(touching, key=lambda c: c.score)
        return f"not established; candidate change: {_describe_change(best)}"
    return None


def _describe_change(change: Any) -> str:
    when = f" at {_iso(change.ts)}" if change.ts else ""
    before = ""
    if change.minutes_before_onset is not None:
        before = f" ({change.minutes_before_onset:.0f} min before onset)"
    cite = f" [{change.evidence}]" if change.evidence else ""
    return f"{change.kind}: {change.summary}{when}{before}{cite}"


def _iso(ts: datetime | None) -> str:
    return ts.isoformat() if ts else "?"


def _quotes(report: Report | None, ids: list[str]) -> list[Quote]:
    if report is None:
        return []
    by_id = {e.id: e for e in report.evidence}
    quotes = []
    for eid in ids:
        if (e := by_id.get(eid)) is not None:
            text = e.text
            if len(text) > _MAX_QUOTE_CHARS:
                text = text[: _MAX_QUOTE_CHARS - 1] + "…"
            quotes.append(Quote(e.id, e.source, text, e.ts))
        if len(quotes) == _MAX_QUOTES:
            break
    return quotes


def _timeline(detail: IncidentDetail, report: Report | None) -> list[TimelineItem]:
    """Report timeline, notes and status changes merged in time order (stable on ties:
    what happened in the systems first, then what people wrote and decided)."""
    items: list[TimelineItem] = []
    if report is not None:
        items += [TimelineItem(t.ts, "report", t.text, list(t.evidence)) for t in report.timeline]
    for note in detail.notes:
        who = f" ({note.author})" if note.author else ""
        items.append(TimelineItem(note.created_at, note.kind.value, note.text + who))
    for change in detail.status_history:
        before = f"{change.from_status.value} -> " if change.from_status else ""
        who = f" by {change.by}" if change.by else ""
        items.append(
            TimelineItem(change.at, "status", f"status {before}{change.to_status.value}{who}")
        )
    order = {"report": 0, "status": 1}
    return sorted(items, key=lambda i: (i.at, order.get(i.source, 2)))


def _resolution(
    detail: IncidentDetail, resolved: datetime | None, mitigated: datetime | None
) -> str:
    if detail.human_summary and resolved:
        return f"Resolved at {short_time(resolved)}: {detail.human_summary}"
    if mitigated:
        return f"Mitigated at {short_time(mitigated)}; not resolved yet."
    return "Not resolved yet."


def _lessons(
    detail: IncidentDetail, root: RootCause | None, detection: Detection, report: Report | None
) -> list[str]:
    """Open questions for the review: opslens cannot know the answers, only where to look."""
    questions = []
    if root is None or not root.confirmed:
        questions.append(
            "The root cause is not confirmed: which check confirms or rules out the top hypothesis?"
        )
    if detection.alert is None:
        questions.append("No alert fired in the inputs: what should have detected this?")
    elif detection.after_onset_seconds and detection.after_onset_seconds >= 300:
        minutes = detection.after_onset_seconds / 60
        questions.append(
            f"{detection.alert} fired {minutes:.0f} min after onset: could an "
            "alert on the first symptom fire earlier?"
        )
    if root is not None and root.trigger and not root.trigger.startswith("not established"):
        questions.append("Could the triggering change have been caught before it was rolled out?")
    if root is not None and root.category == "cert-expiry":
        questions.append("Why did certificate renewal not happen, and what alerts before expiry?")
    if len(_alert_names(report)) > 1:
        questions.append("Which of the other alerts were symptoms, and should they page?")
    questions += [
        "What went well?",
        "What went wrong?",
        "Where did we get lucky?",
    ]
    if not any(n.kind is NoteKind.ACTION for n in detail.notes):
        questions.append(
            "No action items recorded yet (`opslens incidents note REF TEXT "
            "--kind action`): what prevents a recurrence?"
        )
    return questions
