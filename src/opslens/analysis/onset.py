"""Onset: when did the incident start? From the earliest coherent burst of new trouble.

A log file's first lines always look "new", and chronic noise (a probe failing all day, an alert
firing since yesterday) starts long before the incident. So the preliminary onset is the start
of the densest burst of *novel* problem signals: warning-or-worse templates first seen well after
their source began, Warning events first seen inside the window, metric anomaly onsets and
alerts that started firing recently. Detectors later refine it to their own first symptom.
"""

from __future__ import annotations

from bisect import bisect_right

from opslens.analysis.alerts import AlertInstance
from opslens.analysis.digest import Digest
from opslens.analysis.findings import AnomalyFinding
from opslens.event_attrs import k8s_attrs
from opslens.events import Severity

BURST_SECONDS = 10 * 60
#: Gap that ends a burst when walking back from its densest point.
LINK_SECONDS = 5 * 60
#: Templates first seen this soon after their source started are not evidence of novelty.
WARMUP_SECONDS = 5 * 60
#: Signals that started this long before the first log line predate what we can see.
PREEXISTING_SECONDS = 30 * 60


def novel_times(digest: Digest, alerts: list[AlertInstance], anomalies: list[AnomalyFinding]) -> list[tuple[float, float]]:
    """(time, weight) of every novel problem signal."""
    out: list[tuple[float, float]] = []
    logs_start = _logs_start(digest)
    for stats in digest.templates.values():
        if stats.severity < Severity.WARNING or stats.first is None:
            continue
        if stats.kinds and stats.kinds.keys() <= digest.event_sources:
            continue  # Kubernetes-style events are judged by their own timestamps below
        if logs_start is not None and stats.first - logs_start < WARMUP_SECONDS:
            continue
        out.append((stats.first, 2.0 if stats.severity >= Severity.ERROR else 1.0))
    # Trouble that began well before the logs we have is background, not this incident.
    horizon = logs_start - PREEXISTING_SECONDS if logs_start is not None else None
    for e in digest.k8s_events:
        attrs = k8s_attrs(e)
        if attrs.get("type") == "Warning" and e.time is not None and (horizon is None or e.time >= horizon):
            out.append((e.time, 1.5))
            out += _repeats(e.time, attrs.get("last_time"), int(attrs.get("count") or 1))
    for a in anomalies:
        if a.onset is not None:
            out.append((a.onset, 1.0 + a.score))
    for a in alerts:
        if a.status == "firing" and a.first is not None and a.severity not in ("info", "none") and (horizon is None or a.first >= horizon):
            out.append((a.first, 1.0))
    return sorted(out)


def _repeats(first: float, last: float | None, count: int) -> list[tuple[float, float]]:
    """An event seen `count` times from `first` to `last` (`x24 over 25m`) went on all along:
    light points across the span, so a burst at its end links back to its start."""
    if last is None or count < 2 or last - first <= LINK_SECONDS:
        return []
    steps = min(count - 1, int((last - first) // (LINK_SECONDS / 2)))
    return [(first + (last - first) * k / steps, 0.2) for k in range(1, steps + 1)] if steps else []


def _logs_start(digest: Digest) -> float | None:
    firsts = [s.first for s in digest.templates.values() if s.first is not None and not (s.kinds and s.kinds.keys() <= digest.event_sources)]
    return min(firsts) if firsts else None


def estimate_onset(digest: Digest, alerts: list[AlertInstance], anomalies: list[AnomalyFinding]) -> float | None:
    """Start of the densest burst of novel problem signals (None when there are none)."""
    points = novel_times(digest, alerts, anomalies)
    if not points:
        return None
    times = [t for t, _ in points]
    weights = [w for _, w in points]
    best_i, best_w = 0, -1.0
    for i, t in enumerate(times):
        j = bisect_right(times, t + BURST_SECONDS)
        w = sum(weights[i:j])
        if w > best_w:
            best_i, best_w = i, w
    # Walk back while earlier signals link to the burst without a long gap.
    i = best_i
    while i > 0 and times[i] - times[i - 1] <= LINK_SECONDS:
        i -= 1
    return times[i]
