"""Background triage jobs of `opslens serve`, kept in the database so they survive a restart.

A job is `queued`, then `running` (claimed by one worker), then `done` or `failed`. Claiming
locks the row: `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL (replicas skip each other's
claims instead of waiting), `BEGIN IMMEDIATE` on SQLite (one writer at a time). A job left
`running` past the timeout (its worker died) is claimed again; every claim counts an attempt,
and a job that failed more than `retries` times stays `failed`, its last error kept.

Two kinds: `triage` (an incident's alerts, queued by correlation) and `upload` (files posted
to the API, spooled on the receiving host's disk: the job is pinned to that host by
`affinity`, and its report becomes a new incident when it completes).

Functions taking the `Store`: this module belongs to the store package and uses its sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from opslens.store.models import Incident, Job
from opslens.store.records import _Record

if TYPE_CHECKING:
    from opslens.store.repository import Store

__all__ = [
    "JobRecord",
    "JobStatus",
    "claim",
    "complete",
    "count_by_status",
    "enqueue",
    "enqueue_in",
    "enqueue_upload",
    "fail",
    "get_job",
    "list_jobs",
]

TRIAGE = "triage"
UPLOAD = "upload"
_ERROR_MAX = 2000


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class JobRecord(_Record):
    """One job as the API shows it."""

    id: int
    incident_ref: str | None  # None: an upload job that has not produced its incident yet
    kind: str
    status: JobStatus
    attempts: int
    created_at: datetime
    last_error: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    claimed_by: str | None = None
    params: dict[str, Any] | None = None


def _record(job: Job, ref: str | None) -> JobRecord:
    return JobRecord(
        id=job.id, incident_ref=ref, kind=job.kind, status=JobStatus(job.status),
        attempts=job.attempts, created_at=job.created_at, last_error=job.last_error,
        started_at=job.started_at, finished_at=job.finished_at, claimed_by=job.claimed_by,
        params=job.params,
    )


def enqueue_in(session: Session, incident_id: int, now: datetime, kind: str = TRIAGE) -> int:
    """Queue a job for the incident inside an open write session; an already queued job of
    the same kind is reused (an alert storm queues one triage, not hundreds). Returns its id."""
    queued = session.scalar(
        select(Job.id).where(Job.incident_id == incident_id, Job.kind == kind,
                             Job.status == JobStatus.QUEUED.value).limit(1)
    )
    if queued is not None:
        return queued
    job = Job(incident_id=incident_id, kind=kind, status=JobStatus.QUEUED.value, attempts=0,
              created_at=now)
    session.add(job)
    session.flush()
    return job.id


def enqueue(store: Store, ref: str, now: datetime, kind: str = TRIAGE) -> int:
    """Queue a job for incident `ref` (IncidentNotFound if unknown); returns the job id."""
    from opslens.store.lookup import find_incident

    with store._write() as session:
        return enqueue_in(session, find_incident(session, ref).id, now, kind)


def enqueue_upload(
    store: Store, params: dict[str, Any], affinity: str, now: datetime
) -> int:
    """Queue the triage of uploaded files (`params`: spool directory and options), to be run
    by a worker on `affinity`'s host; returns the job id."""
    with store._write() as session:
        job = Job(incident_id=None, kind=UPLOAD, status=JobStatus.QUEUED.value, attempts=0,
                  created_at=now, params=params, affinity=affinity)
        session.add(job)
        session.flush()
        return job.id


