"""The `status:` of a Kubernetes object (`kubectl get -o yaml|json`, or a `status:` fragment)
as the `Described` model the describe reader builds, so both become the same events.

What the status says, and where: container states and last states (`reason`, `exitCode`,
`signal`, `message`, `startedAt`, `finishedAt`) with the container's restarts, image, and the
limits and requests of its spec; conditions (pod, node, claim, workload, custom resources) with
their reason, message and transition time; a pod's phase, reason and message (Evicted), a
claim's phase and capacity. Every fact keeps the line its key is on (a `Locator`), and the
blocks quote only the lines that decide (the reason, the exit code, the limit), verbatim.

Times are absolute RFC 3339 in the API; they are written into the model as RFC 1123 dates,
which is what describe prints and what the shared emitter parses.

Nothing here raises on a value of an unexpected type: a field that is not what the API
writes is left out.
"""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime
from typing import Any

from opslens.sources.readers._describe_model import (
    Condition,
    Container,
    Described,
    Field,
    StateBlock,
)
from opslens.sources.readers._documents import as_dict, to_epoch
from opslens.sources.readers._object_lines import Locator

#: Pod conditions whose story the container states tell better (describe does not emit them).
_POD_SAID_BETTER = frozenset({"Ready", "ContainersReady", "Initialized", "PodReadyToStartContainers"})
_WORKLOAD_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"}
)
_CONTAINER_LISTS = (
    ("initContainerStatuses", "initContainers", True),
    ("containerStatuses", "containers", False),
)
_STATES = (("lastState", "Last State"), ("state", "State"))
_STATUSES = (("terminated", "Terminated"), ("waiting", "Waiting"), ("running", "Running"))
#: State keys and the labels describe prints them with (the keys the emitter reads).
_STATE_FIELDS = (
    ("reason", "Reason"), ("exitCode", "Exit Code"), ("signal", "Signal"), ("message", "Message"),
    ("startedAt", "Started"), ("finishedAt", "Finished"),
)  # fmt: skip
_TIME_KEYS = frozenset({"startedAt", "finishedAt"})
_CONDITION_QUOTED = ("type", "status", "reason", "message", "lastTransitionTime")
_LAST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z: datetime's last second
_MAX_INT = 10**18  # larger "numbers" are not counts or codes (and `str` refuses huge ints)


def status_of(obj: Any) -> dict[str, Any] | None:
    """The object's `status` when it has content to read, else None."""
    status = obj.get("status") if isinstance(obj, dict) else None
    return status if isinstance(status, dict) and status else None


def described(obj: Any, loc: Locator, kind: str | None = None) -> Described | None:
    """The status of `obj` (a loaded object; `loc` finds its lines) as a `Described`, or None
    when it has no status. `kind` overrides the object's `kind` (or the one inferred)."""
    status = status_of(obj)
    if status is None:
        return None
    meta, spec = as_dict(obj.get("metadata")), as_dict(obj.get("spec"))
    kind = kind or _text(obj.get("kind")) or infer_kind(status)
    out = Described(
        line=loc.start,
        kind_hint=kind,
        name_hint=_text(meta.get("name")),
        namespace_hint=_text(meta.get("namespace")),
    )
    if kind == "Pod":
        _pod_fields(out, status, spec, loc)
        out.containers = _containers(status, spec, loc)
    elif kind == "PersistentVolumeClaim":
        _claim_fields(out, status, spec, loc)
    out.conditions = _conditions(status, kind, loc)
    return out


def infer_kind(status: dict[str, Any]) -> str | None:
    """The kind a bare `status:` is of, from the keys only that kind's status has."""
    keys = set(status)
    conditions = status.get("conditions")
    items = conditions if isinstance(conditions, list) else []
    types = {c["type"] for c in items if isinstance(c, dict) and isinstance(c.get("type"), str)}
    phase = status.get("phase")
    if keys & {"containerStatuses", "initContainerStatuses", "qosClass", "podIP", "podIPs", "hostIP"}:
        return "Pod"
    if keys & {"nodeInfo", "daemonEndpoints", "allocatable"} or types & {"MemoryPressure", "DiskPressure", "PIDPressure"}:
        return "Node"
    if keys & {"desiredNumberScheduled", "numberReady", "numberMisscheduled"}:
        return "DaemonSet"
    if keys & {"currentRevision", "updateRevision"}:
        return "StatefulSet"
    if "fullyLabeledReplicas" in keys:
        return "ReplicaSet"
    if keys & {"updatedReplicas", "unavailableReplicas"} or types & {"Available", "Progressing", "ReplicaFailure"}:
        return "Deployment"
    if keys & {"succeeded", "failed", "active", "completionTime"} or types & {"Complete", "Failed", "SuccessCriteriaMet"}:
        return "Job"
    if phase in ("Bound", "Lost") or "accessModes" in keys or (phase == "Pending" and "capacity" in keys):
        return "PersistentVolumeClaim"
    if phase in ("Pending", "Running", "Succeeded", "Failed") or types & {"PodScheduled", "ContainersReady"}:
        return "Pod"
    return None


