"""Changes in the window: deploys, syncs, commits, rollouts, scaling; ranked against the onset.

A change is suspicious when it happened shortly before the onset and touches an affected
entity (same workload, or same namespace). Rollout history has no timestamps, so those rows are
kept untimed and matched to the affected workload by name only.
"""

from __future__ import annotations

import math

from opslens.analysis.evidence import EvidenceBook
from opslens.analysis.findings import ChangeFinding
from opslens.events import Event

#: Kubernetes event reasons that record a change made to the cluster (not a symptom).
CHANGE_EVENT_REASONS = frozenset({"ScalingReplicaSet", "SuccessfulRescale", "UpdatedLoadBalancer"})
#: How far back before the onset a change is still a candidate cause.
LOOKBACK_SECONDS = 6 * 3600


#: Scaling events of one Deployment closer than this belong to the same rollout.
ROLLOUT_GAP_SECONDS = 15 * 60


def collect_changes(changes: list[Event], k8s_events: list[Event]) -> list[ChangeFinding]:
    """Every change record, plus change-like Kubernetes events, in time order (untimed last).

    The ReplicaSet scale-ups and scale-downs of one rollout become a single change, quoted by
    its first event (the new ReplicaSet's first scale-up).
    """
    found = [_from_change(e) for e in changes]
    k8s = sorted((e for e in k8s_events if (e.attrs or {}).get("reason") in CHANGE_EVENT_REASONS), key=lambda e: e.time or 0.0)
    last_seen: dict[tuple[str, object], tuple[float, ChangeFinding]] = {}
    for e in k8s:
        key = (str((e.attrs or {}).get("reason")), e.entity)
        prev = last_seen.get(key)
        if prev is not None and e.time is not None and e.time - prev[0] <= ROLLOUT_GAP_SECONDS:
            last_seen[key] = (e.time, prev[1])
            continue
        change = _from_k8s(e)
        found.append(change)
        if e.time is not None:
            last_seen[key] = (e.time, change)
    found.sort(key=lambda c: (c.time is None, c.time or 0.0))
    return found


def _from_change(event: Event) -> ChangeFinding:
    attrs = event.attrs or {}
    return ChangeFinding(
        time=event.time,
        kind=str(attrs.get("change_kind") or "change"),
        summary=event.message,
        source=str(event.origin),
        revision=attrs.get("revision"),
        entity=event.entity,
        images=list(attrs.get("images") or []),
        files=list(attrs.get("files") or []),
        event=event,
    )


def _from_k8s(event: Event) -> ChangeFinding:
    attrs = event.attrs or {}
    summary = event.message
    if attrs.get("reason") == "ScalingReplicaSet" and event.entity is not None:
        summary = f"Rollout of {event.entity.kind} {event.entity.name}: {event.message}"
    return ChangeFinding(
        time=event.time,
        kind=f"k8s-{attrs.get('reason')}",
        summary=summary,
        source=str(event.origin),
        entity=event.entity,
        event=event,
    )


def rank_changes(
    changes: list[ChangeFinding],
    onset: float | None,
    affected: set[tuple[str | None, str]],
) -> list[ChangeFinding]:
    """Score each change by proximity before the onset and overlap with affected workloads.

    `affected` holds (namespace, workload name) pairs of the entities showing symptoms.
    """
    affected_names = {name for _, name in affected}
    affected_ns = {ns for ns, _ in affected if ns}
    for change in changes:
        touches = _touches(change, affected_names, affected_ns)
        change.touches_affected = touches >= 2
        proximity = 0.3
        if onset is not None and change.time is not None:
            delta = onset - change.time
            change.minutes_before_onset = round(delta / 60.0, 1)
            if delta < -120:  # after the onset: a reaction, not a cause
                proximity = 0.0
            elif delta <= LOOKBACK_SECONDS:
                proximity = math.exp(-max(delta, 0.0) / 1800.0)
            else:
                proximity = 0.02
        change.score = round(proximity * (0.3 + 0.35 * touches), 4)
    return sorted(changes, key=lambda c: -c.score)


def _touches(change: ChangeFinding, names: set[str], namespaces: set[str]) -> int:
    """0: unrelated, 1: same namespace, 2: names an affected workload."""
    text = " ".join([change.summary, *change.images, *change.files]).lower()
    entity = change.entity
    if entity is not None and entity.name in names:
        return 2
    if any(name and _mentions(text, name.lower()) for name in names):
        return 2
    if entity is not None and entity.namespace in namespaces:
        return 1
    return 1 if any(ns and _mentions(text, ns.lower()) for ns in namespaces) else 0


def _mentions(text: str, name: str) -> bool:
    at = text.find(name)
    while at != -1:
        before = text[at - 1] if at > 0 else " "
        after = text[at + len(name)] if at + len(name) < len(text) else " "
        if not (before.isalnum() or before == "-") and not (after.isalnum() or after == "-"):
            return True
        at = text.find(name, at + 1)
    return False


def cite_changes(book: EvidenceBook, changes: list[ChangeFinding]) -> None:
    """Give every change an evidence id (the verbatim revision, subject or line)."""
    for change in changes:
        if change.event is not None:
            # A commit is best quoted by its subject line; other changes by their first line.
            subject = (change.event.attrs or {}).get("subject")
            change.evidence = book.cite(change.event, detail=change.summary, weight=change.score, needle=subject)
