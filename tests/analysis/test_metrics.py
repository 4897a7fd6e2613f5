"""Metric anomaly detection on synthetic series with known shapes."""

from __future__ import annotations

import random

from opslens.analysis.metrics import detect, measure_of, to_rate
from opslens.events import Event, EventKind, Origin

T0 = 1_700_000_000.0


def _series(values: list[float], name: str = "x", **labels: str) -> Event:
    samples = [[T0 + 30 * i, v] for i, v in enumerate(values)]
    return Event(T0, EventKind.METRIC, "prometheus", Origin("m.json"), name, name,
                 attrs={"name": name, "labels": labels, "samples": samples})


def _noise(n: int, level: float, spread: float, seed: int = 1) -> list[float]:
    rng = random.Random(seed)
    return [level + rng.uniform(-spread, spread) for _ in range(n)]


def test_level_shift_up_is_found_with_its_onset() -> None:
    values = _noise(60, 1.0, 0.1) + _noise(40, 8.0, 0.3, seed=2)
    a = detect(_series(values, "http_errors:rate5m"))
    assert a is not None and a.direction == "up" and a.shape == "level-shift"
    assert a.onset == T0 + 30 * 60
    assert a.baseline < 1.2 and a.peak > 7


def test_drop_to_zero_is_a_downward_shift() -> None:
    a = detect(_series([1.0] * 50 + [0.0] * 30, "probe_success"))
    assert a is not None and a.direction == "down"
    assert a.onset == T0 + 30 * 50


def test_steady_noisy_series_has_no_anomaly() -> None:
    assert detect(_series(_noise(120, 100.0, 5.0))) is None


def test_single_spike_is_a_spike_not_a_shift() -> None:
    values = _noise(80, 10.0, 0.5)
    values[60] = 200.0
    a = detect(_series(values))
    assert a is not None and a.shape == "spike" and a.onset == T0 + 30 * 60


def test_counter_with_reset_becomes_a_rate_without_negative_values() -> None:
    points = [(0.0, 0.0), (10.0, 100.0), (20.0, 200.0), (30.0, 50.0), (40.0, 150.0)]
    rates = to_rate(points)
    assert [r for _, r in rates] == [10.0, 10.0, 5.0, 10.0]


def test_counter_total_is_rated_before_detection() -> None:
    # Constant rate of 1/s, then 10/s: as raw counter it only ever grows.
    total, values = 0.0, []
    for i in range(100):
        total += 30 * (1 if i < 60 else 10)
        values.append(total)
    a = detect(_series(values, "http_requests_total", code="500"))
    assert a is not None and a.direction == "up" and a.onset is not None
    assert abs(a.onset - (T0 + 30 * 60)) <= 30


def test_measure_is_read_from_names_and_labels() -> None:
    assert measure_of("container_memory_working_set_bytes", {}) == "memory"
    assert measure_of("http_requests_total", {"code": "503"}) == "error-rate"
    assert measure_of("container_cpu_cfs_throttled_periods_total", {}) == "throttling"
    assert measure_of("node_filesystem_avail_bytes", {}) == "disk"
