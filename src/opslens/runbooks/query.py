"""Build a weighted retrieval query from an alert, a webhook payload or free text.

An alert says what is wrong in its name and its summary/description annotations; its labels
mostly say *where* (instance, pod, namespace, cluster), which is noise for finding a runbook.
So annotation text is the evidence, label values naming entities are scrubbed out of that
text (descriptions are templated from them), and only labels that describe the *kind* of
problem (`job`, `container`, `reason`, a resource-kind key such as `persistentvolumeclaim`)
contribute, at low weight and without counting as evidence for the abstention decision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from opslens.runbooks.tokenize import analyze, identity_key

__all__ = [
    "Query",
    "QueryTerm",
    "TermSource",
    "queries_from_payload",
    "query_from_alert",
    "query_from_text",
]


class TermSource(StrEnum):
    """Where a query term came from; decides its weight and whether it is evidence."""

    NAME = "name"
    SUMMARY = "summary"
    DESCRIPTION = "description"
    ANNOTATION = "annotation"
    TEXT = "text"
    LABEL = "label"
    CONTEXT = "context"


#: Relative importance of each source. Names and summaries state the problem; descriptions
#: state it again with more instance detail; labels and context only hint at it.
SOURCE_WEIGHTS: Mapping[TermSource, float] = {
    TermSource.NAME: 1.0,
    TermSource.SUMMARY: 1.0,
    TermSource.TEXT: 1.0,
    TermSource.DESCRIPTION: 0.8,
    TermSource.ANNOTATION: 0.5,
    TermSource.LABEL: 0.3,
    TermSource.CONTEXT: 0.3,
}

#: Sources whose terms must be explained by a runbook before we dare recommend it.
EVIDENCE_SOURCES = frozenset(
    {TermSource.NAME, TermSource.SUMMARY, TermSource.DESCRIPTION, TermSource.TEXT,
     TermSource.ANNOTATION}
)


@dataclass(frozen=True)
class QueryTerm:
    """One distinct analysed term with its weight and strongest source."""

    term: str
    weight: float
    source: TermSource

    @property
    def evidential(self) -> bool:
        """Whether the abstention decision expects a good runbook to contain this term."""
        return self.source in EVIDENCE_SOURCES


@dataclass(frozen=True)
class Query:
    """A retrieval query: distinct weighted terms plus the text they came from."""

    terms: tuple[QueryTerm, ...]
    text: str
    #: Identity keys of names the query refers to exactly (alert name, runbook_url target).
    identities: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.identities)


# Labels that say *where* an alert fired; their values are scrubbed from annotation text.
_WHERE_LABELS = frozenset(
    ["instance", "pod", "pod_name", "node", "nodename", "namespace", "cluster", "endpoint", "prometheus", "prometheus_replica", "replica", "severity", "uid", "id", "ip", "host", "hostname", "region", "zone", "availability_zone", "env", "environment", "team", "owner", "tenant", "tenant_id", "receiver", "fingerprint", "metrics_path", "le", "quantile", "image", "image_id", "container_id", "exported_namespace", "exported_pod", "exported_instance"]
)
# Labels whose *key* names a kind of thing (a resource kind, a disk, a peer) but whose value
# is just that thing's name: the key is a hint, the value is scrubbed.
_ENTITY_LABELS = frozenset(
    ["deployment", "statefulset", "daemonset", "replicaset", "job_name", "cronjob", "horizontalpodautoscaler", "hpa", "persistentvolumeclaim", "persistentvolume", "volume", "poddisruptionbudget", "configmap", "secret", "ingress", "storageclass", "device", "mountpoint", "interface", "alertmanager", "remote_name"]
)
# Labels that are pure identifiers: neither key nor value says anything about the problem.
_OPAQUE_LABELS = frozenset(["name", "url", "target", "address", "path"])
# Labels whose value names a component ("kubelet", "etcd", "node-exporter"): value kept.
_COMPONENT_LABELS = frozenset(
    ["job", "container", "service", "app", "component", "k8s_app", "app_kubernetes_io_name", "app_kubernetes_io_component"]
)
_SCRUBBED = _WHERE_LABELS | _ENTITY_LABELS | _OPAQUE_LABELS
_URL_ANNOTATION = re.compile(r"(?:^|_)(?:url|link|dashboard|runbook|href)$", re.I)
_LOOKS_LIKE_URL = re.compile(r"^\s*\w+://")
_ANNOTATION_SOURCES = {
    "summary": TermSource.SUMMARY,
    "title": TermSource.SUMMARY,
    "message": TermSource.SUMMARY,
    "description": TermSource.DESCRIPTION,
}


def query_from_text(text: str, *, context: Iterable[str] = (), entities: Iterable[str] = ()) -> Query:
    """A query from free text, e.g. a hypothesis.

    Put the statement of the problem in `text` ("Container killed by the OOM killer"): it is
    the evidence a runbook must explain. Key log lines go in `context`: they steer ranking
    but do not count towards the abstention score. Names of pods, hosts and services go in
    `entities`: they are removed from all text, as they never appear in a runbook.
    """
    scrub = _scrubber(entities)
    builder = _TermBuilder()
    builder.add(scrub(text), TermSource.TEXT)
    for line in context:
        builder.add(scrub(line), TermSource.CONTEXT)
    return builder.build(text)


def query_from_alert(obj: Mapping[str, Any]) -> Query:
    """A query from one Alertmanager alert or from a webhook payload (all its alerts merged).

    Works with or without the `alertname` label: the summary/description annotations alone
    are enough to retrieve a runbook.
    """
    alerts = _alerts_of(obj)
    builder = _TermBuilder()
    texts: list[str] = []
    for alert in alerts:
        texts.append(_add_alert(builder, alert))
    if "alerts" in obj:
        common = {"labels": obj.get("commonLabels") or {},
                  "annotations": obj.get("commonAnnotations") or {}}
        texts.append(_add_alert(builder, common))
    return builder.build(" | ".join(t for t in dict.fromkeys(texts) if t))


def queries_from_payload(payload: Mapping[str, Any]) -> list[Query]:
    """One query per alert of a webhook payload (or a single-item list for one alert)."""
    return [query_from_alert(alert) for alert in _alerts_of(payload)]


def _alerts_of(obj: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    alerts = obj.get("alerts")
    if isinstance(alerts, list):
        return [a for a in alerts if isinstance(a, Mapping)]
    return [obj]


def _add_alert(builder: _TermBuilder, alert: Mapping[str, Any]) -> str:
    """Add one alert's terms; return the human-readable text they came from."""
    labels = _str_map(alert.get("labels"))
    annotations = _str_map(alert.get("annotations"))
    scrub = _scrubber(v for k, v in labels.items() if k in _SCRUBBED)
    shown: list[str] = []
    name = labels.get("alertname", "")
    if name:
        builder.add(name, TermSource.NAME)
        builder.add_identity(name, as_term=True)
        shown.append(name)
    for key, value in annotations.items():
        if key.lower() == "runbook_url":
            builder.add_identity(_url_target(value), as_term=False)
        if _URL_ANNOTATION.search(key) or _LOOKS_LIKE_URL.match(value):
            continue
        source = _ANNOTATION_SOURCES.get(key.lower(), TermSource.ANNOTATION)
        builder.add(scrub(value), source)
        if source is not TermSource.ANNOTATION:
            shown.append(value)
    for key, value in labels.items():
        if key == "alertname" or key in _WHERE_LABELS or key in _OPAQUE_LABELS or key[:2] == "__":
            continue
        if key not in _COMPONENT_LABELS:
            builder.add(key, TermSource.LABEL)
        if key not in _ENTITY_LABELS and not _LOOKS_LIKE_URL.match(value):
            builder.add(value, TermSource.LABEL)
    return " ".join(shown)


