"""Running one triage job: the incident's alerts -> an Alertmanager v4 payload file -> the
same `run_triage` the CLI calls -> a new report version of the incident.

No analysis here: the alerts are written where the existing alertmanager reader reads them.
Until live collectors exist (a later issue), the alerts are the whole input.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from opslens.pipeline import TriageOptions, TriageOutcome, run_triage
from opslens.server.correlate import FIRING, occurrences
from opslens.store import InputFile, InputManifest
from opslens.store import jobs as job_store
from opslens.store.alert_links import LinkedAlert, incident_alerts

if TYPE_CHECKING:
    from opslens.store import Store
    from opslens.store.jobs import JobRecord, JobStatus

__all__ = ["JobSettings", "Triage", "alertmanager_payload", "run_job", "run_next"]

Triage = Callable[[TriageOptions], TriageOutcome]
_ALERT_KEYS = ("labels", "annotations", "generatorURL")


class JobSettings(Protocol):
    """What a job reads from `ServerSettings`."""

    job_timeout: timedelta
    job_retries: int


class JobTimeout(Exception):
    """The triage ran past the job timeout."""


@dataclass(frozen=True)
class JobOutcome:
    job_id: int
    status: JobStatus
    error: str | None = None
    version: int | None = None


def _iso(value: datetime | None) -> str:
    return value.isoformat().replace("+00:00", "Z") if value else "0001-01-01T00:00:00Z"


def alertmanager_payload(ref: str, alerts: Sequence[LinkedAlert]) -> dict[str, Any]:
    """A webhook payload (version 4) of the incident's alerts: the latest delivery of each
    fingerprint, its number of deliveries in the annotation `opslens_occurrences`."""
    latest: dict[str, LinkedAlert] = {}
    for alert in sorted(alerts, key=lambda a: a.id):
        latest[alert.fingerprint] = alert
    counts = occurrences(alerts)
    items = []
    for alert in latest.values():
        item = {key: alert.payload[key] for key in _ALERT_KEYS if key in alert.payload}
        item.setdefault("labels", alert.labels)
        annotations = dict(item.get("annotations") or {})
        annotations["opslens_occurrences"] = str(counts[alert.fingerprint])
        item.update(
            status=alert.status, annotations=annotations, fingerprint=alert.fingerprint,
            startsAt=_iso(alert.starts_at), endsAt=_iso(alert.ends_at),
        )
        items.append(item)
    group_keys = {a.group_key for a in latest.values() if a.group_key}
    common = _common_labels([a.labels for a in latest.values()])
    return {
        "version": "4", "receiver": "opslens", "externalURL": "", "truncatedAlerts": 0,
        "groupKey": group_keys.pop() if len(group_keys) == 1 else f"opslens/{ref}",
        "status": FIRING if any(a.status == FIRING for a in latest.values()) else "resolved",
        "groupLabels": {}, "commonLabels": common, "commonAnnotations": {}, "alerts": items,
    }


def _common_labels(all_labels: list[dict[str, str]]) -> dict[str, str]:
    if not all_labels:
        return {}
    first = all_labels[0]
    return {k: v for k, v in first.items() if all(other.get(k) == v for other in all_labels)}


def _with_timeout(call: Callable[[], TriageOutcome], seconds: float) -> TriageOutcome:
    """`call()` in a daemon thread; JobTimeout past `seconds` (the thread is abandoned: the
    job is retried or failed, and a late result is never saved)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["outcome"] = call()
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc

    thread = threading.Thread(target=target, name="opslens-triage", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise JobTimeout(f"triage timed out after {seconds:g}s")
    if "error" in box:
        raise box["error"]
    return box["outcome"]


def run_job(
    store: Store, job: JobRecord, settings: JobSettings, *, worker_id: str,
    clock: Callable[[], datetime], triage: Triage = run_triage, llm: str = "none",
) -> JobOutcome:
    """Triage the job's incident and save the report as its next version; a failure (no
    usable input, an exception, the timeout) is recorded on the job and retried up to
    `settings.job_retries` times."""
    try:
        version = _triage_incident(store, job.incident_ref, settings, triage, llm)
    except Exception as exc:  # every failure is recorded on the job, never dropped
        error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        status = job_store.fail(store, job.id, worker_id, error, clock(),
                                retries=settings.job_retries)
        return JobOutcome(job.id, status or job.status, error)
    job_store.complete(store, job.id, worker_id, clock())
    return JobOutcome(job.id, job_store.JobStatus.DONE, version=version)


def _triage_incident(
    store: Store, ref: str, settings: JobSettings, triage: Triage, llm: str
) -> int:
    alerts = incident_alerts(store, ref)
    if not alerts:
        raise ValueError(f"{ref} has no alerts to triage")
    payload = json.dumps(alertmanager_payload(ref, alerts), indent=1).encode()
    with tempfile.TemporaryDirectory(prefix="opslens-job-") as tmp:
        path = Path(tmp) / f"alertmanager-{ref}.json"
        path.write_bytes(payload)
        options = TriageOptions(paths=[str(path)], llm=llm)
        outcome = _with_timeout(lambda: triage(options), settings.job_timeout.total_seconds())
    if outcome.report is None:
        raise ValueError(outcome.error or "no usable input")
    manifest = InputManifest(
        files=[InputFile(path.name, len(payload), hashlib.sha256(payload).hexdigest())],
        stats={**outcome.report.stats.model_dump(mode="json"),
               "alerts": len({a.fingerprint for a in alerts}), "alert_deliveries": len(alerts)},
    )
    return store.save_report(outcome.report, manifest, incident_ref=ref).version


def run_next(
    store: Store, settings: JobSettings, *, worker_id: str, clock: Callable[[], datetime],
    triage: Triage = run_triage, llm: str = "none",
) -> JobOutcome | None:
    """Claim and run one job; None when none is waiting."""
    job = job_store.claim(store, worker_id, clock(), timeout=settings.job_timeout,
                          retries=settings.job_retries)
    if job is None:
        return None
    return run_job(store, job, settings, worker_id=worker_id, clock=clock, triage=triage,
                   llm=llm)
