"""What the incident page shows, built from the store's records and the stored report.

Pure: records and a `Report` in, frozen view records out (no database, no HTTP). Text stays
text here; escaping is the templates' job (autoescape) and `charts`'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from opslens.report.labels import SafetyLabel
from opslens.report.models import Command, EntityRef, Evidence, Report

if TYPE_CHECKING:
    from opslens.store.alert_links import LinkedAlert
    from opslens.store.records import FeedbackRecord, IncidentDetail

__all__ = [
    "AlertView", "CheckView", "EvidenceLine", "HypothesisView", "alert_views", "check_views",
    "entity_text", "general_feedback", "hypothesis_views", "safe_link",
]

# Badge text and style per guard label: only read-only checks are offered as safe to run.
_BADGES = {
    SafetyLabel.READ_ONLY: ("read-only", "ok"),
    SafetyLabel.SENSITIVE_READ: ("sensitive read", "warn"),
    SafetyLabel.MUTATING: ("mutating", "danger"),
    SafetyLabel.DESTRUCTIVE: ("destructive", "danger"),
    SafetyLabel.UNKNOWN: ("unknown", "warn"),
}


def entity_text(entity: EntityRef | None) -> str | None:
    """`Deployment/shop/inventory` (namespace left out when there is none)."""
    if entity is None:
        return None
    return "/".join(p for p in (entity.kind, entity.namespace, entity.name) if p)


def safe_link(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) URL, else None: a link read from an alert must
    never become `javascript:` or `data:` in an href."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


@dataclass(frozen=True)
class EvidenceLine:
    """One cited line: where it is (file:line) and its verbatim text."""

    id: str
    kind: str
    source: str
    ts: datetime | None
    text: str
    count: int
    detail: str | None
    suspicious: bool

    @classmethod
    def of(cls, evidence: Evidence) -> EvidenceLine:
        return cls(evidence.id, evidence.kind.value, evidence.source, evidence.ts, evidence.text,
                   evidence.count, evidence.detail, evidence.suspicious)


@dataclass(frozen=True)
class HypothesisView:
    """A hypothesis with its evidence resolved and the feedback given on it."""

    number: int  # 1 = top; what feedback names it by
    category: str
    title: str
    confidence: float
    entity: str | None
    rationale: str | None
    evidence: list[EvidenceLine]
    against: list[EvidenceLine]
    feedback: list[FeedbackRecord] = field(default_factory=list)

    @property
    def bar(self) -> int:
        """Confidence as a whole percentage, for the bar's width class and its label."""
        return max(0, min(100, round(self.confidence * 100)))


def hypothesis_views(report: Report, feedback: list[FeedbackRecord]) -> list[HypothesisView]:
    """Every hypothesis in report order, with evidence lines in citation order."""
    by_id = {e.id: e for e in report.evidence}
    views = []
    for number, hyp in enumerate(report.hypotheses, start=1):
        mine = [f for f in feedback if f.hypothesis in (str(number), hyp.category.value)]
        views.append(HypothesisView(
            number=number, category=hyp.category.value, title=hyp.title,
            confidence=hyp.confidence, entity=entity_text(hyp.entity), rationale=hyp.rationale,
            evidence=[EvidenceLine.of(by_id[i]) for i in hyp.evidence if i in by_id],
            against=[EvidenceLine.of(by_id[i]) for i in hyp.against if i in by_id],
            feedback=mine,
        ))
    return views


@dataclass(frozen=True)
class CheckView:
    """A suggested command with the guard's verdict as a badge."""

    cmd: str
    purpose: str
    badge: str
    tone: str  # ok | warn | danger: the badge's colour
    reason: str | None
    hypothesis: str | None


def check_views(commands: list[Command]) -> list[CheckView]:
    return [
        CheckView(c.cmd, c.purpose, *_BADGES.get(c.safety, ("unknown", "warn")), c.reason,
                  c.hypothesis)
        for c in commands
    ]


@dataclass(frozen=True)
class AlertView:
    """One alert received for the incident (its latest delivery)."""

    name: str
    status: str
    severity: str | None
    starts_at: datetime | None
    summary: str | None
    description: str | None
    link: str | None  # the generator URL, only when it is http(s)
    labels: dict[str, str]
    deliveries: int


def alert_views(alerts: list[LinkedAlert]) -> list[AlertView]:
    """The latest delivery of each fingerprint, firing first, then by start."""
    latest: dict[str, LinkedAlert] = {}
    counts: dict[str, int] = {}
    for alert in sorted(alerts, key=lambda a: a.id):
        latest[alert.fingerprint] = alert
        counts[alert.fingerprint] = counts.get(alert.fingerprint, 0) + 1
    views = []
    for fingerprint, alert in latest.items():
        annotations: dict[str, Any] = alert.payload.get("annotations") or {}
        views.append(AlertView(
            name=str(alert.labels.get("alertname", "alert")), status=alert.status,
            severity=alert.labels.get("severity"), starts_at=alert.starts_at,
            summary=_text(annotations.get("summary")),
            description=_text(annotations.get("description")),
            link=safe_link(_text(alert.payload.get("generatorURL"))),
            labels={str(k): str(v) for k, v in alert.labels.items()},
            deliveries=counts[fingerprint],
        ))
    return sorted(views, key=lambda v: (v.status != "firing",
                                        v.starts_at.timestamp() if v.starts_at else float("inf")))


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def general_feedback(detail: IncidentDetail) -> list[FeedbackRecord]:
    """Feedback on the report as a whole (no hypothesis named)."""
    return [f for f in detail.feedback if not f.hypothesis]
