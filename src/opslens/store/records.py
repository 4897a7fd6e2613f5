"""The records the incident store takes and returns: plain dataclasses and enums, never ORM rows.

Callers (CLI, pipeline, later the HTTP service) code against these only, so the table layout
can change behind `Store` without touching them. Times are timezone-aware UTC datetimes.
`to_dict()` gives the JSON shape (ISO 8601 times) used by `--format json` and by exports.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from opslens.errors import OpslensError

__all__ = [
    "AlertRecord",
    "FeedbackRecord",
    "IncidentDetail",
    "IncidentNotFound",
    "IncidentStatus",
    "IncidentSummary",
    "InputFile",
    "InputManifest",
    "LLMCallRecord",
    "NoteKind",
    "NoteRecord",
    "ReportVersionInfo",
    "SavedReport",
    "SimilarIncident",
    "StatusChange",
    "StoreError",
    "jsonable",
]


class IncidentStatus(StrEnum):
    """Lifecycle of an incident; any status may follow any other (reopening is allowed)."""

    OPEN = "open"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    CLOSED = "closed"


class NoteKind(StrEnum):
    """What a note records; `action` notes become the action items of a post-incident draft."""

    NOTE = "note"
    ACTION = "action"
    DECISION = "decision"


class StoreError(OpslensError):
    """The store cannot be opened or used: bad URL, unreachable server, failed migration."""


class IncidentNotFound(StoreError, LookupError):
    """No incident has this reference."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(f"unknown incident {ref!r} (see `opslens incidents list`)")


def jsonable(value: Any) -> Any:
    """ISO 8601 for datetimes and enums as their value, recursively; the rest unchanged."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


class _Record:
    """Mixin: `to_dict()` as JSON-ready data."""

    def to_dict(self) -> dict[str, Any]:
        return jsonable(asdict(self))  # type: ignore[call-overload]


@dataclass(frozen=True)
class InputFile(_Record):
    """One input of a triage: its name as given, size in bytes and sha256 of its bytes."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class InputManifest(_Record):
    """What a report was built from; the raw inputs are kept only with `--keep-inputs`.

    `stats` is free-form (event counts, readers, ...), typically `report.stats` as a dict.
    """

    files: list[InputFile] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InputManifest:
        files = [InputFile(**f) for f in data.get("files", [])]
        return cls(files=files, stats=dict(data.get("stats", {})))


@dataclass(frozen=True)
class SimilarIncident(_Record):
    """An earlier incident that looks alike by structured signals (see `store.similarity`).

    `resolved_summary` is the human root cause summary when the incident was resolved;
    `notes` are the texts of its action and decision notes.
    """

    ref: str
    score: float
    category: str | None
    resolved_summary: str | None = None
    notes: list[str] = field(default_factory=list)
    title: str | None = None
    status: str | None = None

    def describe(self, lead: str = "- ", nest: str = "  - ") -> str:
        """`INC-0003 (score 0.80, oom): summary` after `lead`, then each note on a line of its
        own after `nest`: the one wording of a recalled incident, in Markdown by default."""
        line = f"{lead}{self.ref} (score {self.score:.2f}, {self.category or 'no category'})"
        if self.resolved_summary:
            line += f": {self.resolved_summary}"
        return line + "".join(f"\n{nest}{note}" for note in self.notes)


@dataclass(frozen=True)
class SavedReport(_Record):
    """Result of `Store.save_report`: the incident's reference, the new version number and
    up to 3 similar earlier incidents."""

    ref: str
    version: int
    similar: list[SimilarIncident] = field(default_factory=list)
    created: bool = True  # False when the report was added as a new version of an incident


@dataclass(frozen=True)
class IncidentSummary(_Record):
    """One row of `incidents list` (the JSON keys are these field names)."""

    ref: str
    title: str
    status: IncidentStatus
    severity: str | None
    category: str | None
    started_at: datetime | None


