"""Running one background job with the same `run_triage` the CLI calls:

- `triage`: the incident's alerts -> an Alertmanager v4 payload file, plus what the configured
  live collectors (`[server] collect`) read in the alerts' namespaces -> a new report version
  of the incident.
- `upload`: files posted to `POST /api/v1/triage` too large to answer inline, spooled on this
  host's disk -> a new incident. The spool is removed once the job is done or finally failed.

No analysis here: inputs are written where the existing readers read them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import tempfile
import threading
import time
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

__all__ = [
    "JobSettings", "Triage", "alertmanager_payload", "host_affinity", "run_job", "run_next",
]

Triage = Callable[[TriageOptions], TriageOutcome]
_ALERT_KEYS = ("labels", "annotations", "generatorURL")
_GRACE = 5.0  # at most this long past its deadline, the job waits for the pipeline to stop


class JobSettings(Protocol):
    """What a job reads from `ServerSettings`."""

    job_timeout: timedelta
    job_retries: int
    llm: str
    model: str | None
    collect: list[str]
    collect_lookback: timedelta


class JobTimeout(Exception):
    """The triage ran past the job timeout."""


@dataclass(frozen=True)
class JobOutcome:
    job_id: int
    status: JobStatus
    error: str | None = None
    version: int | None = None
    incident_ref: str | None = None


def host_affinity() -> str:
    """This host's name: upload jobs are pinned to the host whose disk holds their files."""
    return socket.gethostname()


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


def _with_timeout(triage: Triage, options: TriageOptions, seconds: float) -> TriageOutcome:
    """`triage(options)` with `options.deadline` set, so the pipeline stops itself once
    `seconds` have passed; run in a daemon thread joined a little longer as a backstop for a
    stage that cannot check the deadline (that thread is abandoned: JobTimeout, and a late
    result is never saved)."""
    options.deadline = time.monotonic() + seconds
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["outcome"] = triage(options)
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc

    thread = threading.Thread(target=target, name="opslens-triage", daemon=True)
    thread.start()
    thread.join(seconds + min(_GRACE, seconds))
    if thread.is_alive():
        raise JobTimeout(f"triage timed out after {seconds:g}s")
    if "error" in box:
        raise box["error"]
    return box["outcome"]


def run_job(
    store: Store, job: JobRecord, settings: JobSettings, *, worker_id: str,
    clock: Callable[[], datetime], triage: Triage = run_triage,
) -> JobOutcome:
    """Run the job and save its report (the incident's next version, or a new incident for an
    upload); a failure (no usable input, an exception, the timeout) is recorded on the job
    and retried up to `settings.job_retries` times."""
    try:
        if job.kind == job_store.UPLOAD:
            ref, version = _triage_upload(store, job, settings, triage)
        else:
            ref, version = job.incident_ref, _triage_incident(store, job, settings, triage)
    except Exception as exc:  # every failure is recorded on the job, never dropped
        error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        status = job_store.fail(store, job.id, worker_id, error, clock(),
                                retries=settings.job_retries)
        if status is job_store.JobStatus.FAILED:
            _discard_spool(job)
        return JobOutcome(job.id, status or job.status, error)
    job_store.complete(store, job.id, worker_id, clock(),
                       incident_ref=ref if job.kind == job_store.UPLOAD else None)
    _discard_spool(job)
    return JobOutcome(job.id, job_store.JobStatus.DONE, version=version, incident_ref=ref)


