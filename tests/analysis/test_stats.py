"""Count-data tests and robust statistics."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opslens.analysis.stats import binom_sf, mad, median, rate_increase_pvalue


@pytest.mark.parametrize(
    ("k", "n", "p", "expected"),
    [
        (0, 10, 0.3, 1.0),
        (11, 10, 0.3, 0.0),
        (10, 10, 0.5, 0.5**10),
        (1, 1, 0.25, 0.25),
        (3, 5, 0.5, 0.5),  # symmetric: P(X>=3) for Binomial(5, .5)
    ],
)
def test_binomial_upper_tail_matches_closed_forms(k: int, n: int, p: float, expected: float) -> None:
    assert binom_sf(k, n, p) == pytest.approx(expected, rel=1e-9)


@given(st.integers(0, 300), st.integers(0, 300), st.floats(0.01, 0.99))
def test_binomial_tail_is_a_probability_and_decreases_in_k(k: int, n: int, p: float) -> None:
    a, b = binom_sf(k, n, p), binom_sf(k + 1, n, p)
    assert 0.0 <= b <= a + 1e-12 and a <= 1.0


def test_rate_rise_is_significant_only_when_it_is_large_for_the_exposure() -> None:
    # Same rate before and after: not significant.
    assert rate_increase_pvalue(60, 3600, 10, 600) > 0.3
    # Ten times the rate after the onset: highly significant.
    assert rate_increase_pvalue(60, 3600, 100, 600) < 1e-10
    # Tiny counts cannot be significant whatever the ratio.
    assert rate_increase_pvalue(0, 3600, 1, 600) > 0.1


def test_median_and_mad_ignore_outliers() -> None:
    values = [10.0, 11.0, 9.0, 10.0, 10.5, 9.5, 1000.0]
    assert median(values) == 10.0
    assert mad(values) == pytest.approx(1.4826 * 0.5)
    assert math.isnan(median([]))
