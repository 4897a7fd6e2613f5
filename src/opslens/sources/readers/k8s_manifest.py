"""Kubernetes objects pasted or attached as evidence: `kubectl get -o yaml|json` (one object,
several documents, a `kind: List`), chart output, or a `status:` pasted alone.

A manifest is not an event: it says how something is configured. It matters when it holds the
cause (a NetworkPolicy that admits no traffic from the API server, a probe with a 1-second
timeout, a 64Mi memory limit) or the object a failure names. Each object becomes one EVENT-kind
record of source `k8s-manifest`, untimed, whose `raw` is the object verbatim and whose
`message` states its facts in plain words (`NetworkPolicy tekton/allow selects all pods,
policyTypes Ingress, ingress from namespaceSelector role=x`), which the knowledge base searches.

An object's `status` is what happened: container states (OOMKilled, CrashLoopBackOff), a pod's
phase (Evicted), conditions (Unschedulable, DiskPressure, ProgressDeadlineExceeded), a claim's
phase. `_object_status` reads it into the model of `kubectl describe` and the describe emitter
turns it into the same events, dated by the status's own timestamps and citing the lines that
say it. A `status:` without apiVersion and kind is read the same way, its kind inferred.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar, TextIO

from opslens.events import Entity, Event, EventKind, Severity
from opslens.sources.base import ReadContext, Reader, register
from opslens.sources.readers._describe_emit import Anchor, latest_time, object_events
from opslens.sources.readers._describe_model import Described
from opslens.sources.readers._documents import count_lines, first_char
from opslens.sources.readers._kubectl_text import CLUSTER_SCOPED, physical_lines, strip_bom
from opslens.sources.readers._object_docs import (
    Document,
    Item,
    items,
    json_documents,
    yaml_documents,
)
from opslens.sources.readers._object_status import described, status_facts, status_of
from opslens.sources.readers._replicaset_revision import revision_event

_API_VERSION = re.compile(r"^apiVersion:\s*\S", re.M)
_KIND = re.compile(r"^kind:\s*[A-Z]\w+\s*$", re.M)
#: `kubectl get pods -o yaml`: a List whose own `kind:` comes last, after all its items.
_LIST_ITEMS = re.compile(r"^items:[ \t]*\n(?:- |  - )(?:apiVersion|kind):", re.M)
_POD_TEMPLATE_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"})
#: Keys that open a status and only a Kubernetes object's status has (a fragment's first key).
_STATUS_KEYS = frozenset(
    {"containerStatuses", "initContainerStatuses", "conditions", "phase", "hostIP", "podIP",
     "qosClass", "nodeInfo", "allocatable", "capacity", "accessModes", "replicas",
     "availableReplicas", "readyReplicas", "updatedReplicas", "unavailableReplicas",
     "observedGeneration", "startTime", "desiredNumberScheduled", "currentNumberScheduled",
     "succeeded", "failed", "active", "nominatedNodeName"}
)  # fmt: skip
_FRAGMENT_KEY = re.compile(r"^(?P<indent>[ \t]+)(?:- )?(?P<key>\w+):")
#: In JSON only keys no other tool's JSON has (Alertmanager and Prometheus have a `status` too).
_JSON_STATUS = re.compile(r'"status"\s*:\s*\{')
_JSON_STATUS_KEYS = ('"containerStatuses"', '"initContainerStatuses"', '"nodeInfo"', '"qosClass"',
                     '"availableReplicas"', '"updatedReplicas"', '"unavailableReplicas"',
                     '"desiredNumberScheduled"', '"accessModes"')  # fmt: skip
#: JSON of other readers (Events, audit logs): never objects to read here.
_JSON_NOT_OBJECTS = ('"involvedObject"', '"regarding"', '"auditID"')
_SHAPE_ERRORS = (AttributeError, TypeError, ValueError, KeyError, IndexError, RecursionError, OverflowError)


@register
class K8sManifestReader(Reader):
    """Kubernetes objects (YAML or JSON) as configuration records, and what their status says."""

    name: ClassVar[str] = "k8s-manifest"
    description: ClassVar[str] = "Kubernetes objects as YAML/JSON (manifests, kubectl get -o yaml|json, status)"

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        # 0.7: below the readers of objects that are events (Event, Application, alerts...)
        first = first_char(head)
        if first in ("{", "["):
            return 0.7 if _json_objects(head) else 0.0
        if _API_VERSION.search(head) and (
            (_KIND.search(head) and "\nmetadata:" in head) or _LIST_ITEMS.search(head)
        ):
            return 0.7
        return 0.7 if _status_fragment(head) else 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        text = strip_bom(stream.read())
        ctx.lines += count_lines(text)
        lines = physical_lines(text)
        if first_char(text) in ("{", "["):
            docs = json_documents(text, lines, ctx.skip)
        else:
            docs = yaml_documents(lines, lambda reason, line, n: ctx.unrecognized(reason, line, lines=n))
        records: list[tuple[Event | None, Described | None]] = []
        revisions: list[Event] = []
        for doc in docs:
            for item in items(doc):
                status = _status(item, ctx)
                records.append((_config(item, doc, ctx, _limits_cited(status)), status))
                if (revision := revision_event(item.value, item.loc, ctx, self.name)) is not None:
                    revisions.append(revision)
        # one anchor for the input, as describe: a waiting state is "now", the newest time here
        anchor = Anchor(*ctx.anchor(latest_time([d for _, d in records if d is not None], ctx)))
        for config, status in records:
            if config is not None:
                yield config
            if status is not None:
                events = object_events(status, anchor, ctx, self.name)
                yield from sorted(events, key=lambda e: e.origin.line or 0)
        yield from revisions


def _json_objects(head: str) -> bool:
    if any(marker in head for marker in _JSON_NOT_OBJECTS):
        return False
    if '"apiVersion"' in head and '"kind"' in head and ('"metadata"' in head or '"items"' in head):
        return True
    return bool(_JSON_STATUS.search(head)) and any(key in head for key in _JSON_STATUS_KEYS)


def _status_fragment(head: str) -> bool:
    """A `status:` pasted alone: `status:` first, then one of the keys a status opens with."""
    content = [ln for ln in head.split("\n")[:40] if ln.strip() and not ln.lstrip().startswith("#")]
    if len(content) < 2 or content[0].strip() != "status:":
        return False
    m = _FRAGMENT_KEY.match(content[1])
    indent = len(content[0]) - len(content[0].lstrip())
    return bool(m) and len(m.group("indent")) > indent and m.group("key") in _STATUS_KEYS


def _limits_cited(status: Described | None) -> frozenset[str]:
    """Containers whose limits the status events quote (line by line, beside the kills)."""
    if status is None:
        return frozenset()
    return frozenset(c.name for c in status.containers if c.limits_block is not None and c.name)


def _config(item: Item, doc: Document, ctx: ReadContext, limits_cited: frozenset[str]) -> Event | None:
    """The configuration record of an object that names its kind; limits quoted by a status
    event are left out of its words, so that the exact lines are what evidence cites."""
    if not isinstance(item.value.get("kind"), str) or not item.value["kind"]:
        return None
    first, last = (doc.first, doc.last) if item.loc is doc.loc else item.loc.extent()
    while last > first and not item.loc.text(last).strip():
        last -= 1
    raw = "\n".join(item.loc.text(n) for n in range(first, last + 1))
    return _event(item.value, raw, first, ctx, limits_cited)


def _status(item: Item, ctx: ReadContext) -> Described | None:
    """The object's status in the describe model (None without one)."""
    if status_of(item.value) is None:
        return None
    try:
        obj = described(item.value, item.loc)
    except _SHAPE_ERRORS as err:  # a bug's safety net: the object is still cited whole
        ctx.skip(f"status of an unexpected shape: {type(err).__name__}", item.loc.start)
        return None
    if obj is None:
        return None
    identity = ctx.source.identity  # what the command above a pasted status named
    if obj.name is None and identity.pod and obj.kind in (None, "Pod"):
        obj.kind_hint, obj.name_hint = "Pod", identity.pod
    obj.namespace_hint = obj.namespace_hint or identity.namespace
    return obj