def _triage_incident(store: Store, job: JobRecord, settings: JobSettings, triage: Triage) -> int:
    ref = job.incident_ref or ""
    alerts = incident_alerts(store, ref)
    if not alerts:
        raise ValueError(f"{ref} has no alerts to triage")
    payload = json.dumps(alertmanager_payload(ref, alerts), indent=1).encode()
    collected: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="opslens-job-") as tmp:
        path = Path(tmp) / f"alertmanager-{ref}.json"
        path.write_bytes(payload)
        paths = [str(path)]
        if settings.collect:
            paths.append(_collect(Path(tmp) / "live", alerts, settings, collected))
        options = TriageOptions(paths=paths, llm=settings.llm, model=settings.model)
        outcome = _with_timeout(triage, options, settings.job_timeout.total_seconds())
        report = outcome.report
        if report is not None and settings.collect:
            from opslens.report.relocate import cited_relative_to

            # Cite collected files as `live/kubernetes/...`, not by this host's temporary path.
            report = cited_relative_to(report, Path(tmp))
    if report is None:
        raise ValueError(outcome.error or "no usable input")
    stats = {**report.stats.model_dump(mode="json"),
             "alerts": len({a.fingerprint for a in alerts}), "alert_deliveries": len(alerts)}
    if collected:
        stats["collected"] = collected
    manifest = InputManifest(
        files=[InputFile(path.name, len(payload), hashlib.sha256(payload).hexdigest())], stats=stats,
    )
    return store.save_report(report, manifest, incident_ref=ref).version


def _collect(out: Path, alerts: Sequence[LinkedAlert], settings: JobSettings, collected: dict[str, str]) -> str:
    """Run the configured collectors for the alerts' namespaces, from the lookback before the
    first alert until now, into `out`; each source's status goes into `collected`."""
    from opslens.pipeline import collect_inputs

    namespaces = sorted({ns for a in alerts if (ns := a.labels.get("namespace"))})
    starts = [a.starts_at.timestamp() for a in alerts if a.starts_at is not None]
    until = time.time()
    since = min(starts, default=until) - settings.collect_lookback.total_seconds()
    for outcome in collect_inputs(str(out), min(since, until - 60), until, namespaces, list(settings.collect)):
        collected[outcome.source] = outcome.status + (f": {outcome.detail}" if outcome.status != "ok" else "")
    return str(out)


def _triage_upload(
    store: Store, job: JobRecord, settings: JobSettings, triage: Triage
) -> tuple[str, int]:
    """The spooled upload's report saved as a new incident; (its ref, version 1)."""
    from opslens.report.relocate import cited_relative_to
    from opslens.server.upload_jobs import triage_options
    from opslens.server.uploads import strip_directory

    params = job.params or {}
    spool = Path(params.get("spool", ""))
    if not params.get("spool") or not spool.is_dir():
        raise FileNotFoundError("the uploaded files are no longer on this host")
    options = triage_options(params, spool)
    outcome = _with_timeout(triage, options, settings.job_timeout.total_seconds())
    if outcome.report is None:
        raise ValueError(strip_directory(outcome.error or "no usable input", spool))
    # Cite files by their uploaded names, not by the spool path on this host.
    report = cited_relative_to(outcome.report, spool)
    manifest = InputManifest(
        files=[InputFile(f["name"], f["size"], f["sha256"]) for f in params.get("files", [])],
        stats=report.stats.model_dump(mode="json"),
    )
    saved = store.save_report(report, manifest)
    return saved.ref, saved.version


def _discard_spool(job: JobRecord) -> None:
    """Remove an upload job's spooled files (nothing for other kinds)."""
    spool = (job.params or {}).get("spool")
    if job.kind == job_store.UPLOAD and spool:
        shutil.rmtree(spool, ignore_errors=True)


def run_next(
    store: Store, settings: JobSettings, *, worker_id: str, clock: Callable[[], datetime],
    triage: Triage = run_triage, affinity: str | None = None,
) -> JobOutcome | None:
    """Claim and run one job (upload jobs only when pinned to `affinity`); None when none
    is waiting."""
    job = job_store.claim(store, worker_id, clock(), timeout=settings.job_timeout,
                          retries=settings.job_retries, affinity=affinity)
    if job is None:
        return None
    return run_job(store, job, settings, worker_id=worker_id, clock=clock, triage=triage)
