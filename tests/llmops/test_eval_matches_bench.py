"""`opslens eval --llm none` gives the figures of bench/scenarios.py on the same directory:
one scorer (`opslens.llmops.scoring`), the same report JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from opslens.cli import _load_commands, app

REPO = Path(__file__).resolve().parents[2]
# what bench/scenarios.py measures of the process and the eval does not
_PROCESS_FIGURES = {"secs_mean", "mem_tree_max_mb", "mem_sum_of_peaks_max_mb"}


def test_eval_llm_none_equals_bench_scenarios_on_the_dev_scenarios(shared_data: Path, tmp_path: Path) -> None:
    dev = shared_data / "scenarios-dev"
    out = tmp_path / "bench.json"
    subprocess.run([sys.executable, str(REPO / "bench" / "scenarios.py"), str(dev), "--json", str(out)],
                   check=True, capture_output=True, text=True, cwd=REPO)
    bench = json.loads(out.read_text())
    _load_commands()
    result = CliRunner().invoke(app, ["eval", str(dev), "--llm", "none", "--format", "json"])
    assert result.exit_code == 0, result.output
    (run,) = json.loads(result.stdout)["runs"]
    expected = {k: v for k, v in bench["totals"].items() if k not in _PROCESS_FIGURES}
    assert {k: run["totals"][k] for k in expected} == expected
    # and case by case
    keys = ("top1", "top3", "culprit", "onset_err", "recall", "missing", "bad", "readonly", "tokens", "got")
    by_name = {r["scenario"]: r for r in bench["scenarios"]}
    assert len(run["cases"]) == len(by_name) == 8
    for case in run["cases"]:
        assert {k: case[k] for k in keys} == {k: by_name[case["scenario"]][k] for k in keys}
