"""Correlating received alerts into incidents: the rules (pure functions) and `ingest`.

Rules, in order, for a firing alert (see the README, "Run as a service"):
1. an open incident already holding an alert with the same fingerprint takes it (a re-firing
   or a storm of one alert: counted, the incident does not grow);
2. else an open incident holding an alert with the same Alertmanager groupKey;
3. else an open incident with an alert seen within `correlation_window` that shares its scope:
   the same `namespace` (required), and the same `cluster` and `service` where both alerts
   carry one;
4. else a new incident, titled from alertname and namespace.
A resolved alert updates the incident holding its fingerprint (no new incident, no triage).
A new incident, or one that gained an alert it did not hold, queues one triage job (an
already queued job is reused). An open incident whose alerts have all been resolved for
`mitigate_after` becomes mitigated (`sweep`, run by the worker).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from opslens.store.alert_links import LinkedAlert, OpenIncident, linking

if TYPE_CHECKING:
    from opslens.store import Store

__all__ = [
    "CorrelationSettings",
    "IngestResult",
    "ingest",
    "ingest_unlinked",
    "quiet_since",
    "scope",
    "shares_scope",
    "sweep",
    "title_for",
]

FIRING = "firing"
RESOLVED = "resolved"


class CorrelationSettings(Protocol):
    """What the rules read from `ServerSettings`."""

    correlation_window: timedelta
    mitigate_after: timedelta


@dataclass
class IngestResult:
    """What one `ingest` did: refs opened and grown, alerts linked, jobs queued."""

    opened: list[str] = field(default_factory=list)
    grown: list[str] = field(default_factory=list)
    linked: int = 0
    resolved: int = 0
    jobs: list[int] = field(default_factory=list)


def scope(labels: dict[str, str]) -> tuple[str | None, str | None, str | None]:
    """(cluster, namespace, service) of an alert's labels, None where absent."""
    return (labels.get("cluster") or None, labels.get("namespace") or None,
            labels.get("service") or None)


def shares_scope(a: dict[str, str], b: dict[str, str]) -> bool:
    """Same namespace (both must have one), and the same cluster and service where both
    alerts carry one."""
    (ca, na, sa), (cb, nb, sb) = scope(a), scope(b)
    if na is None or na != nb:
        return False
    return (ca is None or cb is None or ca == cb) and (sa is None or sb is None or sa == sb)


def title_for(labels: dict[str, str]) -> str:
    """`alertname in namespace`, or what of it the labels have."""
    name = labels.get("alertname") or "alert"
    namespace = labels.get("namespace")
    return f"{name} in {namespace}" if namespace else name


def _seen(alert: LinkedAlert) -> datetime:
    return max(t for t in (alert.starts_at, alert.received_at) if t is not None)


def match(
    alert: LinkedAlert, incidents: Sequence[OpenIncident], window: timedelta, now: datetime
) -> OpenIncident | None:
    """The open incident a firing alert joins under rules 1-3, or None (rule 4)."""
    for rule in (
        lambda other: other.fingerprint == alert.fingerprint,
        lambda other: alert.group_key is not None and other.group_key == alert.group_key,
        lambda other: _seen(other) >= now - window and shares_scope(alert.labels, other.labels),
    ):
        for incident in incidents:
            if any(rule(other) for other in incident.alerts):
                return incident
    return None


def holder(alert: LinkedAlert, incidents: Sequence[OpenIncident]) -> OpenIncident | None:
    """The open incident holding the alert's fingerprint (where a resolved alert goes)."""
    for incident in incidents:
        if any(other.fingerprint == alert.fingerprint for other in incident.alerts):
            return incident
    return None


def ingest(
    store: Store, alert_ids: Iterable[int], settings: CorrelationSettings, now: datetime
) -> IngestResult:
    """Correlate newly stored alerts (ids in `alerts_received`) into incidents and queue the
    triage jobs, in one transaction. Alerts already linked are left as they are."""
    result = IngestResult()
    with linking(store) as tx:
        incidents = tx.open_incidents()
        grown: dict[int, OpenIncident] = {}
        for alert in tx.alerts(alert_ids):
            if alert.incident_id is not None:
                continue
            if alert.status == RESOLVED:
                target = holder(alert, incidents)
                result.resolved += 1
                if target is None:
                    continue
            else:
                target = match(alert, incidents, settings.correlation_window, now)
            if target is None:
                _, namespace, service = scope(alert.labels)
                incident_id, ref = tx.open_incident(
                    title_for(alert.labels), now, started_at=alert.starts_at,
                    namespaces=[namespace] if namespace else [],
                    services=[service] if service else [],
                )
                target = OpenIncident(incident_id, ref, [])
                incidents.append(target)
                result.opened.append(ref)
                grown[incident_id] = target
            elif alert.status != RESOLVED and not any(
                other.fingerprint == alert.fingerprint for other in target.alerts
            ):
                grown[target.id] = target
            _, namespace, service = scope(alert.labels)
            tx.link([alert.id], target.id, now, [namespace] if namespace else [],
                    [service] if service else [])
            target.alerts.append(alert)
            result.linked += 1
        for incident in grown.values():
            result.jobs.append(tx.enqueue(incident.id, now))
            if incident.ref not in result.opened:
                result.grown.append(incident.ref)
    return result


def ingest_unlinked(store: Store, settings: CorrelationSettings, now: datetime) -> IngestResult:
    """`ingest` the alerts received within the window that no incident holds yet (their
    webhook's correlation failed after the commit); run by the worker's sweep."""
    with linking(store) as tx:
        ids = tx.unlinked(now - settings.correlation_window)
    return ingest(store, ids, settings, now) if ids else IngestResult()


def quiet_since(alerts: Sequence[LinkedAlert]) -> datetime | None:
    """When the last of the alerts resolved, None while any is still firing (the latest
    delivery of each fingerprint counts)."""
    latest: dict[str, LinkedAlert] = {}
    for alert in sorted(alerts, key=lambda a: a.id):
        latest[alert.fingerprint] = alert
    if not latest or any(a.status != RESOLVED for a in latest.values()):
        return None
    return max((a.ends_at or a.received_at) for a in latest.values())


def sweep(store: Store, settings: CorrelationSettings, now: datetime) -> list[str]:
    """Mark mitigated every open incident quiet for `mitigate_after`; returns their refs."""
    mitigated: list[str] = []
    with linking(store) as tx:
        for incident in tx.open_incidents():
            since = quiet_since(incident.alerts)
            quiet = since is not None and since <= now - settings.mitigate_after
            if quiet and tx.mitigate(incident.ref, now):
                mitigated.append(incident.ref)
    return mitigated


def occurrences(alerts: Sequence[LinkedAlert]) -> dict[str, int]:
    """Deliveries per fingerprint: how an alert storm is counted after deduplication."""
    counts: dict[str, int] = {}
    for alert in alerts:
        counts[alert.fingerprint] = counts.get(alert.fingerprint, 0) + 1
    return counts
