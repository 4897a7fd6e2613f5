"""What a `kubectl describe` paste says, before it becomes events: one `Described` per object
(or per partial paste), with its header fields, containers, conditions and Events rows.

describe never prints the kind of the object, so `Described.kind` is inferred from the fields
only some kinds have (a node's `Roles:`, a deployment's `StrategyType:`...) or taken from the
command line pasted above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from opslens.sources.readers._describe_events import EventRow


@dataclass
class Field:
    """A `Key:  value` line at the object's top level."""

    value: str
    line: int
    raw: str


@dataclass
class StateBlock:
    """A container's `State:` or `Last State:` and its indented sub-lines."""

    label: str  # "State", "Last State" (or old "Last Termination State")
    status: str  # Waiting, Terminated, Running
    line: int
    raw: list[str]
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Container:
    name: str | None
    init: bool = False
    image: str | None = None
    ready: str | None = None
    restarts: int | None = None
    limits: dict[str, str] = field(default_factory=dict)
    requests: dict[str, str] = field(default_factory=dict)
    states: list[StateBlock] = field(default_factory=list)
    #: (first line number, verbatim lines) of the Limits block: evidence of what a kill hit
    limits_block: tuple[int, list[str]] | None = None


@dataclass
class Condition:
    """A row of a Conditions table (node, pvc, workload) or a CRD's condition item."""

    type: str
    status: str
    line: int
    raw: str
    reason: str | None = None
    message: str | None = None
    heartbeat: str | None = None
    transition: str | None = None
    table: str = "node"  # node, pvc, workload, pod, generic


@dataclass
class Described:
    """One described object, or the parts of one that a partial paste holds."""

    line: int
    kind_hint: str | None = None
    name_hint: str | None = None
    namespace_hint: str | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    containers: list[Container] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)

    def value(self, key: str) -> str | None:
        found = self.fields.get(key)
        return found.value if found is not None and found.value not in ("", "<none>") else None

    @property
    def name(self) -> str | None:
        return self.value("Name") or self.name_hint

    @property
    def namespace(self) -> str | None:
        return self.value("Namespace") or self.namespace_hint

    @property
    def node(self) -> str | None:
        """The pod's node (`Node: worker-2/10.0.0.5`), or the node's own name."""
        if self.kind == "Node":
            return self.name
        node = self.value("Node")
        return node.split("/")[0] or None if node else None

    @property
    def kind(self) -> str | None:
        return self.kind_hint or infer_kind(self)


# `(?<!\d)`: a search tries a run of digits from its first digit only (else quadratic in its length)
_DEPLOYMENT_REPLICAS = re.compile(r"(?<!\d)\d+ desired \| \d+ updated")
_STATEFULSET_REPLICAS = re.compile(r"^\d+ desired \| \d+ total$")
_RS_REPLICAS = re.compile(r"(?<!\d)\d+ current / \d+ desired")
_NODE_KEYS = ("Roles", "Taints", "Unschedulable", "System Info", "Addresses", "Allocatable")
_POD_KEYS = ("Start Time", "QoS Class", "IP", "IPs", "Containers", "Init Containers")


def infer_kind(obj: Described) -> str | None:
    """The kind, from the fields that only some kinds print."""
    keys = obj.fields
    kind = obj.value("Kind")
    if kind:
        return kind
    replicas = obj.value("Replicas") or ""
    if any(k in keys for k in _NODE_KEYS) or any(c.table == "node" for c in obj.conditions):
        return "Node"
    if "StrategyType" in keys or "NewReplicaSet" in keys or _DEPLOYMENT_REPLICAS.search(replicas):
        return "Deployment"
    if any(k.startswith("Desired Number of Nodes") for k in keys):
        return "DaemonSet"
    if (
        "Update Strategy" in keys
        or "Volume Claims" in keys
        or _STATEFULSET_REPLICAS.match(replicas)
    ):
        return "StatefulSet"
    if _RS_REPLICAS.search(replicas):
        return "ReplicaSet"
    if "Reference" in keys and ("Max replicas" in keys or "Min replicas" in keys):
        return "HorizontalPodAutoscaler"
    if "Reclaim Policy" in keys:
        return "PersistentVolume"
    if "StorageClass" in keys and ("Access Modes" in keys or "Volume" in keys):
        return "PersistentVolumeClaim"
    if any(k in keys for k in _POD_KEYS) or any(c.states for c in obj.containers):
        return "Pod"
    return None
