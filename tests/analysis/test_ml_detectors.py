"""The ML detectors on small bundles in native formats, through the whole pipeline.

- a model version promoted just before predictions shift and a KPI falls is the cause
  (model-regression), and the drift the shift also looks like is not;
- the same shift with no change at all, growing over the window, is drift;
- stale features before the shift make it a feature-pipeline problem, not drift;
- a prediction gauge that trends, without any histogram, is still read as drift.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from opslens.pipeline import TriageOptions, run_triage
from opslens.report.models import Report

START = 1_780_000_000.0  # 2026-05-28T20:26:40Z
STEP = 30.0
POINTS = 240  # two hours
ONSET = START + 150 * STEP  # 75 minutes in
BOUNDS = ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "+Inf"]
LABELS = {"namespace": "risk", "service": "card-scorer"}


def _shares(shift: float) -> list[float]:
    raw = [math.exp(-((i - (2.0 + 4.5 * shift)) ** 2) / 3.0) for i in range(len(BOUNDS))]
    return [r / sum(raw) for r in raw]


def _histogram(shift_at) -> list[dict]:  # noqa: ANN001
    """Cumulative `card_score_prediction_bucket` series, 5 predictions a second."""
    totals = [0.0] * len(BOUNDS)
    values: list[list[list]] = [[] for _ in BOUNDS]
    for k in range(POINTS):
        t = START + k * STEP
        for i, share in enumerate(_shares(shift_at(t))):
            totals[i] += 5 * STEP * share
        running = 0.0
        for i in range(len(BOUNDS)):
            running += totals[i]
            values[i].append([t, f"{running:.0f}"])
    return [{"metric": {"__name__": "card_score_prediction_bucket", **LABELS, "le": le}, "values": v}
            for le, v in zip(BOUNDS, values, strict=True)]


def _gauge(name: str, value) -> dict:  # noqa: ANN001
    wobble = [1.0, 1.01, 0.99, 1.02, 0.98]
    return {"metric": {"__name__": name, **LABELS},
            "values": [[START + k * STEP, f"{value(START + k * STEP) * wobble[k % 5]:.6g}"] for k in range(POINTS)]}


def _write(tmp: Path, series: list[dict], extra: dict[str, str] | None = None) -> Path:
    bundle = tmp / "bundle"
    bundle.mkdir()
    doc = {"status": "success", "data": {"resultType": "matrix", "result": series}}
    (bundle / "metrics.json").write_text(json.dumps(doc))
    for name, text in (extra or {}).items():
        (bundle / name).write_text(text)
    return bundle


def _registry(promoted: float) -> str:
    version = {"name": "card-scorer", "version": "9", "creation_timestamp": int(promoted * 1000) - 86_400_000,
               "last_updated_timestamp": int(promoted * 1000), "current_stage": "Production",
               "source": "s3://models/card-scorer/9", "run_id": "77aa", "status": "READY"}
    return json.dumps({"model_versions": [version]}, indent=2) + "\n"


def _triage(bundle: Path) -> Report:
    report = run_triage(TriageOptions(paths=[str(bundle)])).report
    assert report is not None
    return report


def _ranked(report: Report) -> list[tuple[str, float]]:
    return [(h.category, h.confidence) for h in report.hypotheses]


def _abrupt(t: float) -> float:
    return 0.7 if t >= ONSET else 0.0


def test_a_promoted_version_before_the_shift_is_a_model_regression(tmp_path: Path) -> None:
    series = _histogram(_abrupt) + [_gauge("checkout_conversion_rate", lambda t: 0.05 if t < ONSET else 0.035)]
    report = _triage(_write(tmp_path, series, {"model-versions.json": _registry(ONSET - 240)}))
    top = report.hypotheses[0]
    assert top.category == "model-regression", _ranked(report)
    assert top.entity is not None and top.entity.name == "card-scorer"
    texts = {e.id: e.text for e in report.evidence}
    assert any('"current_stage": "Production"' in texts[i] for i in top.evidence)
    assert "model-drift" not in [h.category for h in report.hypotheses[:1]]
    assert any("model-versions/get" in c.cmd for c in report.commands), [c.cmd for c in report.commands]


def test_the_same_shift_without_a_change_is_not_a_regression(tmp_path: Path) -> None:
    report = _triage(_write(tmp_path, _histogram(_abrupt)))
    assert "model-regression" not in [h.category for h in report.hypotheses], _ranked(report)


def test_a_shift_that_grows_over_the_window_with_no_change_is_drift(tmp_path: Path) -> None:
    report = _triage(_write(tmp_path, _histogram(lambda t: 0.8 * (t - START) / (POINTS * STEP))))
    assert report.hypotheses and report.hypotheses[0].category == "model-drift", _ranked(report)
    shift = next(e for e in report.evidence if e.id in report.hypotheses[0].evidence)
    assert shift.detail is not None and "PSI" in shift.detail and "KS D" in shift.detail


def test_stale_features_before_the_shift_are_a_pipeline_problem(tmp_path: Path) -> None:
    stamp = "2026-05-28T21:40:00Z"
    log = (f"{stamp} stdout F 2026-05-28 21:40:00,120 WARNING scorer.features: features for card_velocity_1h are stale: "
           "last materialized 2254s ago (ttl 1800s)\n")
    bundle = _write(tmp_path, _histogram(_abrupt), {"risk_card-scorer-7d9f8b6c5-x2lqp_scorer.log": log})
    report = _triage(bundle)
    assert report.hypotheses and report.hypotheses[0].category == "feature-pipeline", _ranked(report)


def test_a_trending_prediction_gauge_alone_reads_as_drift(tmp_path: Path) -> None:
    series = [_gauge("card_score_prediction_mean", lambda t: 0.2 + 0.25 * (t - START) / (POINTS * STEP))]
    report = _triage(_write(tmp_path, series))
    assert report.hypotheses and report.hypotheses[0].category == "model-drift", _ranked(report)
