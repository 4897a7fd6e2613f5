"""Correlating received alerts into incidents: the rules (pure functions) and `ingest`.

Rules, in order, for a firing alert (see the README, "Run as a service"):
1. an open incident already holding an alert with the same fingerprint takes it (a re-firing
   or a storm of one alert: counted, the incident does not grow);
2. else an open incident holding an alert with the same Alertmanager groupKey;
3. else an open incident with an alert seen within `correlation_window` that shares its scope:
   the same namespace (required), and the same cluster and service where both alerts carry
   one. Which labels name them is configurable (`scope_labels`: for each role, the label names
   tried in order; default `cluster`, `namespace`/`exported_namespace`, `service`);
4. else a new incident, titled from alertname and namespace.
A resolved alert updates the incident holding its fingerprint (no new incident, no triage).
A new incident, or one that gained an alert it did not hold, queues one triage job (an
already queued job is reused). An open incident whose alerts have all been resolved for
`mitigate_after` becomes mitigated (`sweep`, run by the worker).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from opslens.store.alert_links import LinkedAlert, Linking, OpenIncident, linking, reading

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
    scope_labels: dict[str, list[str]]


INGEST_CHUNK = 16  # alerts per transaction when the worker catches up (`ingest_unlinked`)


@dataclass
class IngestResult:
    """What one `ingest` did: refs opened and grown, alerts linked, jobs queued."""

    opened: list[str] = field(default_factory=list)
    grown: list[str] = field(default_factory=list)
    linked: int = 0
    resolved: int = 0
    jobs: list[int] = field(default_factory=list)
    last_id: int = 0  # `ingest_unlinked`: the highest alert id it looked at

    def add(self, other: IngestResult) -> None:
        """Count `other` (a later transaction of the same pass) in with this one."""
        self.opened += other.opened
        self.grown += [ref for ref in other.grown if ref not in self.grown]
        self.linked += other.linked
        self.resolved += other.resolved
        self.jobs += other.jobs


DEFAULT_SCOPE_LABELS: dict[str, list[str]] = {
    "cluster": ["cluster"],
    "namespace": ["namespace", "exported_namespace"],
    "service": ["service"],
}
Scope = tuple[str | None, str | None, str | None]


def scope(labels: dict[str, str], names: dict[str, list[str]] | None = None) -> Scope:
    """(cluster, namespace, service) of an alert's labels, None where absent; `names` gives
    the label names tried for each role (default `DEFAULT_SCOPE_LABELS`)."""
    names = names or DEFAULT_SCOPE_LABELS

    def first(role: str) -> str | None:
        return next((labels[n] for n in names.get(role, []) if labels.get(n)), None)

    return first("cluster"), first("namespace"), first("service")


def shares_scope(
    a: dict[str, str], b: dict[str, str], names: dict[str, list[str]] | None = None
) -> bool:
    """Same namespace (both must have one), and the same cluster and service where both
    alerts carry one."""
    (ca, na, sa), (cb, nb, sb) = scope(a, names), scope(b, names)
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
    alert: LinkedAlert, incidents: Sequence[OpenIncident], window: timedelta, now: datetime,
    names: dict[str, list[str]] | None = None,
) -> OpenIncident | None:
    """The open incident a firing alert joins under rules 1-3, or None (rule 4)."""
    for rule in (
        lambda other: other.fingerprint == alert.fingerprint,
        lambda other: alert.group_key is not None and other.group_key == alert.group_key,
        lambda other: (_seen(other) >= now - window
                       and shares_scope(alert.labels, other.labels, names)),
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
        names = settings.scope_labels
        alerts = [a for a in tx.alerts(alert_ids) if a.incident_id is None]
        candidates = _Candidates(tx, settings.correlation_window, now, names, alerts)
        grown: dict[int, OpenIncident] = {}
        links: dict[int, list[LinkedAlert]] = {}
        for alert in alerts:
            holding = candidates.holding(alert)
            if alert.status == RESOLVED:
                target = holder(alert, holding)
                result.resolved += 1
                if target is None:
                    continue
            else:
                target = candidates.match(alert, holding)
            if target is None:
                _, namespace, service = scope(alert.labels, names)
                incident_id, ref = tx.open_incident(
                    title_for(alert.labels), now, started_at=alert.starts_at,
                    namespaces=[namespace] if namespace else [],
                    services=[service] if service else [],
                )
                target = OpenIncident(incident_id, ref, [])
                candidates.refs[incident_id] = ref
                result.opened.append(ref)
                grown[incident_id] = target
            elif alert.status != RESOLVED and not any(i.id == target.id for i in holding):
                grown[target.id] = target
            candidates.link(alert, target.id)
            links.setdefault(target.id, []).append(alert)
            result.linked += 1
        # Written at the end, all at once (the rules above saw the links already).
        scopes = {i: [scope(a.labels, names) for a in linked] for i, linked in links.items()}
        tx.link_all({i: ([a.id for a in links[i]], {n for _, n, _ in found if n},
                         {s for _, _, s in found if s}) for i, found in scopes.items()}, now)
        for incident in grown.values():
            result.jobs.append(tx.enqueue(incident.id, now))
            if incident.ref not in result.opened:
                result.grown.append(incident.ref)
    return result


class _Candidates:
    """The open incidents, each with only the alerts one rule can match on. `match` over
    these views, rule by rule, decides as `match` over every alert of every open incident
    would: rule 1 only looks at alerts with the same fingerprint; rule 2 runs only when no
    open incident holds the fingerprint, so only alerts with the same group key matter; rule 3
    only when neither matched, over the alerts seen within the window, one per incident and
    scope (`shares_scope` reads nothing else). The fingerprints of the whole batch are read at
    once; alerts linked earlier in the batch are added in memory (`link`)."""

    def __init__(self, tx: Linking, window: timedelta, now: datetime,
                 names: dict[str, list[str]], alerts: Sequence[LinkedAlert]) -> None:
        self.tx, self.window, self.now, self.names = tx, window, now, names
        self.refs = tx.open_refs()
        self.linked: list[LinkedAlert] = []
        self.by_fingerprint: dict[str, list[LinkedAlert]] = {}
        for held in tx.representatives(fingerprints={a.fingerprint for a in alerts}):
            self.by_fingerprint.setdefault(held.fingerprint, []).append(held)

    def _view(self, alerts: Iterable[LinkedAlert]) -> list[OpenIncident]:
        by_id: dict[int, list[LinkedAlert]] = {}
        for alert in alerts:
            if alert.incident_id in self.refs:
                by_id.setdefault(alert.incident_id, []).append(alert)
        return [OpenIncident(i, self.refs[i], by_id[i]) for i in sorted(by_id)]

    def link(self, alert: LinkedAlert, incident_id: int) -> None:
        """Count `alert` as held by the incident for the rest of the batch."""
        held = replace(alert, incident_id=incident_id)
        self.linked.append(held)
        self.by_fingerprint.setdefault(alert.fingerprint, []).append(held)

    def holding(self, alert: LinkedAlert) -> list[OpenIncident]:
        """The open incidents holding the alert's fingerprint (rule 1, and `holder`)."""
        return self._view(self.by_fingerprint.get(alert.fingerprint, []))

    def match(self, alert: LinkedAlert, holding: list[OpenIncident]) -> OpenIncident | None:
        """`match` under rules 1-3, reading each rule's alerts only when the one before
        found nothing."""
        found = match(alert, holding, self.window, self.now, self.names)
        if found is None and alert.group_key is not None:
            same_group = [*self.tx.representatives(group_key=alert.group_key),
                          *(a for a in self.linked if a.group_key == alert.group_key)]
            found = match(alert, self._view(same_group), self.window, self.now, self.names)
        if found is None:
            labels = sorted({name for role in self.names.values() for name in role})
            seen = self.tx.representatives(seen_since=self.now - self.window, labels=labels)
            found = match(alert, self._view([*seen, *self.linked]), self.window, self.now,
                          self.names)
        return found


