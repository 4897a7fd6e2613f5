"""Changes in the window: deploys, syncs, commits, rollouts, scaling; ranked against the onset.

A change is suspicious when it happened shortly before the onset and touches an affected
entity (same workload, or same namespace). Only a dated change can be "before the onset":
`kubectl rollout history` has no times, so a revision counts only when another input dates it
(its pod-template-hash or image in a dated ReplicaSet rollout or sync), and only the latest
revision of a resource can be dated that way. Undated revisions are context: one grouped entry
per resource, never a suspect.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

from opslens.analysis.evidence import EvidenceBook
from opslens.analysis.findings import ChangeFinding
from opslens.event_attrs import change_attrs, k8s_attrs
from opslens.events import Event

#: Kubernetes event reasons that record a change made to the cluster (not a symptom).
CHANGE_EVENT_REASONS = frozenset({"ScalingReplicaSet", "SuccessfulRescale", "UpdatedLoadBalancer"})
#: How far back before the onset a change is still a candidate cause.
LOOKBACK_SECONDS = 6 * 3600
#: Scaling events of one Deployment closer than this belong to the same rollout.
ROLLOUT_GAP_SECONDS = 15 * 60
REVISION_KIND = "rollout-revision"
HISTORY_KIND = "rollout-history"
#: `Scaled up replica set web-5b6c7d8f9 to 3` (also `from 0`): the ReplicaSet a rollout creates.
_SCALED_UP = re.compile(r"Scaled up replica set (\S+?)-([a-z0-9]{5,10}) to \d+")


def collect_changes(changes: list[Event], k8s_events: list[Event]) -> list[ChangeFinding]:
    """Every dated change record, plus change-like Kubernetes events, in time order, then one
    undated context entry per resource with rollout history that nothing dates.

    The ReplicaSet scale-ups and scale-downs of one rollout become a single change, quoted by
    its first event (the new ReplicaSet's first scale-up).
    """
    revisions = [e for e in changes if change_attrs(e).get("change_kind") == REVISION_KIND]
    found = [_from_change(e) for e in changes if change_attrs(e).get("change_kind") != REVISION_KIND]
    k8s = sorted((e for e in k8s_events if k8s_attrs(e).get("reason") in CHANGE_EVENT_REASONS), key=lambda e: e.time or 0.0)
    last_seen: dict[tuple[str, object], tuple[float, ChangeFinding]] = {}
    for e in k8s:
        key = (str(k8s_attrs(e).get("reason")), e.entity)
        prev = last_seen.get(key)
        if prev is not None and e.time is not None and e.time - prev[0] <= ROLLOUT_GAP_SECONDS:
            last_seen[key] = (e.time, prev[1])
            continue
        change = _from_k8s(e)
        found.append(change)
        if e.time is not None:
            last_seen[key] = (e.time, change)
    found += _revisions(revisions, found, k8s_events)
    found.sort(key=lambda c: (c.time is None, c.time or 0.0))
    return found


def _revisions(revisions: list[Event], dated: list[ChangeFinding], k8s_events: list[Event]) -> list[ChangeFinding]:
    """The latest revision of each resource, dated when another input dates it; the rest of the
    history as one undated context entry per resource."""
    by_resource: dict[str, list[Event]] = defaultdict(list)
    for e in revisions:
        by_resource[str(change_attrs(e).get("resource") or e.entity)].append(e)
    created = _replicaset_creation(k8s_events)
    out: list[ChangeFinding] = []
    for resource, events in by_resource.items():
        events.sort(key=lambda e: int(str(change_attrs(e).get("revision") or 0)))
        latest = events[-1]
        # A revision read from its ReplicaSet carries its own time; history text does not.
        when = latest.time if latest.time is not None else _date_revision(latest, created, dated)
        if when is not None:
            _add_dated(latest, when, dated, out)
            events = events[:-1]
        if events:
            out.append(_history(resource, events))
    return out


def _add_dated(revision: Event, when: float, dated: list[ChangeFinding], out: list[ChangeFinding]) -> None:
    """The dated latest revision: merged into the rollout that dates it, else a change of its own."""
    change = _from_change(revision)
    change.time = when
    name = revision.entity.name if revision.entity is not None else None
    for rollout in dated:
        if (rollout.kind == "k8s-ScalingReplicaSet" and rollout.time is not None and rollout.entity is not None
                and rollout.entity.name == name and abs(rollout.time - when) <= ROLLOUT_GAP_SECONDS):
            rollout.revision = rollout.revision or change.revision
            rollout.images = rollout.images or change.images
            cause = change_attrs(revision).get("change_cause")
            if cause:
                rollout.summary += f" (revision {change.revision}: {cause})"
            return
    out.append(change)


def _replicaset_creation(k8s_events: list[Event]) -> dict[tuple[str, str], float]:
    """(workload name, pod-template-hash) -> when its ReplicaSet was first scaled up."""
    created: dict[tuple[str, str], float] = {}
    for e in k8s_events:
        if e.time is None or k8s_attrs(e).get("reason") != "ScalingReplicaSet":
            continue
        if m := _SCALED_UP.search(e.message):
            key = (m.group(1), m.group(2))
            created[key] = min(created.get(key, e.time), e.time)
    return created


def _date_revision(revision: Event, created: dict[tuple[str, str], float], dated: list[ChangeFinding]) -> float | None:
    """When the revision was rolled out, if another input says so: its ReplicaSet's first
    scale-up (pod-template-hash), or a dated change that rolled out the same image."""
    attrs = change_attrs(revision)
    name = revision.entity.name if revision.entity is not None else None
    template_hash = attrs.get("pod_template_hash")
    if name and template_hash and (name, template_hash) in created:
        return created[(name, template_hash)]
    images = set(attrs.get("images") or [])
    if images:
        times = [c.time for c in dated if c.time is not None and images & set(c.images)]
        if times:
            return max(times)
    return None


def _history(resource: str, events: list[Event]) -> ChangeFinding:
    """Undated revisions of one resource, shown once: context, never a suspect."""
    numbers = [str(change_attrs(e).get("revision")) for e in events]
    latest = events[-1]
    cause = change_attrs(latest).get("change_cause")
    span = numbers[0] if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"
    # Revisions read from ReplicaSets have times; those of `rollout history` text do not.
    which = "earlier history" if any(e.time is not None for e in events) else "undated history"
    summary = f"{resource}: revision{'s' if len(numbers) > 1 else ''} {span} ({which})"
    if cause:
        summary += f"; revision {numbers[-1]}: {cause}"
    return ChangeFinding(
        time=None,
        kind=HISTORY_KIND,
        summary=summary,
        source=str(latest.origin),
        revision=None,
        entity=latest.entity,
        images=list(change_attrs(latest).get("images") or []),
        event=latest,
    )


def _from_change(event: Event) -> ChangeFinding:
    attrs = change_attrs(event)
    return ChangeFinding(
        time=event.time,
        kind=str(attrs.get("change_kind") or "change"),
        summary=event.message,
        source=str(event.origin),
        revision=attrs.get("revision"),
        entity=event.entity,
        images=list(attrs.get("images") or []),
        files=list(attrs.get("files") or []) + list(attrs.get("resources") or []),
        event=event,
    )


def _from_k8s(event: Event) -> ChangeFinding:
    attrs = k8s_attrs(event)
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
        # Undated changes (history nothing dates) are context: never "before the onset".
        proximity = 0.0 if change.time is None else 0.3
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
            subject = change_attrs(change.event).get("subject")
            change.evidence = book.cite(change.event, detail=change.summary, weight=change.score, needle=subject)
