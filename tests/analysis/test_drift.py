"""PSI and the two-sample KS test on histogram buckets match scipy and a hand-checked table.

PSI is the symmetric Kullback-Leibler divergence of the two windows' bin shares, so scipy's
`rel_entr` computes it; KS D on binned data equals `ks_2samp` on the samples placed at their
bucket's upper bound; the p-value is the Kolmogorov distribution (`kstwobign`).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opslens.analysis import drift
from opslens.event_attrs import metric_attrs
from opslens.events import Event, EventKind, Origin

scipy = pytest.importorskip("scipy", reason="the reference computation needs scipy (the test extra)")
from scipy import special, stats  # noqa: E402

# (baseline counts, incident counts, PSI worked by hand to 4 decimals)
HAND_CHECKED = [
    # shares .5/.5 vs .25/.75: (.25-.5)ln(.5) + (.75-.5)ln(1.5) = .1733 + .1014
    ([50, 50], [25, 75], 0.2747),
    # shares .2/.3/.5 vs .3/.3/.4: (.1)ln(1.5) + 0 + (-.1)ln(.8) = .04055 + .02231
    ([20, 30, 50], [30, 30, 40], 0.0629),
    ([10, 10, 10, 10], [10, 10, 10, 10], 0.0),
]

FIXED = [
    ([120, 340, 610, 520, 280, 90, 40], [60, 150, 380, 560, 510, 260, 80]),
    ([5, 40, 200, 400, 200, 40, 5], [5, 40, 200, 400, 200, 40, 5]),
    ([900, 80, 15, 5, 0, 0], [300, 300, 200, 120, 60, 20]),
    ([1, 2, 3], [3, 2, 1]),
]


@pytest.mark.parametrize(("baseline", "incident", "expected"), HAND_CHECKED)
def test_psi_matches_the_hand_checked_table(baseline: list[float], incident: list[float], expected: float) -> None:
    assert drift.psi(baseline, incident) == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize(("baseline", "incident"), [f for f in FIXED if 0 not in f[0] + f[1]])
def test_psi_is_the_symmetric_kl_divergence_of_scipy(baseline: list[float], incident: list[float]) -> None:
    e = [c / sum(baseline) for c in baseline]
    a = [c / sum(incident) for c in incident]
    reference = float(sum(special.rel_entr(a, e)) + sum(special.rel_entr(e, a)))
    assert drift.psi(baseline, incident) == pytest.approx(reference, rel=1e-9)


def test_psi_gives_empty_bins_the_documented_floor() -> None:
    e = [max(c / 1000, drift.PSI_EPSILON) for c in (900, 80, 15, 5, 0, 0)]
    a = [c / 1000 for c in (300, 300, 200, 120, 60, 20)]
    reference = sum((x - y) * math.log(x / y) for x, y in zip(a, e, strict=True))
    assert drift.psi([900, 80, 15, 5, 0, 0], [300, 300, 200, 120, 60, 20]) == pytest.approx(reference, rel=1e-12)


@pytest.mark.parametrize(("baseline", "incident"), FIXED)
def test_ks_statistic_matches_scipy_on_the_binned_samples(baseline: list[int], incident: list[int]) -> None:
    bounds = list(range(len(baseline)))  # every observation sits at its bucket's upper bound
    xs = [b for b, n in zip(bounds, baseline, strict=True) for _ in range(n)]
    ys = [b for b, n in zip(bounds, incident, strict=True) for _ in range(n)]
    assert drift.ks_statistic(baseline, incident) == pytest.approx(stats.ks_2samp(xs, ys).statistic, abs=1e-12)


@pytest.mark.parametrize("x", [0.3, 0.5, 0.8, 1.0, 1.36, 1.63, 2.0, 3.0])
def test_kolmogorov_tail_matches_scipy(x: float) -> None:
    assert drift.kolmogorov_sf(x) == pytest.approx(stats.kstwobign.sf(x), abs=1e-9)


def test_ks_pvalue_uses_the_effective_sample_size() -> None:
    d, n, m = 0.05, 2000.0, 3000.0
    assert drift.ks_pvalue(d, n, m) == pytest.approx(stats.kstwobign.sf(d * math.sqrt(n * m / (n + m))), abs=1e-9)


@given(st.lists(st.tuples(st.integers(1, 10_000), st.integers(1, 10_000)), min_size=2, max_size=20))
def test_psi_and_ks_properties(pairs: list[tuple[int, int]]) -> None:
    e, a = [p[0] for p in pairs], [p[1] for p in pairs]
    assert drift.psi(e, a) >= 0.0
    assert drift.psi(e, a) == pytest.approx(drift.psi(a, e))
    assert drift.psi(e, e) == pytest.approx(0.0, abs=1e-12)
    assert 0.0 <= drift.ks_statistic(e, a) <= 1.0
    assert drift.ks_statistic(e, a) == pytest.approx(drift.ks_statistic(a, e))


def test_empty_window_is_an_error_not_a_number() -> None:
    with pytest.raises(ValueError, match="without observations"):
        drift.psi([0, 0], [1, 2])
    with pytest.raises(ValueError, match="bins differ"):
        drift.ks_statistic([1, 2], [1, 2, 3])


def _bucket(le: str, samples: list[list[float]]) -> Event:
    attrs = {"name": "fraud_score_prediction_bucket", "labels": {"le": le, "namespace": "risk", "service": "scorer"},
             "samples": samples}
    return Event(None, EventKind.METRIC, "prometheus", Origin("metrics.json"), "", "", attrs=attrs)


def test_windows_of_cumulative_buckets_give_per_bin_counts() -> None:
    # three bins; 10 observations per step, all in bin 0 for the first 3 steps, then all in bin 2
    times = [0.0, 60.0, 120.0, 180.0, 240.0, 300.0, 360.0]
    low = [min(i, 3) * 10.0 for i in range(7)]
    mid = low
    inf = [i * 10.0 for i in range(7)]
    series = [_bucket("0.5", [[t, v] for t, v in zip(times, low, strict=True)]),
              _bucket("0.9", [[t, v] for t, v in zip(times, mid, strict=True)]),
              _bucket("+Inf", [[t, v] for t, v in zip(times, inf, strict=True)])]
    (key, h), = drift.histograms(series).items()
    assert key == 'fraud_score_prediction{namespace="risk",service="scorer"}'
    assert drift.window_counts(h, 0, 180) == [30.0, 0.0, 0.0]
    assert drift.window_counts(h, 180, 360) == [0.0, 0.0, 30.0]
    assert metric_attrs(h.event)["labels"]["le"] == "+Inf"