def ingest_unlinked(
    store: Store, settings: CorrelationSettings, now: datetime, after_id: int = 0
) -> IngestResult:
    """`ingest` the alerts (above `after_id`) received within the window that no incident
    holds yet: stored by a webhook that leaves correlation to the worker, or whose
    correlation failed after the commit. `result.last_id` is the highest id looked at."""
    with linking(store) as tx:
        ids = tx.unlinked(now - settings.correlation_window, after_id)
    if not ids:
        return IngestResult(last_id=after_id)
    result = IngestResult()
    # A transaction per few alerts, not one for all: the webhook's writes wait for this
    # write lock, and a storm's backlog in one transaction held it for hundreds of ms.
    for start in range(0, len(ids), INGEST_CHUNK):
        if start:
            time.sleep(0.002)  # let a webhook waiting for the write lock take it in between
        result.add(ingest(store, ids[start:start + INGEST_CHUNK], settings, now))
    result.last_id = max(ids)
    return result


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
    def quiet(incident: OpenIncident) -> bool:
        since = quiet_since(incident.alerts)
        return since is not None and since <= now - settings.mitigate_after

    # Every open incident's alerts are read outside the write lock (a storm's incidents hold
    # thousands: half a second in which no webhook could store); the few quiet ones are
    # checked again under it, since an alert may have joined them in between.
    with reading(store) as tx:
        candidates = [incident.id for incident in tx.open_incidents() if quiet(incident)]
    mitigated: list[str] = []
    if candidates:
        with linking(store) as tx:
            for incident in tx.open_incidents(only=candidates):
                if quiet(incident) and tx.mitigate(incident.ref, now):
                    mitigated.append(incident.ref)
    return mitigated


def occurrences(alerts: Sequence[LinkedAlert]) -> dict[str, int]:
    """Deliveries per fingerprint: how an alert storm is counted after deduplication."""
    counts: dict[str, int] = {}
    for alert in alerts:
        counts[alert.fingerprint] = counts.get(alert.fingerprint, 0) + 1
    return counts
