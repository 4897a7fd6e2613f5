"""Metric anomalies: level shifts, spikes and trends per series, against the series' own baseline.

Robust statistics only (median/MAD), so a few wild points in the baseline do not hide a shift.
Cumulative counters (`*_total`, or any monotonic series with resets) are turned into rates
first. Each anomaly has an onset (the first point of the first sustained excursion), a
magnitude and direction, and a strength used for ranking.
"""

from __future__ import annotations

import math
import re

from opslens.analysis.findings import AnomalyFinding
from opslens.analysis.stats import mad, median
from opslens.event_attrs import metric_attrs
from opslens.events import Event

MIN_POINTS = 8
BASELINE_SHARE = 0.4
Z_SUSTAINED = 4.0
Z_SPIKE = 8.0
RUN = 3  # consecutive points that make an excursion sustained

_MEASURES: list[tuple[str, re.Pattern[str]]] = [
    ("throttling", re.compile(r"throttl", re.I)),
    ("error-rate", re.compile(r"5xx|error|fail|exception|status=\"?5|code=\"?5|rejected|dropped", re.I)),
    ("latency", re.compile(r"latency|duration|_seconds(_bucket|_sum)?\b|p9[59]|quantile|response_time", re.I)),
    ("restarts", re.compile(r"restart", re.I)),
    ("memory", re.compile(r"memory|rss|heap|_bytes.*mem|oom", re.I)),
    ("cpu", re.compile(r"cpu", re.I)),
    ("disk", re.compile(r"filesystem|disk|volume_stats|inode|ephemeral|storage", re.I)),
    ("connections", re.compile(r"connection|pg_stat_activity|threads_connected|pool|sessions|clients", re.I)),
    ("availability", re.compile(r"probe_success|\bup\b|^up$|available|ready", re.I)),
    ("dns", re.compile(r"coredns|dns", re.I)),
    ("rate-limit", re.compile(r"ratelimit|rate_limit|quota|throttle", re.I)),
    ("certificate", re.compile(r"cert|ssl|x509|tls.*expir", re.I)),
    ("queue", re.compile(r"queue|lag|backlog|pending", re.I)),
    ("traffic", re.compile(r"request|rps|http_|traffic|throughput", re.I)),
]


def measure_of(name: str | None, labels: dict[str, str]) -> str | None:
    """What a series measures, from its name and labels (error rate, latency, memory, ...)."""
    text = " ".join([name or "", *(f'{k}="{v}"' for k, v in sorted(labels.items()))])
    for measure, pattern in _MEASURES:
        if pattern.search(text):
            return measure
    return None


def series_label(name: str | None, labels: dict[str, str]) -> str:
    inner = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    return f"{name or ''}{{{inner}}}"


def series_key(event: Event) -> str:
    """The selector-style name of a metric series event (`name{a="b"}`): how anomalies and the
    evidence for them refer to it."""
    attrs = metric_attrs(event)
    return series_label(attrs.get("name"), {str(k): str(v) for k, v in (attrs.get("labels") or {}).items()})


def to_rate(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Per-second rate of a cumulative counter; a drop is a counter reset, not a negative rate."""
    rates = []
    for (t0, v0), (t1, v1) in zip(points, points[1:], strict=False):
        dt = t1 - t0
        if dt <= 0:
            continue
        increase = v1 - v0 if v1 >= v0 else v1  # reset: the counter restarted from zero
        rates.append((t1, increase / dt))
    return rates


def _is_counter(name: str | None, values: list[float]) -> bool:
    if name and re.search(r"_(total|count|sum)$", name):
        return True
    if len(values) < MIN_POINTS:
        return False
    ups = sum(1 for a, b in zip(values, values[1:], strict=False) if b > a)
    downs = sum(1 for a, b in zip(values, values[1:], strict=False) if b < a)
    # Monotonic with rare resets, and actually growing: a counter nobody rated.
    return ups >= len(values) * 0.6 and downs <= max(1, len(values) // 50) and values[-1] > values[0] * 1.5 > 0


def detect(event: Event) -> AnomalyFinding | None:
    """The strongest anomaly of one metric series event, or None."""
    attrs = metric_attrs(event)
    name = attrs.get("name")
    labels = {str(k): str(v) for k, v in (attrs.get("labels") or {}).items()}
    points = [(float(t), float(v)) for t, v in attrs.get("samples") or [] if v == v and not math.isinf(v)]
    if len(points) < MIN_POINTS:
        return None
    if _is_counter(name, [v for _, v in points]):
        points = to_rate(points)
        if len(points) < MIN_POINTS:
            return None
    found = _excursion(points)
    if found is None:
        return None
    shape, direction, onset, base, peak, score = found
    return AnomalyFinding(
        series=series_key(event),
        name=name,
        labels=labels,
        measure=measure_of(name, labels),
        direction=direction,
        shape=shape,
        onset=onset,
        baseline=base,
        peak=peak,
        score=score,
    )


def _excursion(points: list[tuple[float, float]]) -> tuple[str, str, float, float, float, float] | None:
    values = [v for _, v in points]
    n_base = max(MIN_POINTS // 2, int(len(values) * BASELINE_SHARE))
    base = values[:n_base]
    center = median(base)
    spread = max(mad(base, center), abs(center) * 0.02, 1e-9)
    z = [(v - center) / spread for v in values]
    start = _first_run(z, n_base)
    if start is not None:
        tail = values[start:]
        level = median(tail)
        direction = "up" if level > center else "down"
        shape = "trend" if _monotone(tail) and len(tail) >= 2 * RUN else "level-shift"
        peak = max(tail) if direction == "up" else min(tail)
        strength = abs(level - center) / spread
        return shape, direction, points[start][0], center, peak, _squash(strength)
    worst = max(range(n_base, len(z)), key=lambda i: abs(z[i]), default=None)
    if worst is not None and abs(z[worst]) >= Z_SPIKE:
        direction = "up" if z[worst] > 0 else "down"
        return "spike", direction, points[worst][0], center, values[worst], _squash(abs(z[worst])) * 0.6
    return None


def _first_run(z: list[float], begin: int) -> int | None:
    """Index of the first run of RUN points beyond the threshold, same sign, that mostly persists."""
    for i in range(begin, len(z) - RUN + 1):
        window = z[i : i + RUN]
        if all(v > Z_SUSTAINED for v in window) or all(v < -Z_SUSTAINED for v in window):
            sign = 1 if window[0] > 0 else -1
            rest = z[i:]
            persistent = sum(1 for v in rest if v * sign > Z_SUSTAINED / 2) / len(rest)
            if persistent >= 0.6:
                # Walk back to where the excursion began (trends creep up before crossing).
                j = i
                while j > begin and z[j - 1] * sign > 2.0:
                    j -= 1
                return j
    return None


def _monotone(values: list[float]) -> bool:
    ups = sum(1 for a, b in zip(values, values[1:], strict=False) if b >= a)
    downs = len(values) - 1 - ups
    return max(ups, downs) >= 0.8 * (len(values) - 1) and abs(values[-1] - values[0]) > 0


def _squash(strength: float) -> float:
    """Map an unbounded z-like strength to 0..1 (4 -> ~0.5, 20 -> ~0.93)."""
    return round(1.0 - math.exp(-strength / 6.0), 4)


def detect_all(series: list[Event]) -> list[AnomalyFinding]:
    """Anomalies of all series, strongest first."""
    found = [a for e in series if (a := detect(e)) is not None]
    return sorted(found, key=lambda a: -a.score)
