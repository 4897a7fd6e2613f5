"""`kubectl get events [-A] [-o wide]` text tables, for the k8s-events reader.

kubectl prints with a tabwriter, so every cell starts at its header's column; cells are cut
at the header positions (MESSAGE may contain anything, including runs of spaces). LAST SEEN
is relative to when the command ran ("2m", "<unknown>"), so these events are untimed; the
text is kept in `attrs["last_seen"]`. Old kubectl (< 1.16) printed NAME and KIND columns
instead of OBJECT; both layouts are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslens.events import Entity, Event, EventKind, Severity
from opslens.sources.base import ReadContext

HEADER = re.compile(r"(?:NAMESPACE\s+)?(?:LAST SEEN|LASTSEEN)\s+\S.*\bREASON\b.*\bMESSAGE\b")
_CELL = re.compile(r"\S+(?: \S+)*")  # header cells are separated by two spaces or more
_TYPE_SEVERITY = {"Normal": Severity.INFO, "Warning": Severity.WARNING, "Error": Severity.ERROR}
_KINDS = {
    "pod": "Pod", "node": "Node", "deployment": "Deployment", "replicaset": "ReplicaSet",
    "statefulset": "StatefulSet", "daemonset": "DaemonSet", "job": "Job", "cronjob": "CronJob",
    "service": "Service", "endpoints": "Endpoints", "persistentvolumeclaim": "PersistentVolumeClaim",
    "persistentvolume": "PersistentVolume", "horizontalpodautoscaler": "HorizontalPodAutoscaler",
    "ingress": "Ingress", "configmap": "ConfigMap", "secret": "Secret", "namespace": "Namespace",
    "poddisruptionbudget": "PodDisruptionBudget", "certificate": "Certificate",
}  # fmt: skip
_CLUSTER_SCOPED = frozenset({"Node", "PersistentVolume", "Namespace"})


def _columns(header: str) -> list[tuple[str, int]]:
    return [(m.group(0), m.start()) for m in _CELL.finditer(header)]


def _cells(line: str, columns: list[tuple[str, int]]) -> dict[str, str]:
    cells = {}
    for index, (name, start) in enumerate(columns):
        end = columns[index + 1][1] if index + 1 < len(columns) else len(line)
        cells[name] = line[start:end].strip()
    return cells


def _entity(cells: dict[str, str]) -> Entity | None:
    namespace = cells.get("NAMESPACE") or None
    if obj := cells.get("OBJECT"):
        resource, _, name = obj.partition("/")
        kind = _KINDS.get(resource.split(".")[0].lower(), resource.split(".")[0].capitalize())
    else:
        kind, name = cells.get("KIND", ""), cells.get("NAME", "").split(".")[0]
    if not kind or not name:
        return None
    return Entity(kind, name, None if kind in _CLUSTER_SCOPED else namespace)


def read_event_table(text: str, ctx: ReadContext, source: str) -> Iterator[Event]:
    """One untimed EVENT per table row; repeated headers (several tables) are followed."""
    columns: list[tuple[str, int]] = []
    for line_no, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        if HEADER.match(line):
            columns = _columns(line)
            continue
        if not columns or len(line) < columns[-1][1]:
            ctx.skip("not a `kubectl get events` row", line_no)
            continue
        cells = _cells(line, columns)
        message = cells.get("MESSAGE", "")
        entity = _entity(cells)
        count = cells.get("COUNT", "")
        attrs = {
            "reason": cells.get("REASON") or None,
            "type": cells.get("TYPE") or None,
            "count": int(count) if count.isdigit() else 1,
            "last_seen": cells.get("LAST SEEN") or cells.get("LASTSEEN") or None,
            "component": cells.get("SOURCE") or None,
            "involved": {"kind": entity.kind, "name": entity.name, "namespace": entity.namespace}
            if entity
            else None,
        }
        yield Event(
            time=None,
            kind=EventKind.EVENT,
            source=source,
            origin=ctx.source.origin(line_no),
            message=message,
            raw=line,
            severity=_TYPE_SEVERITY.get(cells.get("TYPE", ""), Severity.UNKNOWN),
            namespace=entity.namespace if entity else cells.get("NAMESPACE") or None,
            entity=entity,
            attrs=attrs,
        )
