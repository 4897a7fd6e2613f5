"""What analyzers return: plain typed records, converted to the report contract at the edge."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from enum import StrEnum

from opslens.analysis.alerts import AlertInstance
from opslens.analysis.evidence import EvidenceBook
from opslens.events import Entity, Event, Severity
from opslens.taxonomy import Category


class PatternStatus(StrEnum):
    NEW = "new"
    SPIKING = "spiking"
    STEADY = "steady"


@dataclass
class PatternFinding:
    template_id: str
    template: str
    count: int
    first: float | None
    last: float | None
    severity: Severity
    entities: list[str]
    status: PatternStatus = PatternStatus.STEADY
    baseline_count: int = 0
    incident_count: int = 0
    p_value: float = 1.0
    evidence: str | None = None
    key: int = -1


@dataclass
class ChangeFinding:
    time: float | None
    kind: str
    summary: str
    source: str
    revision: str | None = None
    entity: Entity | None = None
    evidence: str | None = None
    minutes_before_onset: float | None = None
    touches_affected: bool = False
    score: float = 0.0
    images: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    event: Event | None = None


@dataclass
class AnomalyFinding:
    series: str
    name: str | None
    labels: dict[str, str]
    measure: str | None
    direction: str  # up / down
    shape: str  # level-shift / spike / trend
    onset: float | None
    baseline: float
    peak: float
    score: float
    evidence: str | None = None


@dataclass
class TimelineItem:
    time: float
    text: str
    evidence: list[str]
    priority: int = 0  # higher survives the cap


@dataclass(frozen=True)
class Check:
    """A read-only validation check: an argv built from validated names (`analysis.checks`).

    `argv` is empty when a name read from the input failed validation: the check is then
    described in words only (`purpose`, and `withheld` says why no command is shown).
    """

    argv: tuple[str, ...]
    purpose: str
    hypothesis: str | None = None
    withheld: str | None = None

    @property
    def cmd(self) -> str:
        """The command as display text, rendered from `argv` (empty for a check in words)."""
        return shlex.join(self.argv)

    @property
    def key(self) -> str:
        """What makes two checks the same: the command, or the words for a check without one."""
        return self.cmd if self.argv else f"{self.purpose} ({self.withheld})"


@dataclass
class HypothesisResult:
    category: Category
    confidence: float
    title: str
    entity: Entity | None
    evidence: list[str]
    rationale: str = ""
    against: list[str] = field(default_factory=list)
    change: str | None = None
    checks: list[Check] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)


@dataclass
class AnalysisResult:
    start: float | None
    end: float | None
    onset: float | None
    book: EvidenceBook
    summary: str = ""
    status_update: str = ""
    patterns: list[PatternFinding] = field(default_factory=list)
    alerts: list[AlertInstance] = field(default_factory=list)
    changes: list[ChangeFinding] = field(default_factory=list)
    anomalies: list[AnomalyFinding] = field(default_factory=list)
    hypotheses: list[HypothesisResult] = field(default_factory=list)
    timeline: list[TimelineItem] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)
