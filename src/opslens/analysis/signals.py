"""Semantic signals: matching the knowledge base against findings.

Two kinds of knowledge: generic signals (`knowledge/signals.yaml`: an OOM kill, a failed
probe, a 5xx) that the category detectors combine, and component failure signatures
(`knowledge/signatures/*.yaml`: what CoreDNS, the kubelet or Postgres print when they fail in a
known way), each mapped to one root-cause category. Both become `SignalDef`s; a signature's
carries its `category`.

Matching runs once per message template, Kubernetes event, alert and anomaly — never per log
line — so the knowledge base can be rich without slowing ingest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from opslens.taxonomy import Category, category

#: libyaml's safe loader when PyYAML was built with it (about ten times faster), else Python's.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class SignalDef:
    id: str
    strength: float
    text: re.Pattern[str] | None
    reasons: frozenset[str]
    alerts: re.Pattern[str] | None
    metrics: re.Pattern[str] | None
    direction: str | None
    context: bool = False  # activity rather than trouble
    category: Category | None = None  # signatures: the root-cause category the line proves
    role: str = "cause"  # signatures: cause, or a symptom that causes produce
    explains: frozenset[str] = frozenset()  # signatures: categories whose symptoms it explains
    component: str | None = None
    supports: frozenset[str] = frozenset()  # categories this (context) signal corroborates


def _combine(patterns: list[str] | None, flags: int = re.I) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


@lru_cache(maxsize=1)
def signal_defs() -> dict[str, SignalDef]:
    """The packaged knowledge base, compiled: generic signals, then component signatures."""
    knowledge = resources.files("opslens.analysis.knowledge")
    raw = yaml.load(knowledge.joinpath("signals.yaml").read_text(), Loader=_LOADER)
    defs = _generic(raw)
    for sig in _signature_specs(knowledge.joinpath("signatures")):
        for other in sig.get("explains") or ():
            category(str(other))  # a typo is a loud error, not a category nobody detects
        if sig["id"] in defs:
            raise ValueError(f"signature id {sig['id']!r} is defined twice")
        defs[sig["id"]] = SignalDef(
            id=sig["id"],
            strength=float(sig.get("strength", 0.5)),
            text=_combine(sig.get("text"), re.I | re.M),
            reasons=frozenset(sig.get("reasons") or ()),
            alerts=None,
            metrics=None,
            direction=None,
            category=category(str(sig["category"])),
            role=str(sig.get("role") or "cause"),
            explains=frozenset(sig.get("explains") or ()),
            component=sig.get("component"),
        )
    return defs


def _signature_specs(folder) -> list[dict]:  # noqa: ANN001 - an importlib Traversable
    specs: list[dict] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            specs += yaml.load(entry.read_text(encoding="utf-8"), Loader=_LOADER) or []
    return specs


def _generic(raw: dict) -> dict[str, SignalDef]:
    defs = {}
    for sid, spec in raw.items():
        defs[sid] = SignalDef(
            id=sid,
            strength=float(spec.get("strength", 0.5)),
            text=_combine(spec.get("text"), re.I | re.M),
            reasons=frozenset(spec.get("reasons") or ()),
            alerts=_combine(spec.get("alerts"), 0),
            metrics=_combine(spec.get("metrics")),
            direction=spec.get("direction"),
            context=bool(spec.get("context", False)),
            supports=frozenset(category(str(c)) for c in spec.get("supports") or ()),
        )
    return defs


def text_signals(text: str) -> list[str]:
    """Ids of signals whose message patterns occur in `text`."""
    return [d.id for d in signal_defs().values() if d.text is not None and d.text.search(text)]


def reason_signals(reason: str | None) -> list[str]:
    if not reason:
        return []
    return [d.id for d in signal_defs().values() if reason in d.reasons]


def alert_signals(alertname: str) -> list[str]:
    return [d.id for d in signal_defs().values() if d.alerts is not None and d.alerts.search(alertname)]


def metric_signals(series: str, direction: str) -> list[str]:
    """Signals of a metric anomaly: the series matches and it moved the meaningful way."""
    found = []
    for d in signal_defs().values():
        if d.metrics is not None and d.metrics.search(series) and d.direction in (None, direction):
            found.append(d.id)
    return found


def signatures_of(wanted: str) -> list[str]:
    """Ids of the component signatures that prove category `wanted`."""
    return [d.id for d in signal_defs().values() if d.category == wanted]


def supporting(wanted: str) -> list[SignalDef]:
    """Signals that corroborate category `wanted` wherever they occur (a swap line in fstab for
    a kubelet that refuses swap, the biggest directory for a full disk)."""
    return [d for d in signal_defs().values() if wanted in d.supports]


def category_of(signal: str) -> Category | None:
    """The category a signature proves (None for generic signals)."""
    return signal_defs()[signal].category


def strength(signal: str) -> float:
    return signal_defs()[signal].strength


def is_trouble(signal: str) -> bool:
    """False for signals that only describe activity (rollouts, start-ups, shutdowns)."""
    return not signal_defs()[signal].context
