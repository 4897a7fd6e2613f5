"""Small statistics helpers (no SciPy): tests for count data and robust location/scale."""

from __future__ import annotations

import math
from collections.abc import Sequence


def binom_sf(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), computed in log space; exact for any n we meet."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    if k <= n * p:
        # Below the mean the upper tail is close to 1: sum the (small) lower tail instead.
        return max(0.0, 1.0 - _tail_sum(range(k - 1, -1, -1), n, p))
    return min(1.0, _tail_sum(range(k, n + 1), n, p))


def _tail_sum(indices: range, n: int, p: float) -> float:
    """Sum of binomial pmf terms over `indices`, walking away from the mode (terms shrink)."""
    log_p, log_q = math.log(p), math.log1p(-p)
    lg_n1 = math.lgamma(n + 1)
    total = 0.0
    for i in indices:
        term = math.exp(lg_n1 - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q)
        total += term
        if term < total * 1e-16:
            break
    return total


def rate_increase_pvalue(before: int, before_span: float, after: int, after_span: float) -> float:
    """One-sided p-value that the rate after exceeds the rate before (Poisson counts).

    Conditional on the total, the count after is Binomial(total, share of exposure after) under
    equal rates: the classic exact test for comparing two Poisson rates.
    """
    if after_span <= 0 or before_span <= 0:
        return 1.0
    total = before + after
    share = after_span / (before_span + after_span)
    return binom_sf(after, total, share)


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return float("nan")
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2.0


def mad(values: Sequence[float], center: float | None = None) -> float:
    """Median absolute deviation, scaled to estimate the standard deviation of normal data."""
    if not values:
        return float("nan")
    c = median(values) if center is None else center
    return 1.4826 * median([abs(v - c) for v in values])
