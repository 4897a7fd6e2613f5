"""Rows of `kubectl get` tables (pods, pvc, nodes, deployments) read into facts: who, how
healthy, and the message the signal matchers read. Each reader takes the row's cells by
column name and returns None when they do not make a row of that kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from opslens.sources.readers._kubectl_text import ascii_int, kind_of
from opslens.timeparse.relative import parse_age

_READY = re.compile(r"^(\d+)/(\d+)$", re.ASCII)
_RESTARTS = re.compile(r"^(\d+)(?:\s+\((\S+) ago\))?$", re.ASCII)
_NAME = re.compile(r"^(?:(?P<resource>[a-z][\w.-]*)/)?(?P<name>[a-z0-9][-a-z0-9.:]*)$", re.I)
_POD_OK = frozenset({"Running", "Completed", "Succeeded"})


@dataclass
class RowFacts:
    name: str
    kind: str | None  # from a `pod/` prefix; else the table's kind
    namespace: str | None
    reason: str
    unhealthy: bool
    message: str
    ago: float | None = None  # seconds before the paste of the last restart
    attrs: dict[str, Any] = field(default_factory=dict)


def _name(cells: dict[str, str]) -> tuple[str, str | None] | None:
    m = _NAME.match(cells.get("NAME", ""))
    if not m:
        return None
    resource = m.group("resource")
    return m.group("name"), kind_of(resource) if resource else None


def _optional(cells: dict[str, str], *names: str) -> dict[str, str]:
    """Extra columns (`-o wide`) that are present and not `<none>`, by attrs key."""
    out = {}
    for name in names:
        value = cells.get(name, "")
        if value and value not in ("<none>", "<unset>"):
            out[name.lower().replace(" ", "_").replace("-", "_")] = value
    return out


def pod_row(cells: dict[str, str]) -> RowFacts | None:
    named = _name(cells)
    ready = _READY.match(cells.get("READY", ""))
    restarts = _RESTARTS.match(cells.get("RESTARTS", ""))
    status = cells.get("STATUS", "")
    count = ascii_int(restarts.group(1)) if restarts else None
    if named is None or not ready or count is None or not status:
        return None
    all_ready = ready.group(1) == ready.group(2)
    unhealthy = status not in _POD_OK or (status == "Running" and not all_ready) or count > 0
    message = f"pod {named[0]} status {status}, ready {ready.group(0)}, restarts {count}"
    if restarts.group(2):
        message += f" (last {restarts.group(2)} ago)"
    attrs: dict[str, Any] = {
        "restarts": count, "ready": ready.group(0), "age": cells.get("AGE") or None, "status": status,
        **_optional(cells, "IP", "NODE", "NOMINATED NODE", "READINESS GATES"),
    }  # fmt: skip
    ago = parse_age(restarts.group(2)) if restarts.group(2) else None
    return RowFacts(
        named[0], named[1], cells.get("NAMESPACE") or None, status, unhealthy, message, ago, attrs
    )


def pvc_row(cells: dict[str, str]) -> RowFacts | None:
    named = _name(cells)
    status = cells.get("STATUS", "")
    if named is None or status not in ("Bound", "Pending", "Lost", "Terminating"):
        return None
    storageclass = cells.get("STORAGECLASS") or None
    capacity = cells.get("CAPACITY") or None
    message = f"pvc {named[0]} status {status}"
    if storageclass:
        message += f", storageclass {storageclass}"
    if capacity:
        message += f", capacity {capacity}"
    attrs: dict[str, Any] = {
        "status": status, "storageclass": storageclass, "capacity": capacity,
        "volume": cells.get("VOLUME") or None,
        "access_modes": cells.get("ACCESS MODES") or cells.get("ACCESSMODES") or None,
        "age": cells.get("AGE") or None,
    }  # fmt: skip
    unhealthy = status in ("Pending", "Lost")
    return RowFacts(
        named[0], named[1], cells.get("NAMESPACE") or None, status, unhealthy, message, None, attrs
    )


def node_row(cells: dict[str, str]) -> RowFacts | None:
    named = _name(cells)
    status = cells.get("STATUS", "")
    parts = status.split(",")
    if (
        named is None
        or not status
        or " " in status
        or parts[0] not in ("Ready", "NotReady", "Unknown")
    ):
        return None
    version = cells.get("VERSION") or None
    message = f"node {named[0]} status {status}" + (f", version {version}" if version else "")
    attrs: dict[str, Any] = {
        "status": status, "roles": cells.get("ROLES") or None, "version": version,
        "age": cells.get("AGE") or None, "node": named[0],
        **_optional(cells, "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"),
    }  # fmt: skip
    return RowFacts(named[0], named[1], None, status, status != "Ready", message, None, attrs)


def deployment_row(cells: dict[str, str]) -> RowFacts | None:
    named = _name(cells)
    if named is None:
        return None
    ready = _READY.match(cells.get("READY", ""))
    if ready:
        current, desired = _counts(ready.group(1), ready.group(2))
    else:
        desired, current = _counts(cells.get("DESIRED", ""), cells.get("CURRENT", ""))
    available, updated = _counts(cells.get("AVAILABLE", ""), cells.get("UP-TO-DATE", ""))
    if current is None or desired is None or available is None or updated is None:
        return None
    unhealthy = available < desired or current < desired
    reason = "ReplicasUnavailable" if unhealthy else "ReplicasAvailable"
    message = f"deployment {named[0]} ready {current}/{desired}, up-to-date {updated}, available {available}"
    attrs: dict[str, Any] = {
        "ready": f"{current}/{desired}", "desired": desired, "available": available,
        "updated": updated, "age": cells.get("AGE") or None,
        **_optional(cells, "CONTAINERS", "IMAGES", "SELECTOR"),
    }  # fmt: skip
    return RowFacts(
        named[0], named[1], cells.get("NAMESPACE") or None, reason, unhealthy, message, None, attrs
    )


# `198%/70%`, `cpu: 198%/70%` (kubectl 1.27+), `<unknown>/70%`, `250m/500m` (average value)
_HPA_TARGET = re.compile(
    r"(?:(?P<metric>[a-z][\w./-]*):\s*)?(?P<current><unknown>|\d+(?:\.\d+)?)(?P<unit>%|m|[KMGT]i?)?/(?P<target>\d+(?:\.\d+)?)(?P<target_unit>%|m|[KMGT]i?)?",
    re.ASCII,
)


def hpa_row(cells: dict[str, str]) -> RowFacts | None:
    """An autoscaler pinned at its maximum while its metric stays above target cannot add the
    capacity the load needs (its ScalingLimited condition); one that reads `<unknown>` scales
    on nothing."""
    named = _name(cells)
    smallest, largest, replicas = _counts(cells.get("MINPODS", ""), cells.get("MAXPODS", ""), cells.get("REPLICAS", ""))
    targets = list(_HPA_TARGET.finditer(cells.get("TARGETS", "")))
    if named is None or largest is None or replicas is None or not targets:
        return None
    unknown = [m for m in targets if m.group("current") == "<unknown>"]
    over = [m for m in targets if not m.group("current").startswith("<") and float(m.group("current")) > float(m.group("target"))]
    base = f"hpa {named[0]} replicas {replicas} (min {smallest}, max {largest})"
    if unknown:
        reason, unhealthy = "FailedGetResourceMetric", True
        message = f"{base}: cannot read its metrics ({', '.join(m.group(0) for m in unknown)})"
    elif over and replicas >= largest:
        reason, unhealthy = "TooManyReplicas", True
        said = ", ".join(f"{m.group('metric') or 'cpu'} at {m.group('current')}{m.group('unit') or ''} against a target of {m.group('target')}{m.group('unit') or ''}" for m in over)
        message = f"{base}: at its maximum of {largest} replicas with {said}; the desired replica count is more than the maximum replica count"
    else:
        reason, unhealthy, message = "ScalingActive", False, f"{base}, targets {cells.get('TARGETS', '')}"
    attrs: dict[str, Any] = {
        "replicas": replicas, "min_replicas": smallest, "max_replicas": largest,
        "targets": cells.get("TARGETS"), "reference": cells.get("REFERENCE") or None, "age": cells.get("AGE") or None,
    }  # fmt: skip
    return RowFacts(named[0], named[1], cells.get("NAMESPACE") or None, reason, unhealthy, message, None, attrs)


def _counts(*cells: str) -> tuple[int | None, ...]:
    """Replica counts (ASCII digits, not negative) of the cells; None for a cell that is none."""
    return tuple(n if (n := ascii_int(c)) is not None and n >= 0 else None for c in cells)


ROW_READERS: dict[str, Callable[[dict[str, str]], RowFacts | None]] = {
    "Pod": pod_row,
    "PersistentVolumeClaim": pvc_row,
    "Node": node_row,
    "Deployment": deployment_row,
    "HorizontalPodAutoscaler": hpa_row,
    "": lambda cells: None,
}
