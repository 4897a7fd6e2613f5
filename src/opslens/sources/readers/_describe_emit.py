"""`Described` objects to EVENT records, with the attrs the analysis reads from Kubernetes
Events (`reason`, `type`, `count`, `first_time`, `last_time`, `component`, `involved`) plus
what describe adds (`container`, `exit_code`, `restarts`, `image`, `limits`, `requests`,
`status`, `node`).

Relative ages count back from one anchor per input (`ReadContext.anchor`), given the newest
absolute time of the paste; events dated from a guessed anchor are marked `time_inferred`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from opslens.events import Entity, Event, EventKind, Severity
from opslens.sources.base import ReadContext
from opslens.sources.readers._describe_conditions import abnormal
from opslens.sources.readers._describe_events import EventRow
from opslens.sources.readers._describe_model import Condition, Container, Described, StateBlock
from opslens.sources.readers._kubectl_text import CLUSTER_SCOPED, TYPE_SEVERITY, ascii_int, entity
from opslens.timeparse import parse_rfc2822

_ASSIGNED = re.compile(
    r"Successfully assigned (?:(?P<ns>[a-z0-9][-a-z0-9]*)/)?(?P<pod>[a-z0-9][-a-z0-9.]*) to (?P<node>\S+)"
)
_OLD_WARNING = re.compile(r"fail|backoff|back-off|error|kill|unhealthy|oom|evict", re.I)
_BENIGN_WAITING = frozenset({"ContainerCreating", "PodInitializing"})
_SUBOBJECT_CONTAINER = re.compile(
    r"spec\.(?:initContainers|containers|ephemeralContainers)\{([^}]+)\}"
)


@dataclass
class Anchor:
    """The time relative ages count back from, and whether it is a guess."""

    time: float
    inferred: bool

    def back(self, age: float) -> float:
        return self.time - age


def latest_time(objects: list[Described], ctx: ReadContext) -> float | None:
    """The newest absolute time printed anywhere in the paste (the best guess of its `now`).

    A creation or start time is only a lower bound: the object's events came after it, so
    `now` is at least that time plus the age of its oldest event (a pod is scheduled when it
    starts). Without that floor an old object's events would date from before it existed.
    """
    texts: list[str] = []
    floors: list[float] = []
    for obj in objects:
        born = [t for k, f in obj.fields.items() if k in ("Start Time", "CreationTimestamp")
                if (t := _date(f.value, ctx)) is not None]
        oldest = max((row.age[1] for row in obj.events if row.age is not None), default=0.0)
        floors += [t + oldest for t in born]
        texts += [
            v
            for c in obj.containers
            for s in c.states
            for k, v in s.fields.items()
            if k in ("Started", "Finished")
        ]
        texts += [t for c in obj.conditions for t in (c.heartbeat, c.transition) if t]
        texts += [t for r in obj.events for t in (r.first_abs, r.last_abs) if t]
    times = [t for text in texts if (t := _date(text, ctx)) is not None]
    return max(times + floors, default=None)


def object_events(obj: Described, anchor: Anchor, ctx: ReadContext, source: str) -> Iterator[Event]:
    """Every event one described object yields: Events rows, container states, conditions,
    and the object's own status (pvc Pending/Lost, a Failed or evicted pod)."""
    kind = obj.kind
    namespace = None if kind in CLUSTER_SCOPED else obj.namespace
    subject = entity(kind, obj.name, namespace)
    base = _Base(source, ctx, anchor, subject, namespace, obj.node)
    table_subject = subject or _assigned_pod(obj.events)
    for row in obj.events:
        yield base.row_event(row, table_subject)
    for container in obj.containers:
        for block in container.states:
            if block.status != "Running":
                yield base.state_event(container, block)
    for cond in obj.conditions:
        if abnormal(cond):
            yield base.condition_event(cond, kind, obj.name)
    status = obj.value("Status")
    if status is not None:
        if kind == "PersistentVolumeClaim" and status.split()[0] in ("Pending", "Lost"):
            yield base.pvc_event(obj, status)
        elif kind == "PersistentVolumeClaim" and "Capacity" in obj.fields and obj.value("Capacity"):
            yield base.capacity_event(obj)
        if kind == "Pod" and (status.split()[0] in ("Failed", "Unknown") or obj.value("Reason")):
            yield base.pod_status_event(obj, status)
    for container in obj.containers:  # configuration context, last
        if container.limits_block is not None:
            yield base.limits_event(container, container.limits_block)


