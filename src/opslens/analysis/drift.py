"""Distribution drift between two windows of a histogram: PSI and the two-sample KS test.

Model monitoring exports the distribution of predictions (or of an input feature) as a
Prometheus histogram: cumulative `*_bucket{le="..."}` counters. The counts each bucket gained in
a window are that window's sample, binned. Two windows are compared:

- **Population stability index** (PSI) = sum over bins of (a - e) * ln(a / e), with `e` and `a`
  the bins' shares in the baseline and incident windows (the symmetric Kullback-Leibler
  divergence). An empty bin takes a share of `PSI_EPSILON` so the sum stays finite. The usual
  reading, used here: below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25
  (`PSI_SHIFT`) a significant shift of the population.
- **Kolmogorov-Smirnov** D = the largest gap between the two empirical CDFs, evaluated at the
  bucket bounds (all a histogram knows: on binned data this is exactly the KS statistic of the
  samples placed at their bucket's upper bound). Its p-value is the asymptotic Kolmogorov
  distribution at sqrt(n*m/(n+m)) * D; a shift is significant below `KS_ALPHA` (0.001: with
  thousands of predictions per window, a looser level flags noise).

Both are pure functions of counts; `histograms()` turns metric series events into per-window
counts.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from opslens.event_attrs import metric_attrs
from opslens.events import Event

#: Share given to an empty bin in the PSI sum (keeps ln finite, adds little).
PSI_EPSILON = 1e-4
#: PSI above this is a significant shift of the population.
PSI_SHIFT = 0.25
#: PSI between 0.1 and PSI_SHIFT is a moderate shift.
PSI_MODERATE = 0.1
#: KS p-value below this is a significant difference of the two distributions.
KS_ALPHA = 0.001
#: Fewer observations than this in either window: no verdict.
MIN_OBSERVATIONS = 50


def psi(baseline: list[float], incident: list[float], epsilon: float = PSI_EPSILON) -> float:
    """Population stability index of two binned samples (same bins, counts or shares)."""
    if len(baseline) != len(incident):
        raise ValueError(f"bins differ: {len(baseline)} baseline, {len(incident)} incident")
    total_e, total_a = sum(baseline), sum(incident)
    if total_e <= 0 or total_a <= 0:
        raise ValueError("a window without observations has no distribution")
    out = 0.0
    for e_count, a_count in zip(baseline, incident, strict=True):
        e = max(e_count / total_e, epsilon)
        a = max(a_count / total_a, epsilon)
        out += (a - e) * math.log(a / e)
    return out


def ks_statistic(baseline: list[float], incident: list[float]) -> float:
    """KS D: the largest gap between the two cumulative shares, at the bin bounds."""
    if len(baseline) != len(incident):
        raise ValueError(f"bins differ: {len(baseline)} baseline, {len(incident)} incident")
    total_e, total_a = sum(baseline), sum(incident)
    if total_e <= 0 or total_a <= 0:
        raise ValueError("a window without observations has no distribution")
    cum_e = cum_a = 0.0
    gap = 0.0
    for e_count, a_count in zip(baseline, incident, strict=True):
        cum_e += e_count
        cum_a += a_count
        gap = max(gap, abs(cum_e / total_e - cum_a / total_a))
    return gap


def kolmogorov_sf(x: float) -> float:
    """P(K > x) for the Kolmogorov distribution (the limit of sqrt(n) * D)."""
    if x <= 0:
        return 1.0
    if x < 0.2:
        return 1.0  # the series below converges slowly there; the tail is 1 to 1e-12
    total = 0.0
    for j in range(1, 101):
        term = math.exp(-2.0 * j * j * x * x)
        total += term if j % 2 else -term
        if term < 1e-16:
            break
    return max(0.0, min(1.0, 2.0 * total))


def ks_pvalue(d: float, n: float, m: float) -> float:
    """Asymptotic two-sided p-value of D for samples of sizes n and m."""
    if n <= 0 or m <= 0:
        return 1.0
    return kolmogorov_sf(math.sqrt(n * m / (n + m)) * d)


@dataclass(frozen=True)
class Shift:
    """How one histogram's distribution moved between the baseline and incident windows."""

    series: str  # the histogram's name and labels, without `le`
    event: Event  # one of its bucket series, to cite
    psi: float
    ks: float
    ks_p: float
    baseline_n: float
    incident_n: float
    baseline_mean_bin: float  # mean bucket index: which way the mass moved
    incident_mean_bin: float

    @property
    def significant(self) -> bool:
        return self.psi > PSI_SHIFT and self.ks_p < KS_ALPHA

    def describe(self) -> str:
        """One line for the evidence: both statistics with their thresholds."""
        way = "up" if self.incident_mean_bin > self.baseline_mean_bin else "down"
        level = "significant" if self.psi > PSI_SHIFT else "moderate" if self.psi > PSI_MODERATE else "no"
        return (f"distribution shift of {self.series}: PSI {self.psi:.3f} ({level} shift; > {PSI_SHIFT} is significant), "
                f"KS D {self.ks:.3f}, p {self.ks_p:.2g} (< {KS_ALPHA} is significant), mass moved {way}; "
                f"{self.baseline_n:.0f} baseline vs {self.incident_n:.0f} incident observations")