def _event(obj: dict[str, Any], raw: str, line: int, ctx: ReadContext, limits_cited: frozenset[str] = frozenset()) -> Event:
    kind = str(obj.get("kind"))
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    name = str(meta.get("name") or "?")
    namespace = None if kind in CLUSTER_SCOPED else (str(meta["namespace"]) if meta.get("namespace") else ctx.source.identity.namespace)
    where = f"{namespace}/{name}" if namespace else name
    try:
        spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
        facts = [f"{kind} {where}", *_facts(kind, spec, limits_cited), *status_facts(kind, obj)]
    except _SHAPE_ERRORS:
        facts = [f"{kind} {where}"]  # a spec of unexpected shape: the object is still cited whole
    return Event(
        time=None,
        kind=EventKind.EVENT,
        source=K8sManifestReader.name,
        origin=ctx.source.origin(line),
        message="; ".join(facts),
        raw=raw,
        severity=Severity.INFO,
        namespace=namespace,
        entity=Entity(kind, name, namespace),
        attrs={"reason": None, "type": None, "object_kind": kind, "involved": {"kind": kind, "name": name, "namespace": namespace}},
    )


def _facts(kind: str, spec: dict[str, Any], limits_cited: frozenset[str] = frozenset()) -> list[str]:
    if kind == "NetworkPolicy":
        return _policy_facts(spec)
    if kind == "Pod":
        return _pod_facts(spec, limits_cited)
    if kind in _POD_TEMPLATE_KINDS or kind == "CronJob":
        template = spec.get("template") or (spec.get("jobTemplate") or {}).get("spec", {}).get("template") or {}
        return _pod_facts(template.get("spec") or {}) if isinstance(template, dict) else []
    if kind == "LimitRange":
        return [f"limit range default {item.get('default')}" for item in spec.get("limits") or [] if isinstance(item, dict) and item.get("default")]
    return []