def status_facts(kind: str | None, obj: Any) -> list[str]:
    """Plain-words facts of the status for the object's configuration record: phase and
    reason, replica counts, a job's pod counts, a claim's capacity."""
    status = status_of(obj)
    if status is None:
        return []
    facts = []
    phase, reason = _text(status.get("phase")), _text(status.get("reason"))
    if phase:
        facts.append(f"status {phase}" + (f" ({reason})" if reason else ""))
    desired = _count(as_dict(obj.get("spec")).get("replicas"))
    counts = [f"{desired} desired"] if desired is not None else []
    for key, word in (
        ("updatedReplicas", "updated"), ("readyReplicas", "ready"), ("availableReplicas", "available"),
        ("unavailableReplicas", "unavailable"), ("desiredNumberScheduled", "scheduled"),
        ("numberReady", "ready"), ("numberUnavailable", "unavailable"),
        ("active", "active"), ("succeeded", "succeeded"), ("failed", "failed"),
    ):  # fmt: skip
        if (n := _count(status.get(key))) is not None:
            counts.append(f"{n} {word}")
    if counts and kind != "Pod":
        noun = "pods" if kind == "Job" else "replicas"  # a job's counts are of its pods
        facts.append(f"{noun} {', '.join(counts)}")
    capacity = _text(as_dict(status.get("capacity")).get("storage"))
    if capacity and kind == "PersistentVolumeClaim":
        facts.append(f"capacity {capacity}")
    return facts


def _pod_fields(out: Described, status: dict[str, Any], spec: dict[str, Any], loc: Locator) -> None:
    for key, label in (("phase", "Status"), ("reason", "Reason"), ("message", "Message")):
        _put(out, label, _text(status.get(key)), ("status", key), loc)
    _put(out, "Node", _text(spec.get("nodeName")), ("spec", "nodeName"), loc)
    _put(out, "Start Time", _date(status.get("startTime")), ("status", "startTime"), loc)


def _claim_fields(out: Described, status: dict[str, Any], spec: dict[str, Any], loc: Locator) -> None:
    _put(out, "Status", _text(status.get("phase")), ("status", "phase"), loc)
    _put(out, "StorageClass", _text(spec.get("storageClassName")), ("spec", "storageClassName"), loc)
    _put(out, "Volume", _text(spec.get("volumeName")), ("spec", "volumeName"), loc)
    capacity = _text(as_dict(status.get("capacity")).get("storage"))
    if capacity:
        line, raw = loc.quote([loc.line("status", "capacity"), *loc.span("status", "capacity", "storage")])
        out.fields["Capacity"] = Field(capacity, line, raw)


def _put(out: Described, label: str, value: str | None, path: tuple[str, ...], loc: Locator) -> None:
    if value:
        line, raw = loc.quote(loc.span(*path))
        out.fields[label] = Field(value, line, raw)


def _containers(status: dict[str, Any], spec: dict[str, Any], loc: Locator) -> list[Container]:
    containers = []
    for status_key, spec_key, init in _CONTAINER_LISTS:
        items = status.get(status_key)
        if not isinstance(items, list):
            continue
        specs = _by_name(spec.get(spec_key))
        for index, item in enumerate(items):
            if isinstance(item, dict):
                path = ("status", status_key, index)
                containers.append(_container(item, path, specs, ("spec", spec_key), init, loc))
    return containers


def _by_name(items: Any) -> dict[str, tuple[int, dict[str, Any]]]:
    """The spec's containers by name, with their index in the list."""
    if not isinstance(items, list):
        return {}
    return {name: (i, c) for i, c in enumerate(items) if isinstance(c, dict) and (name := _text(c.get("name")))}