def claim(
    store: Store, worker_id: str, now: datetime, *, timeout: timedelta, retries: int,
    affinity: str | None = None,
) -> JobRecord | None:
    """Take the oldest claimable job for `worker_id` (status running, one more attempt), or
    None. Claimable: queued, or running past `timeout` (its worker is gone), and not pinned
    to another host than `affinity`. A stale job that has used up its attempts is marked
    failed instead."""
    stale = now - timeout
    where = or_(Job.status == JobStatus.QUEUED.value,
                (Job.status == JobStatus.RUNNING.value) & (Job.started_at < stale))
    mine = Job.affinity.is_(None) if affinity is None else or_(
        Job.affinity.is_(None), Job.affinity == affinity)
    with store._write() as session:
        while True:
            job = session.scalars(
                select(Job).where(where, mine)
                .order_by(Job.id).limit(1).with_for_update(skip_locked=True)
            ).first()
            if job is None:
                return None
            if job.status == JobStatus.RUNNING.value and job.attempts > retries:
                job.status, job.finished_at = JobStatus.FAILED.value, now
                job.last_error = f"timed out after {timeout.total_seconds():g}s ({job.claimed_by})"
                session.flush()
                continue
            job.status, job.started_at, job.finished_at = JobStatus.RUNNING.value, now, None
            job.attempts += 1
            job.claimed_by = worker_id
            session.flush()
            ref = session.scalar(select(Incident.ref).where(Incident.id == job.incident_id))
            return _record(job, ref)


def complete(
    store: Store, job_id: int, worker_id: str, now: datetime, incident_ref: str | None = None
) -> bool:
    """Mark a job done (linked to `incident_ref` when it made one); False (nothing changed)
    when `worker_id` no longer holds it."""
    from opslens.store.lookup import find_incident

    with store._write() as session:
        job = _held(session, job_id, worker_id)
        if job is None:
            return False
        job.status, job.finished_at, job.last_error = JobStatus.DONE.value, now, None
        if incident_ref is not None:
            job.incident_id = find_incident(session, incident_ref).id
        return True


def fail(
    store: Store, job_id: int, worker_id: str, error: str, now: datetime, *, retries: int
) -> JobStatus | None:
    """Record a failed attempt: queued again while attempts <= `retries`, else failed. Returns
    the new status, None when `worker_id` no longer holds the job."""
    with store._write() as session:
        job = _held(session, job_id, worker_id)
        if job is None:
            return None
        job.last_error = error[:_ERROR_MAX]
        if job.attempts > retries:
            job.status, job.finished_at = JobStatus.FAILED.value, now
        else:
            job.status, job.started_at, job.claimed_by = JobStatus.QUEUED.value, None, None
        return JobStatus(job.status)


def _held(session: Session, job_id: int, worker_id: str) -> Job | None:
    job = session.get(Job, job_id, with_for_update=True)
    if job is None or job.status != JobStatus.RUNNING.value or job.claimed_by != worker_id:
        return None
    return job


def get_job(store: Store, job_id: int) -> JobRecord | None:
    """The job, None when there is no such id."""
    with store._read() as session:
        row = session.execute(
            select(Job, Incident.ref).outerjoin(Incident, Incident.id == Job.incident_id)
            .where(Job.id == job_id)
        ).first()
        return _record(row[0], row[1]) if row else None


def list_jobs(
    store: Store, status: JobStatus | str | None = None, ref: str | None = None, limit: int = 100
) -> list[JobRecord]:
    """Jobs, newest first; filtered by status and incident when given."""
    from opslens.store.lookup import normalize_ref

    query = (select(Job, Incident.ref).outerjoin(Incident, Incident.id == Job.incident_id)
             .order_by(Job.id.desc()).limit(limit))
    if status is not None:
        query = query.where(Job.status == JobStatus(status).value)
    if ref is not None:
        query = query.where(Incident.ref == normalize_ref(ref))
    with store._read() as session:
        return [_record(job, job_ref) for job, job_ref in session.execute(query)]


def count_by_status(store: Store) -> dict[str, int]:
    """Number of jobs per status (every status present, zero included), for metrics."""
    counts = {status.value: 0 for status in JobStatus}
    with store._read() as session:
        for status, number in session.execute(select(Job.status, func.count()).group_by(Job.status)):
            counts[status] = number
    return counts
