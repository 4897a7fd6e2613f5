"""Pieces shared by the readers of kubectl's human-readable output (describe, get, top).

kubectl prints through Go's tabwriter: every cell of a column starts at the column of its
header, padded with spaces (2 for describe, 3 for get and top). Old kubectl (< 1.8) padded
describe output with tabs, which `expandtabs(8)` turns back into the same columns. Pastes come
with shell prompt lines (`$ kubectl describe pod x`, `➜ k get po -A`) that say what follows.

Not a reader: the leading underscore keeps the package's auto-import from treating it as one.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from opslens.events import Entity, Severity
from opslens.quantity import quantity  # noqa: F401 - re-exported for the readers
from opslens.sources.readers._shell import KUBECTL_VERBS, command_in

#: kubectl resource names and short names -> kinds (what `kubectl get/describe <resource>` takes).
KINDS = {
    "po": "Pod", "pod": "Pod", "pods": "Pod",
    "deploy": "Deployment", "deployment": "Deployment", "deployments": "Deployment",
    "rs": "ReplicaSet", "replicaset": "ReplicaSet", "replicasets": "ReplicaSet",
    "sts": "StatefulSet", "statefulset": "StatefulSet", "statefulsets": "StatefulSet",
    "ds": "DaemonSet", "daemonset": "DaemonSet", "daemonsets": "DaemonSet",
    "no": "Node", "node": "Node", "nodes": "Node",
    "pvc": "PersistentVolumeClaim", "persistentvolumeclaim": "PersistentVolumeClaim",
    "persistentvolumeclaims": "PersistentVolumeClaim",
    "pv": "PersistentVolume", "persistentvolume": "PersistentVolume",
    "persistentvolumes": "PersistentVolume",
    "ev": "Event", "event": "Event", "events": "Event",
    "svc": "Service", "service": "Service", "services": "Service",
    "job": "Job", "jobs": "Job", "cj": "CronJob", "cronjob": "CronJob", "cronjobs": "CronJob",
    "ing": "Ingress", "ingress": "Ingress", "ingresses": "Ingress",
    "hpa": "HorizontalPodAutoscaler", "horizontalpodautoscaler": "HorizontalPodAutoscaler",
    "cm": "ConfigMap", "configmap": "ConfigMap", "secret": "Secret", "secrets": "Secret",
    "ns": "Namespace", "namespace": "Namespace", "namespaces": "Namespace",
    "certificate": "Certificate", "certificates": "Certificate", "cert": "Certificate",
    "ep": "Endpoints", "endpoints": "Endpoints", "pdb": "PodDisruptionBudget",
    "poddisruptionbudget": "PodDisruptionBudget", "rc": "ReplicationController",
    "replicationcontroller": "ReplicationController", "sc": "StorageClass",
    "storageclass": "StorageClass", "sa": "ServiceAccount", "serviceaccount": "ServiceAccount",
    "endpointslice": "EndpointSlice", "networkpolicy": "NetworkPolicy", "netpol": "NetworkPolicy",
    "clusterrole": "ClusterRole", "clusterrolebinding": "ClusterRoleBinding", "role": "Role",
    "rolebinding": "RoleBinding", "crd": "CustomResourceDefinition",
    "customresourcedefinition": "CustomResourceDefinition",
}  # fmt: skip
#: Kinds without a namespace: their objects (and the Events about them, which live in
#: "default") belong to no namespace.
CLUSTER_SCOPED = frozenset(
    {"Node", "Namespace", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
     "CustomResourceDefinition", "APIService", "CSINode", "CSIDriver", "PriorityClass",
     "VolumeAttachment", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
     "IngressClass", "RuntimeClass", "CertificateSigningRequest", "ClusterIssuer"}
)  # fmt: skip
#: Severity of an Event's type (`Normal`, `Warning`; `Error` in a few old controllers).
TYPE_SEVERITY = {"Normal": Severity.INFO, "Warning": Severity.WARNING, "Error": Severity.ERROR}
#: Continuation lines kept per events-table row; more is not a wrapped message but something else.
MAX_CONTINUATION = 12

_ALIAS = re.compile(r"\b(?:oc|k|kc)\s")


class Command(NamedTuple):
    """What a pasted command line asked for: the verb, the kind (if a known resource) and name."""

    verb: str
    kind: str | None
    name: str | None
    namespace: str | None


def command_of(line: str) -> Command | None:
    """The kubectl command on a pasted command line (any verb; `kubectl events` reads as
    `get events`), or None for any other line: `_shell.command_in`'s reading, seen as kubectl."""
    if len(line) > 400 or ("kubectl" not in line and not _ALIAS.search(line)):
        return None  # the readers ask for every line: most say nothing of kubectl
    return _command_of(line)


