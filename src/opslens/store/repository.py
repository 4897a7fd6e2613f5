"""`Store`: the one API of the incident store. Takes and returns `store.records` types only.

Concurrency: every write runs in one transaction that starts as a writer (`BEGIN IMMEDIATE` on
SQLite; row locks on PostgreSQL). Incident numbers come from the `counters` row, incremented
with `UPDATE ... RETURNING` inside the insert transaction, so two processes never get the same
ref; the UNIQUE constraints on `ref` and `(incident_id, version)` back that up, and a conflict is
retried rather than lost.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from opslens.store import similarity, transfer, writes
from opslens.store.derive import redact_json
from opslens.store.engine import NOWAIT, WRITE, checkpoint
from opslens.store.lookup import find_incident, normalize_ref, parse_enum
from opslens.store.models import (
    Feedback,
    Incident,
    Note,
    ReportVersion,
    StatusChangeRow,
)
from opslens.store.records import (
    AlertRecord,
    FeedbackRecord,
    IncidentDetail,
    IncidentStatus,
    IncidentSummary,
    InputManifest,
    LLMCallRecord,
    NoteKind,
    NoteRecord,
    ReportVersionInfo,
    SavedReport,
    SimilarIncident,
    StatusChange,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from opslens.report.models import Report

# `normalize_ref` lives in `lookup`; re-exported as part of this module's API.
__all__ = ["Store", "normalize_ref"]

_RETRIES = 5
# Notes of these kinds travel with a similar incident: what was done and decided.
_RECALLED_KINDS = (NoteKind.ACTION.value, NoteKind.DECISION.value)


class Store:
    """All reads and writes of incidents.

    Every text written (notes, comments, manifests, alert payloads, kept inputs, human root
    cause, and the report JSON once more) passes the guard's `Redactor` first. Use
    `opslens.store.open_store()` to get one; it is a context manager.
    """

    def __init__(self, engine: Engine, *, author: str | None = None) -> None:
        self.engine = engine
        self.author = author or os.environ.get("USER") or os.environ.get("USERNAME")
        self._signature_cache = similarity.SignatureCache()

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def checkpoint(self) -> int:
        """Checkpoint SQLite's WAL (PASSIVE; see `engine.checkpoint`): the triage worker does
        it for the HTTP processes, which open the store without automatic checkpoints."""
        return checkpoint(self.engine)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- sessions ------------------------------------------------------------------------

    @contextmanager
    def _write(self, *, nowait: bool = False) -> Iterator[Session]:
        """A write transaction; `nowait` (SQLite): LockedError at once when another process
        holds the write lock, for callers that wait for it without blocking (the webhook)."""
        with (
            self.engine.connect().execution_options(**(NOWAIT if nowait else WRITE)) as conn,
            Session(bind=conn, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session

    def _retrying(self, attempt: Any) -> Any:
        """Run `attempt(session)` in a write transaction, again on a uniqueness conflict."""
        for tries in range(1, _RETRIES + 1):
            try:
                with self._write() as session:
                    return attempt(session)
            except IntegrityError:
                if tries == _RETRIES:
                    raise
        raise AssertionError("unreachable")

    # --- writes (checked and redacted here; the rows are `writes`) -----------------------

    def save_report(
        self,
        report: Report,
        manifest: InputManifest,
        *,
        incident_ref: str | None = None,
        inputs: dict[str, str] | None = None,
        llm_calls: list[LLMCallRecord] | None = None,
    ) -> SavedReport:
        """Save `report` as a new incident (ref allocated here), or as the next version of
        `incident_ref` (IncidentNotFound if unknown). `inputs` (name -> text) are kept,
        redacted, only when given (`--keep-inputs`). The model calls of the triage are
        recorded and linked to the new version: `llm_calls` when given (every attempt, as
        the LLM layer observed them), else the report's own `llm` section as one call.
        Returns ref, version and up to 3 similar earlier incidents."""
        prepared = writes.prepare_report(report, manifest, inputs)
        if llm_calls is not None:
            prepared = replace(prepared, llm=None)
        redactor = writes.redactor()
        calls = [(c, redactor.redact(c.error) if c.error else None) for c in llm_calls or []]

        def attempt(session: Session) -> tuple[str, int, bool]:
            ref, version, created = writes.insert_report(
                session, prepared, incident_ref, self.author
            )
            for call, error in calls:
                linked = replace(call, incident_ref=ref, report_version=version)
                writes.record_llm_call(session, linked, error)
            return ref, version, created

        ref, version, created = self._retrying(attempt)
        return SavedReport(ref=ref, version=version, similar=self.similar(ref), created=created)

    def add_note(
        self, ref: str, text: str, kind: NoteKind | str = NoteKind.NOTE, author: str | None = None
    ) -> int:
        """Add a (redacted) note; returns its id. `author` None: `$USER` or config."""
        note_kind = parse_enum(NoteKind, kind, "note kind")
        clean = writes.redactor().redact(text)
        with self._write() as session:
            return writes.add_note(session, ref, note_kind, clean, author or self.author)

    def set_status(
        self, ref: str, status: str, at: datetime | None = None, by: str | None = None
    ) -> None:
        """Change the status (recorded in the history); sets mitigated_at/resolved_at the
        first time the incident reaches them. Setting the current status again is a no-op."""
        new = parse_enum(IncidentStatus, status, "status")
        with self._write() as session:
            incident = find_incident(session, ref, lock=True)
            writes.set_status(session, incident, new, at, by or self.author)

    def resolve(
        self,
        ref: str,
        category: str,
        culprit: str | None,
        summary: str,
        at: datetime | None = None,
    ) -> None:
        """Record the human root cause (category from the taxonomy, ValueError otherwise) and
        set the status to resolved."""
        from opslens.taxonomy import category as taxonomy_category

        checked = taxonomy_category(category).value
        redactor = writes.redactor()
        clean_culprit = redactor.redact(culprit) if culprit else None
        clean_summary = redactor.redact(summary)
        with self._write() as session:
            writes.resolve(session, ref, checked, clean_culprit, clean_summary, at, self.author)

    def add_feedback(
        self,
        ref: str,
        score: int,
        hypothesis: str | None = None,
        comment: str | None = None,
    ) -> int:
        """Feedback on the latest report version; returns its id."""
        clean = writes.redactor().redact(comment) if comment else None
        with self._write() as session:
            return writes.add_feedback(session, ref, score, hypothesis, clean)

    def record_llm_call(self, call: LLMCallRecord) -> int:
        """Store one model call (error text redacted); returns its id."""
        error = writes.redactor().redact(call.error) if call.error else None
        with self._write() as session:
            return writes.record_llm_call(session, call, error)

    def record_alert(self, alert: AlertRecord) -> int:
        """Store one received alert (payload redacted); returns its id."""
        _, payload = redact_json(alert.payload, writes.redactor())
        with self._write() as session:
            return writes.record_alert(session, alert, payload)

    # --- reads ---------------------------------------------------------------------------

    def list_incidents(
        self,
        status: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[IncidentSummary]:
        """Incidents, latest start first; `since` filters on started_at (created_at when the
        start is unknown)."""
        started = func.coalesce(Incident.started_at, Incident.created_at)
        query = select(
            Incident.ref, Incident.title, Incident.status, Incident.severity,
            func.coalesce(Incident.human_category, Incident.category), Incident.started_at,
        ).order_by(started.desc(), Incident.id.desc())
        if status is not None:
            wanted = parse_enum(IncidentStatus, status, "status")
            query = query.where(Incident.status == wanted.value)
        if since is not None:
            query = query.where(started >= since)
        if limit is not None:
            query = query.limit(limit)
        with self._read() as session:
            return [
                IncidentSummary(ref, title, IncidentStatus(st), sev, cat, start)
                for ref, title, st, sev, cat, start in session.execute(query)
            ]

    def get_incident(self, ref: str) -> IncidentDetail:
        """The incident with its latest report JSON, versions, notes, feedback and status
        history. Raises IncidentNotFound."""
        import orjson

        with self._read() as session:
            inc = find_incident(session, ref)
            versions = session.execute(
                select(
                    ReportVersion.id, ReportVersion.version, ReportVersion.created_at,
                    ReportVersion.manifest_json, ReportVersion.report_json.is_(None),
                    ReportVersion.inputs_blob.is_not(None),
                ).where(ReportVersion.incident_id == inc.id).order_by(ReportVersion.version)
            ).all()
            latest = versions[-1] if versions else None
            body = session.scalar(
                select(ReportVersion.report_json).where(ReportVersion.id == latest.id)
            ) if latest else None
            number_of = {row.id: row.version for row in versions}
            notes = session.scalars(
                select(Note).where(Note.incident_id == inc.id).order_by(Note.created_at, Note.id)
            ).all()
            feedback = session.scalars(
                select(Feedback).where(Feedback.incident_id == inc.id)
                .order_by(Feedback.created_at, Feedback.id)
            ).all()
            changes = session.scalars(
                select(StatusChangeRow).where(StatusChangeRow.incident_id == inc.id)
                .order_by(StatusChangeRow.id)
            ).all()
            return IncidentDetail(
                ref=inc.ref, title=inc.title, status=IncidentStatus(inc.status),
                severity=inc.severity, category=inc.category, started_at=inc.started_at,
                detected_at=inc.detected_at, mitigated_at=inc.mitigated_at,
                resolved_at=inc.resolved_at, created_at=inc.created_at,
                updated_at=inc.updated_at, namespaces=list(inc.namespaces),
                services=list(inc.services), entities=list(inc.entities),
                human_category=inc.human_category, human_culprit=inc.human_culprit,
                human_summary=inc.human_summary,
                report=orjson.loads(body) if body else None,
                latest_version=latest.version if latest else 0,
                versions=[
                    ReportVersionInfo(v.version, v.created_at, dict(v.manifest_json), v[4], v[5])
                    for v in versions
                ],
                notes=[
                    NoteRecord(n.id, n.created_at, NoteKind(n.kind), n.text, n.author)
                    for n in notes
                ],
                feedback=[
                    FeedbackRecord(f.id, number_of[f.report_version_id], f.score, f.created_at,
                                   f.hypothesis, f.comment)
                    for f in feedback
                ],
                status_history=[
                    StatusChange(
                        IncidentStatus(c.from_status) if c.from_status else None,
                        IncidentStatus(c.to_status), c.at, c.by,
                    )
                    for c in changes
                ],
            )

    def similar(self, ref: str, limit: int = 3) -> list[SimilarIncident]:
        """Up to `limit` incidents created before `ref` that look alike (score at or above
        `similarity.THRESHOLD`), best first; resolved ones carry their human root cause and
        action/decision notes."""
        with self._read() as session:
            target = find_incident(session, ref)
            rows = session.execute(
                select(
                    Incident.id, Incident.ref, Incident.updated_at,
                    func.coalesce(Incident.human_category, Incident.category),
                    Incident.human_summary, Incident.title, Incident.status,
                ).where(Incident.id < target.id).order_by(Incident.id.desc())
            ).all()
            signatures = self._signatures(session, [(r[0], r[2]) for r in rows])
            found = similarity.rank(
                target.signature,
                ((r[1], signatures[r[0]], r[3], r[4]) for r in rows),
                limit=limit,
            )
            if not found:
                return []
            by_ref = {r[1]: r for r in rows}
            notes: dict[int, list[str]] = {}
            for incident_id, text in session.execute(
                select(Note.incident_id, Note.text)
                .where(Note.incident_id.in_([by_ref[s.ref][0] for s in found]))
                .where(Note.kind.in_(_RECALLED_KINDS)).order_by(Note.created_at, Note.id)
            ):
                notes.setdefault(incident_id, []).append(text)
            return [
                replace(s, notes=notes.get(by_ref[s.ref][0], []), title=by_ref[s.ref][5],
                        status=by_ref[s.ref][6])
                for s in found
            ]

    def _signatures(
        self, session: Session, wanted: list[tuple[int, datetime]]
    ) -> dict[int, Any]:
        """Signatures by incident id, each decoded once while its `updated_at` stays put (a
        save ranks every earlier incident, and decoding their JSON was most of its time)."""
        found: dict[int, Any] = {}
        stale: list[int] = []
        for incident_id, updated in wanted:
            cached = self._signature_cache.get(incident_id, updated)
            if cached is None:
                stale.append(incident_id)
            else:
                found[incident_id] = cached
        for start in range(0, len(stale), 500):
            for incident_id, updated, signature in session.execute(
                select(Incident.id, Incident.updated_at, Incident.signature)
                .where(Incident.id.in_(stale[start : start + 500]))
            ):
                found[incident_id] = signature
                self._signature_cache.put(incident_id, updated, signature)
        return found

    # --- maintenance ---------------------------------------------------------------------

    def export_jsonl(self, fh: IO[str]) -> int:
        """Write every table, one JSON object per line (`{"table": ..., "row": {...}}`) after a
        `_meta` line; returns the number of rows written."""
        with self._read() as session:
            return transfer.export_rows(session, fh)

    def import_jsonl(self, fh: IO[str]) -> int:
        """Load an export into an EMPTY database, keeping ids and refs; returns rows loaded.
        StoreError if the database already holds incidents or the file is not an export."""
        with self._write() as session:
            return transfer.import_rows(session, fh)

    def prune(self, older_than: timedelta) -> int:
        """Drop report bodies and kept inputs of versions older than `older_than` (the latest
        version of each incident included); incidents, notes, feedback and human root causes
        stay. Returns the number of versions pruned."""
        cutoff = datetime.now(UTC) - older_than
        with self._write() as session:
            result = session.execute(
                update(ReportVersion)
                .where(ReportVersion.created_at < cutoff)
                .where(ReportVersion.report_json.is_not(None) | ReportVersion.inputs_blob.is_not(None))
                .values(report_json=None, inputs_blob=None)
                .execution_options(synchronize_session=False)
            )
            return int(result.rowcount or 0)

