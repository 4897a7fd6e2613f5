"""Entities: tie pods to their owning workload, and workloads to namespaces and nodes.

Owner references come first from Kubernetes events (`SuccessfulCreate` on a ReplicaSet names the
pod it created; `ScalingReplicaSet` on a Deployment names the ReplicaSet), then from the shape
of generated pod names: Deployment pods are `<deploy>-<pod-template-hash>-<5>`, StatefulSet pods
`<sts>-<ordinal>`, DaemonSet and Job pods `<owner>-<5>`, CronJob pods `<cron>-<minutes>-<5>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from opslens.event_attrs import k8s_attrs
from opslens.events import Entity, Event

_CREATED_POD = re.compile(r"Created pod: (\S+)")
_CREATED_JOB = re.compile(r"Created job (\S+)")
_ASSIGNED = re.compile(r"Successfully assigned \S+ to (\S+)")
_SCALED_RS = re.compile(r"Scaled (?:up|down) replica set (\S+?)(?: to | from |$)")
# pod-template-hash: 6-10 chars of the "safe" alphabet (recent) or digits (old clusters)
_RS_SUFFIX = re.compile(r"^(.+)-([a-z0-9]{6,10})$")
_POD_SUFFIX = re.compile(r"^(.+)-([a-z0-9]{5})$")
# CronJob-created Jobs are suffixed with the scheduled time in minutes since the epoch (8 digits).
_CRON_JOB = re.compile(r"^(.+)-(\d{8})$")
_HASH_ALPHABET = frozenset("bcdfghjklmnpqrstvwxz2456789")


def _hashlike(s: str) -> bool:
    # Generated suffixes use a vowel-free alphabet (no words by accident); old hashes are digits.
    return all(c in _HASH_ALPHABET for c in s) or s.isdigit()


@dataclass
class EntityGraph:
    """Pod -> owner (ReplicaSet/StatefulSet/...) -> workload (Deployment/...), plus nodes."""

    pod_owner: dict[tuple[str | None, str], Entity] = field(default_factory=dict)
    rs_owner: dict[tuple[str | None, str], Entity] = field(default_factory=dict)
    pod_node: dict[tuple[str | None, str], str] = field(default_factory=dict)
    known_workloads: set[tuple[str | None, str, str]] = field(default_factory=set)
    nodes: set[str] = field(default_factory=set)
    # Lookups `workload()` makes for every entity, rebuilt when `nodes` / `known_workloads`
    # have grown (they only ever grow): node names by their first label, StatefulSets in order.
    _by_short_name: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _nodes_indexed: int = field(default=0, init=False, repr=False, compare=False)
    _statefulsets: list[tuple[str | None, str]] = field(default_factory=list, init=False, repr=False, compare=False)
    _workloads_indexed: int = field(default=0, init=False, repr=False, compare=False)

    def learn(self, events: list[Event]) -> None:
        """Read owner references and node assignments from Kubernetes events."""
        for e in events:
            ent = e.entity
            if ent is None:
                continue
            attrs = k8s_attrs(e)
            reason = attrs.get("reason")
            ns = ent.namespace or e.namespace
            if ent.kind in ("ReplicaSet", "StatefulSet", "DaemonSet", "Job") and reason == "SuccessfulCreate":
                if m := _CREATED_POD.search(e.message):
                    self.pod_owner[(ns, m.group(1))] = Entity(ent.kind, ent.name, ns)
            elif ent.kind == "Deployment" and reason == "ScalingReplicaSet":
                if m := _SCALED_RS.search(e.message):
                    self.rs_owner[(ns, m.group(1))] = Entity("Deployment", ent.name, ns)
            elif ent.kind == "CronJob" and reason == "SuccessfulCreate" and (m := _CREATED_JOB.search(e.message)):
                self.rs_owner[(ns, m.group(1))] = Entity("CronJob", ent.name, ns)
            if ent.kind in ("Deployment", "StatefulSet", "DaemonSet"):
                self.known_workloads.add((ns, ent.kind, ent.name))
            if ent.kind == "Pod" and reason == "Scheduled" and (m := _ASSIGNED.search(e.message)):
                self.pod_node[(ns, ent.name)] = m.group(1)
                self.nodes.add(m.group(1))
            if ent.kind == "Node":
                self.nodes.add(ent.name)

    def note(self, entity: Entity | None) -> None:
        """Remember the workload of a pod seen in logs, so Services can be matched to it."""
        workload = self.workload(entity)
        if workload is not None and workload.kind in ("Deployment", "StatefulSet", "DaemonSet"):
            self.known_workloads.add((workload.namespace, workload.kind, workload.name))

    def workload(self, entity: Entity | None) -> Entity | None:
        """The owning workload of `entity` (itself when it already is one)."""
        if entity is None:
            return None
        ns, name = entity.namespace, entity.name
        if entity.kind == "Service":
            # Services are conventionally named after the workload behind them.
            for kind in ("Deployment", "StatefulSet", "DaemonSet"):
                if (ns, kind, name) in self.known_workloads:
                    return Entity(kind, name, ns)
            return entity
        if entity.kind == "Pod":
            owner = self.pod_owner.get((ns, name)) or _guess_pod_owner(name, ns, self)
            return self.workload(owner) if owner and owner.kind in ("ReplicaSet", "Job") else owner
        if entity.kind == "ReplicaSet":
            found = self.rs_owner.get((ns, name))
            if found:
                return found
            m = _RS_SUFFIX.match(name)
            return Entity("Deployment", m.group(1), ns) if m and _hashlike(m.group(2)) else entity
        if entity.kind == "Job":
            found = self.rs_owner.get((ns, name))
            if found:
                return found
            m = _CRON_JOB.match(name)
            return Entity("CronJob", m.group(1), ns) if m else entity
        if entity.kind == "PersistentVolumeClaim":
            return self._claim_owner(entity)
        if entity.kind == "Node":
            return Entity("Node", self.node_name(name))
        return entity

    def node_name(self, host: str) -> str:
        """The node's name as the cluster knows it: journald's short hostname (`ip-10-1-2-3`)
        is the node `ip-10-1-2-3.eu-west-1.compute.internal`."""
        if host in self.nodes or "." in host:
            return host
        if self._nodes_indexed != len(self.nodes):
            self._by_short_name = {}
            for node in self.nodes:
                if "." in node:
                    self._by_short_name.setdefault(node.split(".", 1)[0], []).append(node)
            self._nodes_indexed = len(self.nodes)
        longer = self._by_short_name.get(host, ())
        return longer[0] if len(longer) == 1 else host

    def _claim_owner(self, claim: Entity) -> Entity:
        """The StatefulSet whose volumeClaimTemplate made this claim (`data-es-data-1` is
        template `data` of StatefulSet `es-data`, ordinal 1), else the claim itself."""
        m = _ORDINAL.match(claim.name)
        if m:
            if self._workloads_indexed != len(self.known_workloads):
                ordered = sorted(self.known_workloads, key=str)
                self._statefulsets = [(ns, name) for ns, kind, name in ordered if kind == "StatefulSet"]
                self._workloads_indexed = len(self.known_workloads)
            for ns, name in self._statefulsets:
                if ns in (claim.namespace, None) and m.group(1).endswith("-" + name):
                    return Entity("StatefulSet", name, ns)
        return claim

    def node_of(self, entity: Entity | None) -> str | None:
        if entity is None or entity.kind != "Pod":
            return None
        return self.pod_node.get((entity.namespace, entity.name))


# kubelet/containerd name the pod they act for: pod="ns/name", pods=["ns/name"], "in pod name_ns(uid)"
_POD_IN_TEXT = re.compile(r'pods?=\[?\\?"([a-z0-9][-a-z0-9]*)/([a-z0-9][-.a-z0-9]*)\\?"|in pod ([a-z0-9][-.a-z0-9]*)_([a-z0-9][-a-z0-9]*)\(')


_ORDINAL = re.compile(r"^([a-z0-9][-a-z0-9.]*)-(\d+)$")


def pod_in_text(text: str) -> Entity | None:
    """The pod a node-level log line (kubelet, runtime) is about, when it names one."""
    m = _POD_IN_TEXT.search(text)
    if not m:
        return None
    if m.group(1):
        return Entity("Pod", m.group(2), m.group(1))
    return Entity("Pod", m.group(3), m.group(4))


def _guess_pod_owner(pod: str, ns: str | None, graph: EntityGraph) -> Entity | None:
    """Owner from the pod name's generated suffixes."""
    if m := _ORDINAL.match(pod):
        sts = m.group(1)
        kind = "StatefulSet"
        if (ns, "Deployment", sts) in graph.known_workloads:
            kind = "Deployment"
        return Entity(kind, sts, ns)
    m = _POD_SUFFIX.match(pod)
    if not m:
        return None
    base = m.group(1)
    if (cron := _CRON_JOB.match(base)) is not None:
        return Entity("CronJob", cron.group(1), ns)
    rs = _RS_SUFFIX.match(base)
    if rs and _hashlike(rs.group(2)):
        return Entity("ReplicaSet", base, ns)
    if (ns, "DaemonSet", base) in graph.known_workloads:
        return Entity("DaemonSet", base, ns)
    # A bare 5-char suffix: a DaemonSet, Job or a Deployment whose hash we cannot see.
    return Entity("DaemonSet" if base in _KNOWN_DAEMONSETS else "Deployment", base, ns)


#: Workloads that are DaemonSets in nearly every cluster (their pods have a single suffix).
_KNOWN_DAEMONSETS = frozenset({
    "kube-proxy", "aws-node", "calico-node", "cilium", "node-exporter", "fluent-bit", "fluentd",
    "kube-flannel-ds", "ebs-csi-node", "promtail", "datadog", "vector", "nvidia-device-plugin-daemonset",
})