@functools.lru_cache(maxsize=1024)
def _command_of(line: str) -> Command | None:
    # Cached: each reader asks about the same few command lines several times (sniff, parse).
    command = command_in(line)
    if command is None or command.tool != "kubectl" or command.verb not in KUBECTL_VERBS:
        return None
    namespace = command.identity.namespace
    if command.verb == "events":
        return Command("get", "Event", None, namespace)
    kind = name = None
    if args := command.args:
        resource, _, slashed = args[0].partition("/")
        kind = KINDS.get(resource.split(",")[0].split(".")[0].lower())
        name = (slashed or (args[1] if len(args) > 1 else "")).rstrip(":") or None
    return Command(command.verb, kind, name, namespace)


def kind_of(resource: str) -> str:
    """`deployment.apps` -> Deployment; unknown resources are capitalised as a best guess."""
    base = resource.split(".")[0].lower()
    return KINDS.get(base, base[:1].upper() + base[1:])


def entity(kind: str | None, name: str | None, namespace: str | None) -> Entity | None:
    """The Entity, with no namespace for cluster-scoped kinds; None without a kind and name."""
    if not kind or not name:
        return None
    return Entity(kind, name, None if kind in CLUSTER_SCOPED else namespace or None)


def expand(line: str) -> str:
    """Tab-padded (old kubectl) lines back to their columns; other lines unchanged."""
    return line.expandtabs(8) if "\t" in line else line


def strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def physical_lines(text: str) -> list[str]:
    r"""The lines of `text` split at `\n` only, each without its `\r\n`/`\n`, as the pipeline
    counts them (`count_lines`): `str.splitlines` also breaks at `\f`, `\x1c`-`\x1e`, `\x85`,
    U+2028 and U+2029, which would shift every later line number."""
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()  # the newline that ends the last line starts no line
    if "\r" in text:
        lines = [line.removesuffix("\r") for line in lines]
    return lines


def ascii_int(text: str) -> int | None:
    """`text` (blanks around it ignored) as an integer when it is one written in ASCII digits
    (`42`, `-1`), else None: `str.isdigit` also accepts `²` and `①`, which `int` refuses, and
    `int` refuses more than 4300 digits (no count kubectl prints has more than 18)."""
    m = _ASCII_INT.fullmatch(text.strip())
    return int(m.group(0)) if m else None


_ASCII_INT = re.compile(r"-?\d{1,18}", re.ASCII)


def component_host(cell: str) -> tuple[str | None, str | None]:
    """(component, host) of an event's source: `kubelet`, `kubelet, node-1` (kubectl 1.10-1.14),
    `{kubelet node-1}` (older)."""
    parts = [p for p in _SOURCE_SPLIT.split(cell) if p]
    return (parts[0] if parts else None), (parts[1] if len(parts) > 1 else None)


_SOURCE_SPLIT = re.compile(r"[,\s{}]+")


# --- columns ---------------------------------------------------------------------------------

_CELL = re.compile(r"\S+(?: \S+)*")  # get/top header cells: separated by two spaces or more
_WORD = re.compile(r"\S+")


class Column(NamedTuple):
    name: str
    start: int


def header_columns(header: str, words: bool = False) -> list[Column]:
    """Columns of a header line; `words` splits at every space (describe headers, whose
    names are single words and whose tab padding may leave a single space)."""
    pattern = _WORD if words else _CELL
    return [Column(m.group(0), m.start()) for m in pattern.finditer(expand(header))]


def cut(line: str, columns: list[Column]) -> dict[str, str] | None:
    """Cells of `line` cut at the header's column starts, or None when the row is not aligned
    with the header (a cell boundary falls inside a word: a `-w` row, a re-flowed paste)."""
    line = expand(line)
    cells: dict[str, str] = {}
    for index, (name, start) in enumerate(columns):
        end = columns[index + 1].start if index + 1 < len(columns) else len(line)
        if start > 0 and start < len(line) and not line[start - 1].isspace():
            return None  # the previous cell runs into this one
        cells[name] = line[start:end].strip() if start < len(line) else ""
    return cells


# --- quantities ------------------------------------------------------------------------------


def percent(text: str) -> float | None:
    """`37%` -> 37.0; None otherwise."""
    s = text.strip()
    if not s.endswith("%"):
        return None
    try:
        return float(s[:-1])
    except ValueError:
        return None
