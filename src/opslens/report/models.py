"""The report contract: typed models with a published JSON schema (`opslens schema report`).

Other tools read these fields; change them only by adding optional fields, or bump
`SCHEMA_VERSION` when a change is incompatible.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from opslens.report.labels import Placement, SafetyLabel
from opslens.report.llm_models import LLMSection
from opslens.taxonomy import Category

__all__ = ["Placement", "SafetyLabel"]  # re-exported: part of the report contract

SCHEMA_VERSION = 1


def _utc_millis(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


#: Times are written in one fixed shape (UTC, milliseconds, `Z`), so they also sort as strings.
Timestamp = Annotated[
    datetime,
    PlainSerializer(_utc_millis, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvidenceKind(StrEnum):
    LOG = "log"
    EVENT = "event"
    ALERT = "alert"
    METRIC = "metric"
    CHANGE = "change"


class EntityRef(_Model):
    kind: str
    namespace: str | None = None
    name: str


class Window(_Model):
    start: Timestamp | None = None
    end: Timestamp | None = None


class Evidence(_Model):
    """One cited fact. `text` is a verbatim excerpt of the input, never paraphrased."""

    id: str = Field(description='Stable within the report, e.g. "E12".')
    kind: EvidenceKind
    source: str = Field(description="Origin: file (and archive member) and line.")
    ts: Timestamp | None = None
    ts_inferred: bool = Field(False, description="`ts` was inferred (relative age, year-less stamp, neighbour's time).")
    text: str = Field(description="Verbatim excerpt of the input (exact line or message).")
    count: int = Field(1, ge=1, description="How many similar occurrences this stands for.")
    detail: str | None = Field(None, description="What opslens derived from it (not a quote).")
    entity: EntityRef | None = None
    template_id: str | None = None
    suspicious: bool = Field(False, description="Looks like instructions aimed at an assistant.")


class Hypothesis(_Model):
    category: Category = Field(description="An id from the RCA taxonomy, or `unknown`.")
    confidence: float = Field(ge=0.0, le=1.0)
    title: str
    entity: EntityRef | None = None
    evidence: list[str] = Field(default_factory=list, description="Evidence ids.")
    rationale: str | None = None
    against: list[str] = Field(default_factory=list, description="Evidence ids that weigh against.")
    change: str | None = Field(None, description="Id/revision of the change implicated, if any.")


class TimelineEntry(_Model):
    ts: Timestamp
    text: str
    evidence: list[str] = Field(default_factory=list)


class Command(_Model):
    cmd: str
    purpose: str
    safety: SafetyLabel
    reason: str | None = Field(None, description="The guard's one-line reason.")
    hypothesis: str | None = Field(None, description="Category of the hypothesis it checks.")


class AlertGroup(_Model):
    """Deduplicated alerts: one row per alert identity (fingerprint or label hash)."""

    alertname: str
    status: str = Field(description="firing or resolved")
    severity: str | None = None
    namespace: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    summary: str | None = None
    count: int = 1
    first_seen: Timestamp | None = None
    last_seen: Timestamp | None = None
    fingerprint: str | None = None
    group: str | None = Field(None, description="Key of the group of related alerts.")
    evidence: str | None = None


class Change(_Model):
    ts: Timestamp | None = None
    kind: str = Field(description="argocd-sync, rollout-revision, git-commit, k8s-event, ...")
    summary: str
    revision: str | None = None
    entity: EntityRef | None = None
    source: str
    evidence: str | None = None
    minutes_before_onset: float | None = None
    touches_affected: bool = Field(False, description="Names a workload that shows symptoms.")
    score: float = Field(0.0, description="Suspicion: proximity before the onset x overlap.")


class Pattern(_Model):
    template_id: str
    template: str
    count: int
    first_seen: Timestamp | None = None
    last_seen: Timestamp | None = None
    severity: str | None = None
    example: str | None = Field(None, description="One verbatim line of this pattern.")
    entities: list[str] = Field(default_factory=list)
    status: str | None = Field(None, description="new, spiking, or steady")
    baseline_count: int | None = None
    incident_count: int | None = None
    evidence: str | None = None


class Anomaly(_Model):
    series: str
    measure: str | None = Field(None, description="error-rate, latency, memory, cpu, ...")
    direction: str
    shape: str = Field(description="level-shift, spike or trend")
    onset: Timestamp | None = None
    baseline: float | None = None
    peak: float | None = None
    score: float
    evidence: str | None = None


class RunbookRef(_Model):
    path: str
    section: str
    score: float
    for_: str = Field(alias="for", description="What it was retrieved for.")
    excerpt: str | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Skipped(_Model):
    source: str
    reason: str


class Stats(_Model):
    inputs: int = 0
    events: int = 0
    lines: int = 0
    seconds: float = 0.0
    skipped: list[Skipped] = Field(default_factory=list)
    unrecognized: list[Skipped] = Field(
        default_factory=list,
        description="Inputs or blocks read only as generic text, or that a specific reader could not understand (used, not understood).",
    )
    understood: float | None = Field(None, ge=0.0, le=1.0, description="Share of input lines read with structure.")
    readers: dict[str, int] = Field(default_factory=dict, description="Events per reader.")
    untimed: int = Field(0, description="Events without any timestamp.")
    inferred: int = Field(0, description="Events whose time was inferred (a neighbour's, a relative age, a year-less stamp).")
    filtered: int = Field(0, description="Events outside --since/--until.")
    redactions: dict[str, int] = Field(default_factory=dict, description="Values redacted, by kind.")
    evidence_tokens: int | None = Field(None, description="Estimated tokens of the evidence list.")


class Report(_Model):
    schema_version: int = SCHEMA_VERSION
    generated_at: Timestamp
    window: Window
    onset: Timestamp | None = None
    summary: str
    status_update: str | None = None
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    timeline: list[TimelineEntry] = Field(default_factory=list)
    commands: list[Command] = Field(default_factory=list)
    checks_in_words: list[str] = Field(
        default_factory=list,
        description="Checks given in words only: a name read from the input failed its naming rule, so no command is shown.",
    )
    avoid: list[str] = Field(default_factory=list)
    needs_approval: list[Command] = Field(default_factory=list)
    alerts: list[AlertGroup] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    patterns: list[Pattern] = Field(default_factory=list)
    anomalies: list[Anomaly] = Field(default_factory=list)
    runbooks: list[RunbookRef] = Field(default_factory=list)
    llm: LLMSection | None = None
    stats: Stats = Field(default_factory=Stats)


def report_schema() -> dict:
    """The published JSON schema of the report."""
    schema = Report.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://opslens.dev/schema/report-v{SCHEMA_VERSION}.json"
    return schema
