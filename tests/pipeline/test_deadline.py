"""`TriageOptions.deadline`: a run past it stops itself with a one-line error, and frees the
process for the next run. Real pipeline, real files."""

from __future__ import annotations

import time
from pathlib import Path

from opslens.pipeline import TriageOptions, run_triage

LINES = 200_000


def _big_log(tmp_path: Path) -> Path:
    path = tmp_path / "app.log"
    with path.open("w") as out:
        for i in range(LINES):
            out.write(f"2024-05-01T10:{i // 6000 % 60:02d}:{i // 100 % 60:02d}Z ERROR "
                      f"payments-api request {i} failed: upstream timeout after 30s\n")
    return path


def test_a_run_past_its_deadline_stops_while_reading(tmp_path: Path) -> None:
    path = _big_log(tmp_path)
    started = time.monotonic()
    outcome = run_triage(TriageOptions(paths=[str(path)], deadline=time.monotonic() + 0.01))
    assert outcome.report is None
    assert outcome.error is not None and "past its deadline (after reading" in outcome.error
    assert "\n" not in outcome.error
    stopped = time.monotonic() - started
    full = time.monotonic()
    again = run_triage(TriageOptions(paths=[str(path)]))  # the one-run lock was released
    full = time.monotonic() - full
    assert again.report is not None and again.report.stats.events == LINES
    assert stopped < full / 2, (stopped, full)


def test_a_deadline_in_time_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    path.write_text("2024-05-01T10:00:00Z ERROR payments-api upstream timeout\n" * 50)
    outcome = run_triage(TriageOptions(paths=[str(path)], deadline=time.monotonic() + 600))
    assert outcome.report is not None and outcome.report.stats.events == 50
