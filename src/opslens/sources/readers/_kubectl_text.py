"""Pieces shared by the readers of kubectl's human-readable output (describe, get, top).

kubectl prints through Go's tabwriter: every cell of a column starts at the column of its
header, padded with spaces (2 for describe, 3 for get and top). Old kubectl (< 1.8) padded
describe output with tabs, which `expandtabs(8)` turns back into the same columns. Pastes come
with shell prompt lines (`$ kubectl describe pod x`, `➜ k get po -A`) that say what follows.

Not a reader: the leading underscore keeps the package's auto-import from treating it as one.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, tzinfo
from typing import NamedTuple

from opslens.events import Entity
from opslens.quantity import quantity  # noqa: F401 - re-exported for the readers
from opslens.timeparse import MONTHS, ZONE_ABBREVIATIONS

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
}  # fmt: skip
CLUSTER_SCOPED = frozenset({"Node", "PersistentVolume", "Namespace", "StorageClass"})

# A command line as pasted: an optional prompt (`$ `, `user@host:~# `, `➜  ~ `, `PS C:\\> `),
# then kubectl or one of its usual aliases and wrappers. Anchored at the line start, so a
# message that mentions `kubectl get` is not taken for a command.
_COMMAND = re.compile(
    r"^\s*(?:.{0,80}?[$#%>❯➜»]\s+(?:[~\w./:\\-]+\s+)?)?(?:sudo\s+)?(?:\S*/)?"
    r"(?:kubectl|oc|k|kc|microk8s[ .]kubectl|k3s kubectl|minikube kubectl --)(?:\.exe|\.sh)?"
    r"\s+(?P<args>[^|;&]*)"
)
_VERBS = frozenset(
    {"get", "describe", "top", "events", "logs", "log", "apply", "delete", "rollout", "exec",
     "create", "edit", "scale", "version", "cluster-info", "explain", "run", "set", "patch",
     "cordon", "uncordon", "drain", "debug", "port-forward", "auth", "config", "label", "annotate"}
)  # fmt: skip
# Flags whose value is a separate word (`-n prod`); others are `--flag=value` or booleans.
_VALUE_FLAGS = frozenset(
    {"-n", "--namespace", "-l", "--selector", "-o", "--output", "--context", "--kubeconfig",
     "--field-selector", "--sort-by", "-c", "--container", "--cluster", "--user", "-s", "--server"}
)  # fmt: skip


class Command(NamedTuple):
    """What a pasted command line asked for: the verb, the kind (if a known resource) and name."""

    verb: str
    kind: str | None
    name: str | None
    namespace: str | None


def command_of(line: str) -> Command | None:
    """The kubectl command on a pasted command line (any verb; `kubectl events` reads as
    `get events`), or None for any other line."""
    if len(line) > 400 or "kubectl" not in line and not re.search(r"\b(?:oc|k|kc)\s", line):
        return None
    m = _COMMAND.match(line)
    if not m:
        return None
    words = m.group("args").split()
    verb = None
    positional: list[str] = []
    namespace = None
    skip_next = False
    for index, word in enumerate(words):
        if skip_next:
            skip_next = False
            continue
        if word in ("-n", "--namespace") and index + 1 < len(words):
            namespace = words[index + 1]
        if word.startswith("--namespace="):
            namespace = word.split("=", 1)[1]
        if word in _VALUE_FLAGS:
            skip_next = True
            continue
        if word.startswith("-"):
            continue
        if verb is None:
            if word not in _VERBS:
                return None
            verb = word
        else:
            positional.append(word)
    if verb is None:
        return None
    if verb == "events":
        return Command("get", "Event", None, namespace)
    kind = name = None
    if positional:
        resource, _, slashed = positional[0].partition("/")
        kind = KINDS.get(resource.split(",")[0].split(".")[0].lower())
        name = (slashed or (positional[1] if len(positional) > 1 else "")).rstrip(":") or None
    return Command(verb, kind, name, namespace)


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


# --- times and quantities --------------------------------------------------------------------

_RFC1123 = re.compile(
    r"(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})"
    r"(?: ([+-]\d{4}|[A-Z]{1,5}))?"
)


def rfc1123(text: str, tz: tzinfo) -> float | None:
    """Epoch of kubectl's `Thu, 30 Nov 2017 10:53:56 +0000` (RFC 1123, numeric zone or an
    abbreviation; naive times in `tz`). None for other text and for Go's zero time (year 1)."""
    m = _RFC1123.search(text)
    if not m:
        return None
    day, mon, year, hh, mm, ss, zone = m.groups()
    month = MONTHS.get(mon)
    if month is None or int(year) < 1971:
        return None
    try:
        if zone and zone[0] in "+-":
            offset = (1 if zone[0] == "+" else -1) * (int(zone[1:3]) * 3600 + int(zone[3:]) * 60)
        elif zone in ZONE_ABBREVIATIONS:
            offset = ZONE_ABBREVIATIONS[zone]
        else:
            naive = datetime(int(year), month, int(day), int(hh), int(mm), int(ss), tzinfo=tz)
            return naive.timestamp()
        fields = (int(year), month, int(day), int(hh), int(mm), int(ss), 0, 0, 0)
        return float(calendar.timegm(fields) - offset)
    except (ValueError, OverflowError):
        return None


RFC1123_PATTERN = _RFC1123.pattern

def percent(text: str) -> float | None:
    """`37%` -> 37.0; None otherwise."""
    s = text.strip()
    if not s.endswith("%"):
        return None
    try:
        return float(s[:-1])
    except ValueError:
        return None
