"""The detector interface, its registry, and the context detectors read from.

One detector per root-cause category of the taxonomy; a new category is one new module in this
package with a `Detector` subclass decorated by `@register`. Detectors are pure: they read the
context (signal hits, changes, anomalies, alerts, entities) and return candidates that cite
evidence through the shared evidence book.
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from opslens.analysis import signals
from opslens.analysis.alerts import AlertInstance
from opslens.analysis.digest import Digest
from opslens.analysis.entities import EntityGraph
from opslens.analysis.evidence import EvidenceBook, same_shape
from opslens.analysis.findings import AnomalyFinding, ChangeFinding, PatternFinding
from opslens.analysis.hits import SignalHit
from opslens.event_attrs import log_attrs
from opslens.events import Entity, Event, EventKind, iso
from opslens.taxonomy import Category, category


@dataclass
class Candidate:
    """One root-cause hypothesis as a detector sees it."""

    category: Category
    score: float
    title: str
    entity: Entity | None
    evidence: list[str]
    rationale: str
    onset: float | None = None
    change: ChangeFinding | None = None
    against: list[str] = field(default_factory=list)
    symptoms_of: set[str] = field(default_factory=set)  # categories this one explains


@dataclass
class Context:
    digest: Digest
    hits: list[SignalHit]
    changes: list[ChangeFinding]
    anomalies: list[AnomalyFinding]
    alerts: list[AlertInstance]
    patterns: list[PatternFinding]
    graph: EntityGraph
    book: EvidenceBook
    split: float | None
    _by_signal: dict[str, list[SignalHit]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        grouped: dict[str, list[SignalHit]] = defaultdict(list)
        for hit in self.hits:
            grouped[hit.signal].append(hit)
        self._by_signal = dict(grouped)

    def all(self, *signals: str) -> list[SignalHit]:
        return [h for s in signals for h in self._by_signal.get(s, [])]

    def fresh(self, *signals: str, kinds: Iterable[EventKind] | None = None) -> list[SignalHit]:
        """Hits of these signals that belong to this incident (not chronic background)."""
        wanted = set(kinds) if kinds is not None else None
        return [h for h in self.all(*signals) if not h.chronic and (wanted is None or h.kind in wanted)]

    def cite(self, hit: SignalHit, detail: str | None = None, needle: str | None = None, example: int = 0) -> str | None:
        """Cite one of the hit's examples (the first by default), quoting the part of its
        record that carries the signal."""
        if len(hit.events) <= example:
            return None
        event = hit.events[example]
        if needle is None and hit.quote is None:
            # Quote the line of the record that carries the signal (a `Caused by:` line, say).
            pattern = signals.signal_defs()[hit.signal].text
            m = pattern.search(event.raw) if pattern is not None else None
            needle = m.group(0) if m else _fact_line(event, pattern)
        if hit.quote is not None:
            detail = detail or f"{hit.text[:200]} since {iso(hit.first)}"
        return self.book.cite(event, count=hit.count, detail=detail, weight=hit.strength, needle=needle, text=hit.quote)

    def provenance(self, hit: SignalHit) -> str | None:
        """The command whose output a pasted line came from (`$ kubectl logs -n ns pod`),
        cited as the context of that line."""
        via = log_attrs(hit.events[0]).get("via") if hit.events else None
        if isinstance(via, Event):
            return self.book.cite(via, detail="the command that printed the evidence above", weight=0.5)
        return None

    def cite_all(self, hits: Iterable[SignalHit], limit: int = 6, detail: str | None = None) -> list[str]:
        """Cite up to `limit` hits, diverse first: one per (source kind, signal, wording) group,
        strongest and earliest groups first, then further hits round-robin, then the second
        example of each hit (the same failure in other words: another pod, another value)."""
        groups: dict[tuple, list[SignalHit]] = defaultdict(list)
        for hit in hits:
            groups[(hit.kind, hit.signal, hit.text[:40])].append(hit)
        # Direct observations (log lines, events) before alerts and metrics, which are cited
        # elsewhere; then the most specific signals; then the earliest.
        ordered = sorted(groups.values(), key=lambda g: (
            g[0].kind not in (EventKind.LOG, EventKind.EVENT),
            -max(h.strength for h in g),
            min(h.first if h.first is not None else math.inf for h in g),
        ))
        for group in ordered:
            group.sort(key=lambda h: (h.first if h.first is not None else math.inf))
        ids: list[str] = []
        quoted = 0  # evidence of the failure itself; the command lines that printed it do not count
        shapes: set[str] = set()
        for example in (0, 1):
            depth = 0
            while quoted < limit and any(depth < len(g) for g in ordered):
                for group in ordered:
                    if depth < len(group) and quoted < limit:
                        hit = group[depth]
                        # the second example is the latest one (a rescale to 40 after one to 16)
                        pick = len(hit.events) - 1 if example else 0
                        raw = hit.events[pick].raw if hit.events else ""
                        if example and (pick == 0 or (raw.count("\n") >= 2 and same_shape(raw) in shapes)):
                            continue  # no other example, or the same stack trace again
                        eid = self.cite(hit, detail, example=pick)
                        shapes.add(same_shape(raw))
                        if eid and eid not in ids:
                            ids.append(eid)
                            quoted += 1
                            via = self.provenance(group[depth])
                            if via and via not in ids:
                                ids.append(via)
                depth += 1
        return ids

    def change_for(self, workload: Entity | None, before: float | None, window: float = 3 * 3600) -> ChangeFinding | None:
        """The best-ranked dated change touching `workload` shortly before `before`."""
        best = None
        for c in self.changes:
            if c.time is None or not _names(c, workload):
                continue
            if before is not None and c.time is not None and not (-120 <= before - c.time <= window):
                continue
            if best is None or c.score > best.score:
                best = c
        return best


def _names(change: ChangeFinding, workload: Entity | None) -> bool:
    if workload is None:
        return False
    if change.entity is not None and change.entity.name == workload.name:
        return True
    text = " ".join([change.summary, *change.images, *change.files]).lower()
    return workload.name.lower() in text


def combine(strengths: Iterable[float]) -> float:
    """Noisy-OR of independent pieces of evidence: 1 - prod(1 - s)."""
    miss = 1.0
    for s in strengths:
        miss *= 1.0 - max(0.0, min(s, 0.99))
    return 1.0 - miss


def volume(count: int) -> float:
    """How much a repeat count adds: a little for 2, saturating around a few hundred."""
    return min(1.0, math.log10(1 + count) / 2.5)


def top_workload(hits: Iterable[SignalHit], nodes: bool = False) -> Entity | None:
    """The workload most implicated by these hits (strength x volume), earliest on ties.

    Nodes compete only when `nodes` is set, or when no workload is implicated at all: a node's
    journal usually reports on behalf of its pods.
    """
    hits = list(hits)
    best = _best_workload(hits, skip_nodes=not nodes)
    return best if best is not None or nodes else _best_workload(hits, skip_nodes=False)


def _best_workload(hits: list[SignalHit], skip_nodes: bool) -> Entity | None:
    score: dict[Entity, float] = defaultdict(float)
    first: dict[Entity, float] = {}
    skip = ("Namespace", "Instance", "Node") if skip_nodes else ("Namespace", "Instance")
    for h in hits:
        if h.workload is None or h.workload.kind in skip:
            continue
        score[h.workload] += h.strength * (0.5 + volume(h.count))
        if h.first is not None:
            first[h.workload] = min(first.get(h.workload, h.first), h.first)
    if not score:
        return None
    return max(score, key=lambda w: (score[w], -first.get(w, math.inf)))


def earliest(hits: Iterable[SignalHit]) -> float | None:
    """First occurrence among the hits, preferring direct observations (logs, events) over
    alerts and metric anomalies, which lag or predict rather than observe."""
    hits = list(hits)
    direct = [h.first for h in hits if h.first is not None and h.kind in (EventKind.LOG, EventKind.EVENT)]
    if direct:
        return min(direct)
    times = [h.first for h in hits if h.first is not None]
    return min(times) if times else None


class Detector(ABC):
    category: ClassVar[Category]
    title: ClassVar[str]

    @abstractmethod
    def detect(self, ctx: Context) -> list[Candidate]:
        """Candidates for this category (empty when its signature is absent)."""

    def culprit(self, ctx: Context, hits: list[SignalHit]) -> Entity | None:
        """The object at fault given hits of this category (the most implicated workload by
        default; a category knows better: the server of an expired certificate, the owner of a
        full volume, the cluster resolver). Component signatures ask it too."""
        return top_workload(hits)


_REGISTRY: dict[str, type[Detector]] = {}


def register(cls: type[Detector]) -> type[Detector]:
    """Class decorator: add a detector for its category (an unknown category is an error)."""
    cls.category = category(cls.category)
    if cls.category in _REGISTRY and _REGISTRY[cls.category] is not cls:
        raise ValueError(f"detector for {cls.category!r} registered twice")
    _REGISTRY[cls.category] = cls
    return cls


def detectors() -> dict[str, type[Detector]]:
    """All registered detectors by category (the package import registers the built-in ones)."""
    return dict(_REGISTRY)


def _fact_line(event: Event, pattern: re.Pattern[str] | None) -> str | None:
    """The output line behind the fact the signal matched, when it matched a fact in words
    (`the certificate has expired`) rather than the verbatim output (`expire date: ...`)."""
    facts = log_attrs(event).get("fact_lines") if pattern is not None else None
    if not isinstance(facts, dict):
        return None
    return next((line for fact, line in facts.items() if isinstance(line, str) and pattern.search(fact)), None)