def _url_target(url: str) -> str:
    """The last path segment of a URL without query, fragment or file extension."""
    path = re.split(r"[?#]", url.strip(), maxsplit=1)[0].rstrip("/")
    last = path.rsplit("/", 1)[-1]
    return re.sub(r"\.(?:md|markdown|rst|txt|html?)$", "", last, flags=re.I)


def _str_map(raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): str(v) for k, v in raw.items() if v is not None and str(v).strip()}


def _scrubber(values: Iterable[str]):
    """A function removing whole-token occurrences of `values` (entity names) from text."""
    names = sorted({v.strip() for v in values if len(v.strip()) >= 2}, key=len, reverse=True)
    if not names:
        return lambda text: text
    pattern = re.compile(
        r"(?<![\w.-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])"
    )
    return lambda text: pattern.sub(" ", text)


class _TermBuilder:
    """Accumulates analysed terms, keeping each term's strongest source."""

    def __init__(self) -> None:
        self._best: dict[str, tuple[float, TermSource]] = {}
        self._identities: dict[str, None] = {}

    def add(self, text: str, source: TermSource) -> None:
        weight = SOURCE_WEIGHTS[source]
        for term in analyze(text):
            current = self._best.get(term)
            if current is None or weight > current[0]:
                self._best[term] = (weight, source)

    def add_identity(self, name: str, *, as_term: bool) -> None:
        key = identity_key(name)
        if not key:
            return
        self._identities[key] = None
        if as_term:
            self._best[key] = (SOURCE_WEIGHTS[TermSource.NAME], TermSource.NAME)

    def build(self, text: str) -> Query:
        terms = tuple(QueryTerm(t, w, s) for t, (w, s) in self._best.items())
        return Query(terms=terms, text=text, identities=tuple(self._identities))


def as_query(query: Query | str | Sequence[str]) -> Query:
    """Coerce a string to a text query; pass a `Query` through."""
    if isinstance(query, Query):
        return query
    if isinstance(query, str):
        return query_from_text(query)
    return query_from_text(" ".join(query))
