"""Recall of similar past incidents, from structured signals only (pure: no database, no I/O).

`signature_of(report)` reduces a report to the signals that identify *what broke where*: the
categories of the top-3 hypotheses with their confidences, the culprit entities and their
workloads, the namespaces, the template ids of new or spiking log patterns, the names of the
firing alerts and a few signal tokens (Kubernetes event reasons, terminated reasons, anomaly
measures, evidence and change kinds). It never reads text a model or a template sentence wrote
(summary, titles, rationale, the `llm` section), so rewording a report cannot move it; the
signature is plain JSON (the store keeps it in `incidents.signature`).

`score(a, b)` is a weighted sum of per-signal similarities, each in [0, 1]:

====================  ======  ===================================================================
signal                weight  similarity
====================  ======  ===================================================================
category              0.40    1 when the top categories are equal (and not `unknown`); otherwise
                              half the overlap of the top-3 confidence distributions
culprit               0.10    1 when the top hypothesis names the same namespace/workload
workloads             0.10    Jaccard of namespace/workload of every entity the hypotheses name
                              or cite (a Pod counts as its workload)
namespaces            0.10    Jaccard
templates             0.15    Jaccard of pattern template ids (new or spiking patterns)
alerts                0.10    Jaccard of firing alert names (severity `none`/`info` left out)
signals               0.05    Jaccard of signal tokens (event reasons, anomaly measures, ...)
====================  ======  ===================================================================

Why these weights: the root-cause category is what "have we seen this before?" is about, so an
equal top category alone (0.40) clears the threshold. Where it happened comes next (0.30 in all)
but alone stays below the threshold: the same workload failing another way is not "the same
incident" unless the failure also looks alike (templates 0.15, alerts 0.10). Signal tokens are
shared by many categories (BackOff, evidence kinds) and get 0.05.

`THRESHOLD` = 0.35: below it nothing is listed. Picked on `bench/recall.py` (dev scenarios and
variants, 34 incidents, 561 pairs): the highest score between incidents of *different*
categories was 0.218 (then 0.216, 0.214), the lowest between same-category ones 0.417, and a
same top category cannot score below 0.40 by construction. The threshold goes in that gap, as
high as the 0.05 grid allows below 0.40 (so every same-category incident stays listable), which
also keeps it above "same place, different failure" (0.30) and 0.13 above the highest
different-category pair seen.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypedDict

from opslens.report.models import Report
from opslens.store.records import SimilarIncident

__all__ = [
    "SIGNATURE_CACHE_SIZE",
    "SIGNATURE_VERSION",
    "SignatureCache",
    "THRESHOLD",
    "WEIGHTS",
    "IncidentSignature",
    "rank",
    "score",
    "signature_of",
]

#: Bump when `signature_of` changes meaning; stored signatures of another version should be
#: recomputed from the stored report JSON.
SIGNATURE_VERSION = 1

WEIGHTS: dict[str, float] = {
    "category": 0.40,
    "culprit": 0.10,
    "workloads": 0.10,
    "namespaces": 0.10,
    "templates": 0.15,
    "alerts": 0.10,
    "signals": 0.05,
}

#: Scores below this are not listed (see the module docstring for how it was chosen).
THRESHOLD = 0.35

#: How much an overlap of runner-up categories counts against an equal top category.
RUNNER_UP_FACTOR = 0.5

_TOP = 3
_UNKNOWN = "unknown"
# Kubernetes name suffixes: random pod suffix and ReplicaSet hash use this alphabet
# (k8s.io/apimachinery rand.String: no vowels, no 0, 1, 3), StatefulSet pods an ordinal.
_K8S_ALNUM = "bcdfghjklmnpqrstvwxz2456789"
_POD_SUFFIX = re.compile(rf"-[{_K8S_ALNUM}]{{5}}$")
_RS_HASH = re.compile(rf"-[{_K8S_ALNUM}]{{6,10}}$")
_ORDINAL = re.compile(r"-\d+$")
_EVENT_REASON = re.compile(r"[A-Z][A-Za-z]+")
_DETAIL_REASON = re.compile(r"\breason: ([A-Za-z]+)")
_QUIET_SEVERITIES = {"none", "info"}


class CategoryScore(TypedDict):
    category: str
    confidence: float


class IncidentSignature(TypedDict):
    """The structured signals of one report; JSON as is (lists sorted, no tuples or sets)."""

    version: int
    categories: list[CategoryScore]  # top-3 hypotheses, best first
    culprit: str | None  # namespace/workload of the top hypothesis' entity
    entities: list[str]  # kind/namespace/name of the top-3 hypotheses' entities
    workloads: list[str]  # namespace/workload of every entity the top-3 hypotheses name or cite
    namespaces: list[str]
    templates: list[str]
    alerts: list[str]
    signals: list[str]


# --- signature ---------------------------------------------------------------------------------


def workload_of(kind: str, name: str) -> str:
    """The workload a Pod belongs to (`api-7d9f8b6c5d-x2x4z` -> `api`); other kinds unchanged."""
    if kind != "Pod":
        return name
    if _POD_SUFFIX.search(name):
        base = _POD_SUFFIX.sub("", name)
        return _RS_HASH.sub("", base)  # Deployment pod; a DaemonSet/Job pod has no hash
    return _ORDINAL.sub("", name)  # StatefulSet pod


def _entity_keys(entity: dict[str, Any] | None) -> tuple[str, str] | None:
    """(kind/namespace/name, namespace/workload) of an entity, or None."""
    if not entity or not entity.get("name"):
        return None
    kind, ns, name = entity.get("kind") or "", entity.get("namespace") or "", entity["name"]
    return f"{kind}/{ns}/{name}", f"{ns}/{workload_of(kind, name)}"


def _categories(hypotheses: list[dict[str, Any]]) -> list[CategoryScore]:
    return [
        CategoryScore(category=str(h["category"]), confidence=round(float(h["confidence"]), 4))
        for h in hypotheses[:_TOP]
    ]


def _signal_tokens(cited: list[dict[str, Any]], report: dict[str, Any]) -> set[str]:
    """Signal tokens: derived facts and structured fields, never prose."""
    tokens: set[str] = set()
    for ev in cited:
        tokens.add(f"evidence:{ev.get('kind')}")
        first_line = (ev.get("text") or "").split("\n", 1)[0].strip()
        if ev.get("kind") == "event" and _EVENT_REASON.fullmatch(first_line):
            tokens.add(f"event:{first_line}")  # a Kubernetes event's reason, e.g. BackOff
        match = _DETAIL_REASON.search(ev.get("detail") or "")
        if match:
            tokens.add(f"reason:{match.group(1)}")  # e.g. OOMKilled from kube-state-metrics
    for anomaly in report.get("anomalies") or []:
        measure = anomaly.get("measure") or (anomaly.get("series") or "").split("{", 1)[0]
        tokens.add(f"anomaly:{measure}:{anomaly.get('direction')}")
    for change in report.get("changes") or []:
        if change.get("touches_affected"):
            tokens.add(f"change:{change.get('kind')}")
    return tokens


def signature_of(report: Report | dict[str, Any]) -> IncidentSignature:
    """The structured signals of `report` (a Report or its JSON as a dict)."""
    data = report.model_dump(mode="json", by_alias=True) if isinstance(report, Report) else report
    hypotheses = list(data.get("hypotheses") or [])[:_TOP]
    evidence = {ev.get("id"): ev for ev in data.get("evidence") or []}
    cited_ids = {i for h in hypotheses for i in h.get("evidence") or []}
    cited = [evidence[i] for i in sorted(cited_ids) if i in evidence]

    entities: set[str] = set()
    workloads: set[str] = set()
    for hyp in hypotheses:
        keys = _entity_keys(hyp.get("entity"))
        if keys:
            entities.add(keys[0])
            workloads.add(keys[1])
    for ev in cited:
        keys = _entity_keys(ev.get("entity"))
        if keys:
            workloads.add(keys[1])
    top_keys = _entity_keys(hypotheses[0].get("entity")) if hypotheses else None

    templates = {p["template_id"] for p in data.get("patterns") or []
                 if p.get("template_id") and p.get("status") in ("new", "spiking")}
    templates |= {ev["template_id"] for ev in cited if ev.get("template_id")}
    alerts = {a["alertname"] for a in data.get("alerts") or []
              if a.get("status") == "firing" and (a.get("severity") or "") not in _QUIET_SEVERITIES}
    return IncidentSignature(
        version=SIGNATURE_VERSION,
        categories=_categories(hypotheses),
        culprit=top_keys[1] if top_keys else None,
        entities=sorted(entities),
        workloads=sorted(workloads),
        namespaces=sorted({w.split("/", 1)[0] for w in workloads} - {""}),
        templates=sorted(templates),
        alerts=sorted(alerts),
        signals=sorted(_signal_tokens(cited, data)),
    )


# --- score -------------------------------------------------------------------------------------


def _jaccard(a: Iterable[str] | None, b: Iterable[str] | None) -> float:
    sa, sb = set(a or ()), set(b or ())
    if not sa or not sb:
        return 0.0  # nothing known on one side is no evidence of likeness
    return len(sa & sb) / len(sa | sb)


def _distribution(cats: Sequence[CategoryScore] | None) -> dict[str, float]:
    """Top-3 confidences normalised to sum to 1, `unknown` left out."""
    conf: dict[str, float] = {}
    for c in cats or ():
        if c["category"] != _UNKNOWN:
            conf[c["category"]] = conf.get(c["category"], 0.0) + max(0.0, c["confidence"])
    total = sum(conf.values())
    return {k: v / total for k, v in conf.items()} if total > 0 else {}


def category_similarity(a: Sequence[CategoryScore] | None, b: Sequence[CategoryScore] | None) -> float:
    """1 for an equal, known top category; else half the overlap of the top-3 distributions."""
    if a and b and a[0]["category"] == b[0]["category"] != _UNKNOWN:
        return 1.0
    da, db = _distribution(a), _distribution(b)
    return RUNNER_UP_FACTOR * sum(min(da[k], db[k]) for k in da.keys() & db.keys())


def components(a: IncidentSignature, b: IncidentSignature) -> dict[str, float]:
    """The per-signal similarities of two signatures, each in [0, 1] (keys of `WEIGHTS`)."""
    return {
        "category": category_similarity(a.get("categories"), b.get("categories")),
        "culprit": 1.0 if a.get("culprit") and a.get("culprit") == b.get("culprit") else 0.0,
        "workloads": _jaccard(a.get("workloads"), b.get("workloads")),
        "namespaces": _jaccard(a.get("namespaces"), b.get("namespaces")),
        "templates": _jaccard(a.get("templates"), b.get("templates")),
        "alerts": _jaccard(a.get("alerts"), b.get("alerts")),
        "signals": _jaccard(a.get("signals"), b.get("signals")),
    }


def score(a: IncidentSignature, b: IncidentSignature) -> float:
    """Similarity of two signatures in [0, 1], symmetric; see the module docstring."""
    parts = components(a, b)
    return round(min(1.0, sum(WEIGHTS[k] * v for k, v in parts.items())), 4)


# --- rank --------------------------------------------------------------------------------------

Candidate = tuple[str, IncidentSignature, str | None, str | None]  # ref, signature, category, summary


def rank(
    target: IncidentSignature,
    candidates: Iterable[Candidate],
    limit: int = 3,
    threshold: float = THRESHOLD,
) -> list[SimilarIncident]:
    """The `limit` candidates most like `target` scoring at least `threshold`, best first.

    Ties keep the candidates' order, so a caller passing the newest first gets the newest first.
    """
    scored = [(score(target, sig), i, ref, cat, summary)
              for i, (ref, sig, cat, summary) in enumerate(candidates)]
    scored = [row for row in scored if row[0] >= threshold]
    scored.sort(key=lambda row: (-row[0], row[1]))
    return [SimilarIncident(ref=ref, score=s, category=cat, resolved_summary=summary)
            for s, _, ref, cat, summary in scored[:limit]]


#: Signatures a `Store` keeps decoded: a long-lived store (a server, a benchmark) ranks every
#: earlier incident on each save; past this many, the least recently used are decoded again.
SIGNATURE_CACHE_SIZE = 10_000


class SignatureCache:
    """Decoded signatures by incident id, each valid while the incident's `updated_at` does not
    move; least recently used first out, so memory stays bounded however many incidents."""

    def __init__(self, size: int | None = None) -> None:
        self.size = SIGNATURE_CACHE_SIZE if size is None else size
        self._entries: OrderedDict[int, tuple[datetime, Any]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, incident_id: int, updated_at: datetime) -> Any | None:
        """The signature cached for this version of the incident, None when absent or stale."""
        entry = self._entries.get(incident_id)
        if entry is None or entry[0] != updated_at:
            return None
        self._entries.move_to_end(incident_id)
        return entry[1]

    def put(self, incident_id: int, updated_at: datetime, signature: Any) -> None:
        self._entries[incident_id] = (updated_at, signature)
        self._entries.move_to_end(incident_id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