@dataclass(frozen=True)
class ReportVersionInfo(_Record):
    """One stored triage of an incident. `pruned`: its report body was dropped by prune."""

    version: int
    created_at: datetime
    manifest: dict[str, Any]
    pruned: bool = False
    has_inputs: bool = False


@dataclass(frozen=True)
class NoteRecord(_Record):
    """A note on an incident (text already redacted)."""

    id: int
    created_at: datetime
    kind: NoteKind
    text: str
    author: str | None = None


@dataclass(frozen=True)
class FeedbackRecord(_Record):
    """A score (and comment) on one report version, optionally on one hypothesis."""

    id: int
    version: int
    score: int
    created_at: datetime
    hypothesis: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class StatusChange(_Record):
    """One status transition; the first one of an incident has `from_status` None."""

    from_status: IncidentStatus | None
    to_status: IncidentStatus
    at: datetime
    by: str | None = None


@dataclass(frozen=True)
class IncidentDetail(IncidentSummary):
    """Everything `incidents show` and the post-incident draft need about one incident.

    `report` is the latest report version's JSON (a dict, already redacted) or None when it
    was pruned; `versions` are all stored versions, oldest first; `notes` and `feedback` are in
    time order, `status_history` in the order recorded (each change's `from_status` is the
    previous one's `to_status`, even when an `at` was given in the past).
    """

    # the summary's fields first (ref, title, status, severity, category, started_at)
    detected_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    created_at: datetime
    updated_at: datetime
    namespaces: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    human_category: str | None = None
    human_culprit: str | None = None
    human_summary: str | None = None
    report: dict[str, Any] | None = None
    latest_version: int = 0
    versions: list[ReportVersionInfo] = field(default_factory=list)
    notes: list[NoteRecord] = field(default_factory=list)
    feedback: list[FeedbackRecord] = field(default_factory=list)
    status_history: list[StatusChange] = field(default_factory=list)

    def summary(self) -> IncidentSummary:
        """The `incidents list` row of this incident (only the summary's fields)."""
        return IncidentSummary(
            self.ref, self.title, self.status, self.severity, self.category, self.started_at
        )


@dataclass(frozen=True)
class LLMCallRecord(_Record):
    """One model call, as the LLM layer reports it. Tie it to an incident by `incident_ref`
    (and `report_version`), or leave both None for calls made outside a saved triage."""

    provider: str
    model: str
    outcome: str  # ok | error | refused | timeout | ...
    prompt_name: str | None = None
    prompt_version: str | None = None
    prompt_hash: str | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    latency_ms: float | None = None
    cost: float | None = None
    error: str | None = None
    incident_ref: str | None = None
    report_version: int | None = None
    created_at: datetime | None = None  # None: now
    task: str | None = None
    first_token_ms: float | None = None
    compute_ms: float | None = None  # server-side compute (Ollama's total_duration)
    decode_ms: float | None = None  # server-side decoding (Ollama's eval_duration)


@dataclass(frozen=True)
class AlertRecord(_Record):
    """One alert as received (Alertmanager webhook item); `payload` is kept verbatim after
    redaction."""

    fingerprint: str
    status: str
    payload: dict[str, Any]
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    received_at: datetime | None = None  # None: now
    incident_ref: str | None = None


_REF = re.compile(r"(?i)^\s*(?:inc-?)?0*(\d+)\s*$")


def normalize_ref(ref: str) -> str:
    """`INC-0007` from `INC-0007`, `inc-7`, `7`; anything else unchanged (and then unknown)."""
    match = _REF.match(ref)
    return f"INC-{int(match.group(1)):04d}" if match else ref


def parse_enum(kind: Any, value: Any, what: str) -> Any:
    """`kind(value)`; a ValueError naming `what` (a field, or the CLI flag it came from) and
    the known values when `value` is none of them."""
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(m.value for m in kind)
        raise ValueError(f"{what}: {value!r} is not one of {known}") from None