@dataclass
class _Histogram:
    bounds: list[float]
    samples: list[list[tuple[float, float]]]  # per bound, (time, cumulative count)
    event: Event


def histograms(series: list[Event], name_filter=None) -> dict[str, _Histogram]:  # noqa: ANN001
    """Bucket series grouped into histograms (`name{labels without le}`), bounds ascending."""
    grouped: dict[str, dict[float, tuple[list[tuple[float, float]], Event]]] = defaultdict(dict)
    for e in series:
        attrs = metric_attrs(e)
        name = str(attrs.get("name") or "")
        labels = {str(k): str(v) for k, v in (attrs.get("labels") or {}).items()}
        if not name.endswith("_bucket") or "le" not in labels or (name_filter is not None and not name_filter(name)):
            continue
        try:
            bound = math.inf if labels["le"] in ("+Inf", "Inf", "inf") else float(labels["le"])
        except ValueError:
            continue
        samples = [(float(t), float(v)) for t, v in attrs.get("samples") or [] if v == v]
        rest = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()) if k != "le")
        grouped[f"{name.removesuffix('_bucket')}{{{rest}}}"][bound] = (samples, e)
    out = {}
    for key, by_bound in grouped.items():
        bounds = sorted(by_bound)
        if len(bounds) < 3:
            continue
        out[key] = _Histogram(bounds, [by_bound[b][0] for b in bounds], by_bound[bounds[-1]][1])
    return out


def _gained(samples: list[tuple[float, float]], t0: float, t1: float) -> float:
    """What a cumulative counter gained within [t0, t1] (a drop is a restart from zero)."""
    inside = [v for t, v in samples if t0 <= t <= t1]
    gained = 0.0
    for a, b in zip(inside, inside[1:], strict=False):
        gained += b - a if b >= a else b
    return gained


def window_counts(h: _Histogram, t0: float, t1: float) -> list[float]:
    """Observations per bin within [t0, t1] (cumulative buckets differenced across bounds)."""
    cumulative = [_gained(s, t0, t1) for s in h.samples]
    counts, previous = [], 0.0
    for c in cumulative:
        counts.append(max(0.0, c - previous))
        previous = max(previous, c)
    return counts


def shift(key: str, h: _Histogram, baseline: tuple[float, float], incident: tuple[float, float]) -> Shift | None:
    """PSI and KS of one histogram between two windows; None without enough observations."""
    e = window_counts(h, *baseline)
    a = window_counts(h, *incident)
    if sum(e) < MIN_OBSERVATIONS or sum(a) < MIN_OBSERVATIONS:
        return None
    d = ks_statistic(e, a)
    return Shift(key, h.event, psi(e, a), d, ks_pvalue(d, sum(e), sum(a)), sum(e), sum(a),
                 _mean_bin(e), _mean_bin(a))


def _mean_bin(counts: list[float]) -> float:
    total = sum(counts)
    return sum(i * c for i, c in enumerate(counts)) / total if total else 0.0


def span(h: _Histogram) -> tuple[float, float] | None:
    """First and last sample time of a histogram."""
    times = [t for s in h.samples for t, _ in s]
    return (min(times), max(times)) if times else None
