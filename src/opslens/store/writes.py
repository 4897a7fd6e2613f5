"""The rows each write of the incident store adds, given an open write session.

`Store` (`repository`) is the boundary: it checks names, redacts every text and opens the
transaction (retried on a uniqueness conflict); the functions here take those checked, redacted
values and add or update the rows. `prepare_report` is the one redaction step that lives here:
it runs once per save, before the transaction that may be retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from opslens.guard import Redactor
from opslens.store import similarity
from opslens.store.derive import IncidentFields, derive_fields, redact_json, redact_text
from opslens.store.lookup import find_incident
from opslens.store.models import (
    AlertReceived,
    Counter,
    Feedback,
    Incident,
    LLMCall,
    Note,
    ReportVersion,
    StatusChangeRow,
    utcnow,
)
from opslens.store.records import (
    AlertRecord,
    IncidentNotFound,
    IncidentStatus,
    InputManifest,
    LLMCallRecord,
    NoteKind,
)

if TYPE_CHECKING:
    from opslens.report.models import Report

__all__ = [
    "PreparedReport",
    "add_feedback",
    "add_note",
    "insert_report",
    "prepare_report",
    "record_alert",
    "record_llm_call",
    "redactor",
    "resolve",
    "set_status",
]


def redactor() -> Redactor:
    """A fresh redactor per write, with the user's extra secret patterns (`[guard]`)."""
    from opslens.guard.config import load_guard_config

    return Redactor(extra_patterns=load_guard_config().secret_patterns)


@dataclass(frozen=True)
class PreparedReport:
    """A report ready to store: redacted texts and the incident fields derived from them."""

    report_text: str
    manifest: dict[str, Any]
    inputs_text: str | None
    fields: IncidentFields
    signature: dict[str, Any]
    llm: dict[str, Any] | None  # the report's own `llm` section, recorded as an LLM call


def prepare_report(
    report: Report, manifest: InputManifest, inputs: dict[str, str] | None
) -> PreparedReport:
    """Redact the report, its manifest and the kept `inputs`, and derive the incident fields."""
    redact = redactor()
    report_text, report_dict = redact_json(report.model_dump(mode="json", by_alias=True), redact)
    _, manifest_dict = redact_json(manifest.to_dict(), redact)
    return PreparedReport(
        report_text=report_text,
        manifest=manifest_dict,
        inputs_text=_redact_inputs(inputs, redact) if inputs is not None else None,
        fields=derive_fields(report_dict),
        signature=dict(similarity.signature_of(report_dict)),
        llm=report_dict["llm"] if report.llm is not None else None,
    )


def _redact_inputs(inputs: dict[str, str], redact: Redactor) -> str:
    """Kept input texts as JSON, each file redacted line by line before it becomes one JSON
    string (see `redact_json`)."""
    return redact_json({name: redact_text(text, redact) for name, text in inputs.items()}, redact)[0]


def insert_report(
    session: Session, prepared: PreparedReport, incident_ref: str | None, author: str | None
) -> tuple[str, int, bool]:
    """Add `prepared` as a new incident (ref allocated here), or as the next version of
    `incident_ref`; returns (ref, version, created)."""
    fields, now = prepared.fields, utcnow()
    if incident_ref is None:
        incident = Incident(
            ref=_allocate_ref(session), title=fields.title, status=IncidentStatus.OPEN,
            created_at=now, updated_at=now, signature=prepared.signature, **_columns(fields),
        )
        session.add(incident)
        session.flush()
        session.add(StatusChangeRow(
            incident_id=incident.id, from_status=None, to_status=IncidentStatus.OPEN,
            at=now, by=author,
        ))
        version = 1
    else:
        incident = find_incident(session, incident_ref, lock=True)
        version = 1 + (session.scalar(
            select(func.max(ReportVersion.version))
            .where(ReportVersion.incident_id == incident.id)
        ) or 0)
        _merge(incident, fields, prepared.signature, now)
    row = ReportVersion(
        incident_id=incident.id, version=version, created_at=now,
        report_json=prepared.report_text, manifest_json=prepared.manifest,
        inputs_blob=prepared.inputs_text,
    )
    session.add(row)
    session.flush()
    if prepared.llm is not None:
        session.add(_llm_row_from_report(prepared.llm, incident.id, row.id, now))
    return incident.ref, version, incident_ref is None


def add_note(session: Session, ref: str, kind: NoteKind, text: str, author: str | None) -> int:
    """Add a note to `ref`; returns its id."""
    incident = find_incident(session, ref)
    note = Note(
        incident_id=incident.id, author=author, created_at=utcnow(), kind=kind.value, text=text,
    )
    session.add(note)
    incident.updated_at = note.created_at
    session.flush()
    return note.id


def set_status(
    session: Session, incident: Incident, new: IncidentStatus, at: datetime | None,
    by: str | None,
) -> bool:
    """Change the status (recorded in the history); sets mitigated_at/resolved_at the first
    time the incident reaches them. Setting the current status again is a no-op (False)."""
    if incident.status == new.value:
        return False
    now = utcnow()
    when = at or now
    session.add(StatusChangeRow(
        incident_id=incident.id, from_status=incident.status, to_status=new.value,
        at=when, by=by,
    ))
    incident.status = new.value
    if new is IncidentStatus.MITIGATED and incident.mitigated_at is None:
        incident.mitigated_at = when
    if new is IncidentStatus.RESOLVED and incident.resolved_at is None:
        incident.resolved_at = when
    incident.updated_at = now
    return True