def _container(
    item: dict[str, Any],
    path: tuple[str | int, ...],
    specs: dict[str, tuple[int, dict[str, Any]]],
    spec_path: tuple[str, ...],
    init: bool,
    loc: Locator,
) -> Container:
    name = _text(item.get("name"))
    index, spec = specs.get(name or "", (None, {}))
    resources = as_dict(spec.get("resources"))
    container = Container(
        name=name,
        init=init,
        image=_text(item.get("image")) or _text(spec.get("image")),
        ready=_scalar(item.get("ready")),
        restarts=_count(item.get("restartCount")),
        limits=_quantities(resources.get("limits")),
        requests=_quantities(resources.get("requests")),
    )
    for key, label in _STATES:
        block = _state(item.get(key), (*path, key), label, loc)
        if block is not None:
            container.states.append(block)
    if container.limits and index is not None:
        limits_path = (*spec_path, index, "resources", "limits")
        lines = [loc.line(*limits_path)]
        for resource in container.limits:
            lines += loc.span(*limits_path, resource)
        line, raw = loc.quote(lines)
        container.limits_block = (line, raw.split("\n"))
    return container


def _state(value: Any, path: tuple[str | int, ...], label: str, loc: Locator) -> StateBlock | None:
    """A `state`/`lastState` (`{terminated: {...}}`) as the block describe prints."""
    if not isinstance(value, dict):
        return None
    found = next(((k, s) for k, s in _STATUSES if isinstance(value.get(k), dict)), None)
    if found is None:
        return None
    key, status = found
    detail = value[key]
    fields: dict[str, str] = {}
    lines = [loc.line(*path), loc.line(*path, key)]
    for api_key, described_key in _STATE_FIELDS:
        raw_value = detail.get(api_key)
        text = _date(raw_value) if api_key in _TIME_KEYS else _scalar(raw_value)
        if text:
            fields[described_key] = text
            lines += loc.span(*path, key, api_key)
    line, raw = loc.quote(lines)
    return StateBlock(label, status, line, raw.split("\n"), fields)


def _conditions(status: dict[str, Any], kind: str | None, loc: Locator) -> list[Condition]:
    items = status.get("conditions")
    if not isinstance(items, list):
        return []
    conditions = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        kind_of, state = _scalar(item.get("type")), _scalar(item.get("status"))
        if not kind_of or state is None:
            continue
        path = ("status", "conditions", index)
        lines = [n for key in _CONDITION_QUOTED if key in item for n in loc.span(*path, key)]
        line, raw = loc.quote(lines or [loc.line(*path)])
        conditions.append(
            Condition(
                kind_of, state, line, raw,
                reason=_text(item.get("reason")),
                message=_text(item.get("message")),
                heartbeat=_date(item.get("lastHeartbeatTime")),
                transition=_date(item.get("lastTransitionTime")),
                table=_table(kind, kind_of),
            )  # fmt: skip
        )
    return conditions


def _table(kind: str | None, condition: str) -> str:
    """Which describe table the condition would be in (it decides which are abnormal)."""
    if kind == "Node":
        return "node"
    if kind == "PersistentVolumeClaim":
        return "pvc"
    if kind == "Pod":
        # PodScheduled False (Unschedulable) has no container state to tell it: it is emitted
        return "pod" if condition in _POD_SAID_BETTER else "workload"
    return "workload" if kind in _WORKLOAD_KINDS else "generic"


def _text(value: Any) -> str | None:
    """A non-empty string field (stripped), else None."""
    return value.strip() or None if isinstance(value, str) else None


def _scalar(value: Any) -> str | None:
    """A string, number or boolean as text; None for anything else."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value) if -_MAX_INT < value < _MAX_INT else None
    if isinstance(value, float):
        return str(value)
    return _text(value)


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < _MAX_INT:
        return None
    return value


def _quantities(value: Any) -> dict[str, str]:
    """`limits`/`requests` as describe prints them (`memory: 256Mi`)."""
    if not isinstance(value, dict):
        return {}
    return {str(k): text for k, v in value.items() if isinstance(k, str) and (text := _scalar(v))}


def _date(value: Any) -> str | None:
    """An API timestamp as an RFC 1123 date in UTC (`Mon, 30 Nov 2026 09:12:43 +0000`)."""
    epoch = to_epoch(value)
    if epoch is None or not 0 < epoch <= _LAST_EPOCH:
        return None
    return email.utils.format_datetime(datetime.fromtimestamp(int(epoch), UTC))