def _assigned_pod(rows: list[EventRow]) -> Entity | None:
    """The pod a headerless Events table is about, from its `Successfully assigned` row."""
    for row in rows:
        if m := _ASSIGNED.search(row.message):
            return Entity("Pod", m.group("pod"), m.group("ns"))
    return None


def _involved(subject: Entity | None) -> dict[str, Any] | None:
    if subject is None:
        return None
    return {"kind": subject.kind, "name": subject.name, "namespace": subject.namespace}


@dataclass
class _Base:
    source: str
    ctx: ReadContext
    anchor: Anchor
    subject: Entity | None
    namespace: str | None
    node: str | None

    def _event(self, line: int, message: str, raw: str, severity: Severity, time: float | None,
               inferred: bool, attrs: dict[str, Any], subject: Entity | None = None,
               host: str | None = None) -> Event:  # fmt: skip
        subject = subject or self.subject
        attrs.setdefault("involved", _involved(subject))
        if self.node:
            attrs.setdefault("node", self.node)
        return Event(
            time=time,
            kind=EventKind.EVENT,
            source=self.source,
            origin=self.ctx.source.origin(line),
            message=message,
            raw=raw,
            severity=severity,
            host=host or self.node,
            namespace=subject.namespace if subject else self.namespace,
            entity=subject,
            attrs=attrs,
            time_inferred=inferred and time is not None,
        )

    def row_event(self, row: EventRow, subject: Entity | None) -> Event:
        first = last = None
        inferred = False
        count = 1
        if row.age is not None:
            last, first, count = (
                self.anchor.back(row.age[0]),
                self.anchor.back(row.age[1]),
                row.age[2],
            )
            inferred = self.anchor.inferred
        elif row.first_abs:
            first, last = (
                _date(row.first_abs, self.ctx),
                _date(row.last_abs or "", self.ctx),
            )
            first = first or last
            last = last or first
        message = " ".join([row.message, *row.continuation]).strip()
        severity = TYPE_SEVERITY.get(row.type or "") or (
            Severity.WARNING if _OLD_WARNING.search(row.reason) else Severity.INFO
        )
        attrs: dict[str, Any] = {
            "reason": row.reason, "type": row.type, "count": count, "first_time": first,
            "last_time": last, "component": row.component,
        }  # fmt: skip
        if row.subobject:
            attrs["subobject"] = row.subobject
            if m := _SUBOBJECT_CONTAINER.search(row.subobject):
                attrs["container"] = m.group(1)
        raw = "\n".join(row.raw)
        return self._event(
            row.line, message, raw, severity, first, inferred, attrs, subject, row.host
        )

    def state_event(self, container: Container, block: StateBlock) -> Event:
        f = block.fields
        exit_code = ascii_int(f.get("Exit Code", ""))
        facts = [
            f"{k}: {_one_line(f[k])}"
            for k in ("Reason", "Message", "Exit Code", "Signal")
            if f.get(k, "").strip()
        ]
        who = "init container" if container.init else "container"
        name = f" {container.name}" if container.name else ""
        message = f"{who}{name} {block.label.lower()} {block.status}" + (
            f": {', '.join(facts)}" if facts else ""
        )
        finished = _date(f.get("Finished", ""), self.ctx)
        started = _date(f.get("Started", ""), self.ctx)
        time, inferred = (
            (finished or started, False) if block.status == "Terminated" else (None, False)
        )
        if time is None:
            time, inferred = self.anchor.time, self.anchor.inferred
        reason = f.get("Reason", "").strip() or block.status
        severity = Severity.ERROR if exit_code not in (None, 0) else Severity.WARNING
        if _benign(container, block, reason, exit_code):
            severity = Severity.INFO
        attrs: dict[str, Any] = {
            "reason": reason, "type": "Normal" if severity is Severity.INFO else "Warning", "count": 1,
            "first_time": time, "last_time": time, "component": "kubelet", "status": block.status,
            "state": block.label, "container": container.name, "exit_code": exit_code,
            "restarts": container.restarts, "image": container.image,
            "limits": dict(container.limits), "requests": dict(container.requests),
        }  # fmt: skip
        if started is not None:
            attrs["started"] = started
        if finished is not None:
            attrs["finished"] = finished
        if (signal := ascii_int(f.get("Signal", ""))) is not None and signal >= 0:
            attrs["signal"] = signal
        return self._event(
            block.line, message, "\n".join(block.raw), severity, time, inferred, attrs
        )

    def limits_event(self, container: Container, block: tuple[int, list[str]]) -> Event:
        """The container's limits, as configuration context (what an OOM kill ran into)."""
        line, raw = block
        spec = ", ".join(f"{k} {v}" for k, v in container.limits.items())
        attrs: dict[str, Any] = {"reason": None, "type": None, "container": container.name, "limits": dict(container.limits)}
        return self._event(line, f"container {container.name or '?'} limits {spec}", "\n".join(raw), Severity.INFO,
                           None, False, attrs)

    def condition_event(self, cond: Condition, kind: str | None, name: str | None) -> Event:
        what = (kind or "object").lower() if kind != "PersistentVolumeClaim" else "pvc"
        if kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Node", "Pod"):
            what = kind.lower()
        label = f"{what} {name}" if name else what
        message = f"{label} condition {cond.type} is {cond.status}"
        if cond.reason:
            message += f" ({cond.reason})"
        if cond.message:
            message += f": {cond.message}"
        time = _date(cond.transition or "", self.ctx)
        inferred = False
        if time is None:
            time, inferred = self.anchor.time, self.anchor.inferred
        attrs: dict[str, Any] = {
            "reason": cond.reason or cond.type, "type": "Warning", "count": 1, "first_time": time,
            "last_time": time, "component": None, "status": cond.status, "condition": cond.type,
        }  # fmt: skip
        heartbeat = _date(cond.heartbeat or "", self.ctx)
        if heartbeat is not None:
            attrs["heartbeat_time"] = heartbeat
        return self._event(cond.line, message, cond.raw, Severity.WARNING, time, inferred, attrs)

    def pvc_event(self, obj: Described, status: str) -> Event:
        phase = status.split()[0]
        storageclass, volume, capacity = (
            obj.value("StorageClass"),
            obj.value("Volume"),
            obj.value("Capacity"),
        )
        message = f"pvc {obj.name or ''} status {phase}".replace("  ", " ")
        if storageclass:
            message += f", storageclass {storageclass}"
        field = obj.fields["Status"]
        attrs: dict[str, Any] = {
            "reason": phase, "type": "Warning", "count": 1, "first_time": self.anchor.time,
            "last_time": self.anchor.time, "component": None, "status": phase,
            "storageclass": storageclass, "volume": volume, "capacity": capacity,
        }  # fmt: skip
        return self._event(field.line, message, field.raw, Severity.WARNING, self.anchor.time,
                           self.anchor.inferred, attrs)  # fmt: skip

    def capacity_event(self, obj: Described) -> Event:
        """A bound claim's size, as configuration context (what a full disk ran into)."""
        field, storageclass = obj.fields["Capacity"], obj.value("StorageClass")
        message = f"pvc {obj.name or '?'} capacity {field.value}" + (f", storageclass {storageclass}" if storageclass else "")
        attrs: dict[str, Any] = {"reason": None, "type": None, "capacity": field.value, "storageclass": storageclass}
        return self._event(field.line, message, field.raw, Severity.INFO, None, False, attrs)

    def pod_status_event(self, obj: Described, status: str) -> Event:
        keys = [k for k in ("Status", "Reason", "Message") if k in obj.fields]
        facts = [f"{k}: {obj.fields[k].value}" for k in keys[1:] if obj.fields[k].value]
        message = f"pod {obj.name or ''} status {status}".replace("  ", " ") + (
            f": {', '.join(facts)}" if facts else ""
        )
        raw = "\n".join(obj.fields[k].raw for k in keys)
        reason = obj.value("Reason") or status.split()[0]
        attrs: dict[str, Any] = {
            "reason": reason, "type": "Warning", "count": 1, "first_time": self.anchor.time,
            "last_time": self.anchor.time, "component": None, "status": status.split()[0],
        }  # fmt: skip
        line = obj.fields["Status"].line
        return self._event(
            line, message, raw, Severity.WARNING, self.anchor.time, self.anchor.inferred, attrs
        )


def _date(text: str, ctx: ReadContext) -> float | None:
    """An RFC 1123 date anywhere in a describe value (naive ones in the input's zone)."""
    return parse_rfc2822(text, ctx.tz, anywhere=True)


def _one_line(value: str) -> str:
    """A multi-line termination message in one line: its first and last lines (a traceback's
    header and its exception, a panic and its signal)."""
    lines = [ln.strip() for ln in value.strip().splitlines() if ln.strip()]
    if len(lines) <= 1:
        return lines[0] if lines else ""
    return f"{lines[0]} … {lines[-1]}"


def _benign(container: Container, block: StateBlock, reason: str, exit_code: int | None) -> bool:
    """Transitions every healthy pod goes through: creating, and init containers that finished."""
    if block.status == "Waiting":
        return reason in _BENIGN_WAITING
    return container.init and block.label == "State" and exit_code == 0 and reason == "Completed"