def resolve(
    session: Session, ref: str, category: str, culprit: str | None, summary: str,
    at: datetime | None, by: str | None,
) -> None:
    """Record the human root cause of `ref` and set its status to resolved."""
    incident = find_incident(session, ref, lock=True)
    incident.human_category = category
    incident.human_culprit = culprit
    incident.human_summary = summary
    if not set_status(session, incident, IncidentStatus.RESOLVED, at, by):
        incident.updated_at = utcnow()  # already resolved: only the root cause changed


def add_feedback(
    session: Session, ref: str, score: int, hypothesis: str | None, comment: str | None
) -> int:
    """Feedback on the latest report version of `ref`; returns its id."""
    incident = find_incident(session, ref)
    version_id = session.scalar(
        select(ReportVersion.id).where(ReportVersion.incident_id == incident.id)
        .order_by(ReportVersion.version.desc()).limit(1)
    )
    if version_id is None:
        raise IncidentNotFound(ref)  # an incident always has a version; defensive
    row = Feedback(
        incident_id=incident.id, report_version_id=version_id, score=int(score),
        hypothesis=hypothesis, created_at=utcnow(), comment=comment,
    )
    session.add(row)
    session.flush()
    return row.id


def record_llm_call(session: Session, call: LLMCallRecord, error: str | None) -> int:
    """Add one model call, with `error` (redacted) in place of `call.error`; returns its id."""
    incident_id, version_id = _link(session, call.incident_ref, call.report_version)
    row = LLMCall(
        incident_id=incident_id, report_version_id=version_id,
        provider=call.provider, model=call.model, prompt_name=call.prompt_name,
        prompt_version=call.prompt_version, prompt_hash=call.prompt_hash,
        tokens_in=call.tokens_in, tokens_out=call.tokens_out,
        latency_ms=call.latency_ms, cost=call.cost, outcome=call.outcome,
        error=error, created_at=call.created_at or utcnow(), task=call.task,
        first_token_ms=call.first_token_ms, compute_ms=call.compute_ms, decode_ms=call.decode_ms,
    )
    session.add(row)
    session.flush()
    return row.id


def record_alert(session: Session, alert: AlertRecord, payload: Any) -> int:
    """Add one received alert, with `payload` (redacted) in place of `alert.payload`; returns
    its id."""
    incident_id, _ = _link(session, alert.incident_ref, None)
    row = AlertReceived(
        fingerprint=alert.fingerprint, status=alert.status, starts_at=alert.starts_at,
        ends_at=alert.ends_at, payload_json=payload,
        received_at=alert.received_at or utcnow(), incident_id=incident_id,
    )
    session.add(row)
    session.flush()
    return row.id


def _link(
    session: Session, ref: str | None, version: int | None
) -> tuple[int | None, int | None]:
    """Incident id and report version id (`version`, else the latest) a record points at."""
    if ref is None:
        return None, None
    incident = find_incident(session, ref)
    query = select(ReportVersion.id).where(ReportVersion.incident_id == incident.id)
    if version is not None:
        query = query.where(ReportVersion.version == version)
    return incident.id, session.scalar(query.order_by(ReportVersion.version.desc()).limit(1))


def _allocate_ref(session: Session) -> str:
    """The next free `INC-NNNN`; skips numbers taken by imported incidents."""
    while True:
        number = session.execute(
            update(Counter).where(Counter.name == "incident")
            .values(value=Counter.value + 1).returning(Counter.value)
        ).scalar_one()
        ref = f"INC-{number:04d}"
        if session.scalar(select(Incident.id).where(Incident.ref == ref)) is None:
            return ref


def _columns(fields: IncidentFields) -> dict[str, Any]:
    return {
        "severity": fields.severity, "started_at": fields.started_at,
        "detected_at": fields.detected_at, "namespaces": fields.namespaces,
        "services": fields.services, "entities": fields.entities, "category": fields.category,
    }


def _merge(
    incident: Incident, fields: IncidentFields, signature: dict[str, Any], now: datetime
) -> None:
    """A new version updates what the latest triage knows; the earliest onset and detection
    and the union of names are kept, the title stays the one people know the incident by."""
    incident.category = fields.category
    incident.severity = fields.severity or incident.severity
    incident.signature = signature
    for name in ("started_at", "detected_at"):
        old, new = getattr(incident, name), getattr(fields, name)
        setattr(incident, name, min(t for t in (old, new) if t) if (old or new) else None)
    for name in ("namespaces", "services", "entities"):
        setattr(incident, name, sorted(set(getattr(incident, name)) | set(getattr(fields, name))))
    incident.updated_at = now


def _llm_row_from_report(
    llm: dict[str, Any], incident_id: int, version_id: int, now: datetime
) -> LLMCall:
    prompt = llm.get("prompt") or {}
    total = llm.get("latency_total_s")
    return LLMCall(
        incident_id=incident_id, report_version_id=version_id, provider=llm["provider"],
        model=llm["model"], prompt_name=prompt.get("name"), prompt_version=prompt.get("version"),
        prompt_hash=prompt.get("sha256"), tokens_in=llm.get("tokens_in"),
        tokens_out=llm.get("tokens_out"), latency_ms=total * 1000 if total is not None else None,
        cost=llm.get("cost_usd"), outcome="ok", error=None, created_at=now,
    )