def _policy_facts(spec: dict[str, Any]) -> list[str]:
    selector = spec.get("podSelector")
    facts = ["selects all pods" if not selector or selector == {} else f"selects pods {_labels(selector)}"]
    types = spec.get("policyTypes") or (["Ingress"] + (["Egress"] if spec.get("egress") is not None else []))
    facts.append(f"policyTypes {', '.join(map(str, types))}")
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        rules = spec.get(direction)
        if rules is None:
            continue
        if rules == [] or rules == [{}]:
            facts.append(f"{direction}: {'denies all' if rules == [] else 'allows all'}")
            continue
        peers = [p for rule in rules if isinstance(rule, dict) for p in rule.get(peers_key) or []]
        facts.append(f"{direction} {peers_key} " + (", ".join(_peer(p) for p in peers) or "any"))
    return facts


def _peer(peer: Any) -> str:
    if not isinstance(peer, dict):
        return str(peer)
    parts = [f"{key} {_labels(value)}" for key, value in peer.items() if key in ("namespaceSelector", "podSelector")]
    if "ipBlock" in peer:
        parts.append(f"ipBlock {peer['ipBlock'].get('cidr') if isinstance(peer['ipBlock'], dict) else peer['ipBlock']}")
    return " and ".join(parts) or str(peer)


def _labels(selector: Any) -> str:
    if not isinstance(selector, dict) or not selector:
        return "{} (all)"
    labels = selector.get("matchLabels") or {}
    return ",".join(f"{k}={v}" for k, v in labels.items()) or str(selector.get("matchExpressions") or selector)


def _pod_facts(spec: dict[str, Any], limits_cited: frozenset[str] = frozenset()) -> list[str]:
    facts = []
    for container in spec.get("containers") or []:
        if not isinstance(container, dict):
            continue
        name = container.get("name", "?")
        resources = container.get("resources") or {}
        for level in ("limits", "requests"):
            if level == "limits" and name in limits_cited:
                continue
            if isinstance(resources, dict) and resources.get(level):
                facts.append(f"container {name} {level} " + ", ".join(f"{k} {v}" for k, v in resources[level].items()))
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            spec_ = container.get(probe)
            if isinstance(spec_, dict):
                timing = ", ".join(f"{k} {spec_[k]}" for k in ("initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold") if k in spec_)
                facts.append(f"container {name} {probe} {timing or 'defaults'}")
    return facts
