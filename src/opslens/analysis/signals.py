"""Semantic signals: matching the knowledge base (`knowledge/signals.yaml`) against findings.

Matching runs once per message template, Kubernetes event, alert and anomaly — never per log
line — so the knowledge base can be rich without slowing ingest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


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


def _combine(patterns: list[str] | None, flags: int = re.I) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


@lru_cache(maxsize=1)
def signal_defs() -> dict[str, SignalDef]:
    """The packaged signal knowledge base, compiled."""
    raw = yaml.safe_load(resources.files("opslens.analysis.knowledge").joinpath("signals.yaml").read_text())
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


def strength(signal: str) -> float:
    return signal_defs()[signal].strength


def is_trouble(signal: str) -> bool:
    """False for signals that only describe activity (rollouts, start-ups, shutdowns)."""
    return not signal_defs()[signal].context
