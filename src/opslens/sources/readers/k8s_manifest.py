"""Kubernetes manifests pasted or attached as evidence (`kubectl get -o yaml`, chart output).

A manifest is not an event: it says how something is configured. It matters when it holds the
cause (a NetworkPolicy that admits no traffic from the API server, a probe with a 1-second
timeout, a 64Mi memory limit) or the object a failure names. Each object becomes one EVENT-kind
record of source `k8s-manifest`, untimed, whose `raw` is the document verbatim and whose
`message` states its facts in plain words (`NetworkPolicy tekton/allow selects all pods,
policyTypes Ingress, ingress from namespaceSelector role=x`), which the knowledge base searches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar, TextIO

import yaml

from opslens.events import Entity, Event, EventKind, Severity
from opslens.sources.base import ReadContext, Reader, register
from opslens.sources.readers._documents import YAML_ERRORS, count_lines, yaml_problem
from opslens.sources.readers._kubectl_text import CLUSTER_SCOPED, physical_lines

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_API_VERSION = re.compile(r"^apiVersion:\s*\S", re.M)
_KIND = re.compile(r"^kind:\s*[A-Z]\w+\s*$", re.M)
_DOC_START = re.compile(r"^---\s*$")
_POD_TEMPLATE_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"})


@register
class K8sManifestReader(Reader):
    """Kubernetes objects in YAML (one or several documents) as configuration records."""

    name: ClassVar[str] = "k8s-manifest"
    description: ClassVar[str] = "Kubernetes manifests (YAML objects: policies, pod specs, limits)"

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        if _API_VERSION.search(head) and _KIND.search(head) and "\nmetadata:" in head:
            return 0.7  # below the readers of objects that are events (Event, Application, ...)
        return 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        text = stream.read()
        ctx.lines += count_lines(text)
        for start, doc_lines in _documents(physical_lines(text)):
            text = "\n".join(doc_lines).rstrip()
            if not text.strip():
                continue
            try:
                obj = yaml.load(text, Loader=_LOADER)
            except YAML_ERRORS as err:
                ctx.unrecognized(f"YAML document that does not parse: {yaml_problem(err)}", start, lines=len(doc_lines))
                continue
            for item in _objects(obj):
                yield _event(item, text, start, ctx)


def _documents(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of each `---`-separated document."""
    start, current = 1, []
    for n, line in enumerate(lines, 1):
        if _DOC_START.match(line):
            if current:
                yield start, current
            start, current = n + 1, []
        else:
            current.append(line)
    if current:
        yield start, current


def _objects(obj: Any) -> list[dict[str, Any]]:
    if not isinstance(obj, dict):
        return []
    if obj.get("kind") == "List" and isinstance(obj.get("items"), list):
        return [i for i in obj["items"] if isinstance(i, dict) and i.get("kind")]
    return [obj] if obj.get("kind") else []


def _event(obj: dict[str, Any], raw: str, line: int, ctx: ReadContext) -> Event:
    kind = str(obj.get("kind"))
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    name = str(meta.get("name") or "?")
    namespace = None if kind in CLUSTER_SCOPED else (str(meta["namespace"]) if meta.get("namespace") else ctx.source.identity.namespace)
    where = f"{namespace}/{name}" if namespace else name
    try:
        facts = [f"{kind} {where}", *_facts(kind, obj.get("spec") if isinstance(obj.get("spec"), dict) else {})]
    except (AttributeError, TypeError, ValueError, KeyError):
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


def _facts(kind: str, spec: dict[str, Any]) -> list[str]:
    if kind == "NetworkPolicy":
        return _policy_facts(spec)
    if kind == "Pod":
        return _pod_facts(spec)
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


def _pod_facts(spec: dict[str, Any]) -> list[str]:
    facts = []
    for container in spec.get("containers") or []:
        if not isinstance(container, dict):
            continue
        name = container.get("name", "?")
        resources = container.get("resources") or {}
        for level in ("limits", "requests"):
            if isinstance(resources, dict) and resources.get(level):
                facts.append(f"container {name} {level} " + ", ".join(f"{k} {v}" for k, v in resources[level].items()))
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            spec_ = container.get(probe)
            if isinstance(spec_, dict):
                timing = ", ".join(f"{k} {spec_[k]}" for k in ("initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold") if k in spec_)
                facts.append(f"container {name} {probe} {timing or 'defaults'}")
    return facts
