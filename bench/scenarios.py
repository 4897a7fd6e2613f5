"""Score `opslens triage` on incident scenarios against their ground truth.

Runs `opslens triage --llm none --format json` on every scenario directory under each DIR
(default ../shared/data/scenarios-dev/) and compares the report with `<scenario>.truth.json`:

- top-1 / top-3 category accuracy;
- culprit accuracy: namespace/name of the top hypothesis' entity vs `culprit` or any
  `culprit_alternates`;
- onset: error in minutes, and the share within 3 minutes. A report without an onset (when the
  truth has one) is a miss and is counted apart; it never counts as 0 minutes, and the mean error
  is over the reports that have an onset;
- key-evidence recall: truth `key_evidence` strings found verbatim in the report's evidence texts;
- `must_not_recommend` hits (must be zero), searched case-insensitively in every place the report
  offers an action (see `action_texts`), and reported per place;
- read-only checks present, evidence size in tokens, runtime, and the peak memory of the whole
  process tree (the process and its forked workers, see bench/_procmem.py).

Prints a table and the totals; `--json OUT` also writes the rows and totals.

`--ml` also scores the ML-serving bundles (model-regression, feature-pipeline, model-drift:
the KServe+MLflow tuning set and the held-out Triton, vLLM, BentoML, Seldon, TorchServe and
FastAPI ones), built from bench/variants into a temporary directory.

Usage: python bench/scenarios.py [DIR ...] [--ml] [--show SCENARIO|all] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

# bench/ is on sys.path when this runs as a script
from _procmem import Measured, run_measured

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = REPO.parent / "shared" / "data" / "scenarios-dev"


def _opslens() -> list[str]:
    exe = shutil.which("opslens") or str(Path(sys.executable).parent / "opslens")
    return [exe]


def triage(path: Path) -> tuple[dict, Measured]:
    """The JSON report of `opslens triage` on `path`, with the run's time and memory."""
    run = run_measured([*_opslens(), "triage", str(path), "--llm", "none", "--format", "json"])
    if run.returncode != 0:
        raise SystemExit(f"{path}: opslens triage exited {run.returncode}: {run.stderr.strip()[-400:]}")
    return json.loads(run.stdout), run


# --- scoring: one scorer, shared with `opslens eval` (src/opslens/llmops/scoring.py) --------
from opslens.llmops.scoring import (  # noqa: E402
    CHARS_PER_TOKEN,
    ONSET_TOLERANCE_MIN,
    action_texts,
    culprit_ok,
    must_not_hits,
    onset_error,
    runbook_quotes,
    score,
    summarise,
)

__all__ = ["CHARS_PER_TOKEN", "ONSET_TOLERANCE_MIN", "action_texts", "culprit_ok", "must_not_hits",
           "onset_error", "runbook_quotes", "score", "summarise"]


# --- running and printing ------------------------------------------------------------------


def find_scenarios(root: Path) -> list[Path]:
    """Scenario directories under `root`: those with a `<name>.truth.json` beside them."""
    found = sorted(p for p in root.iterdir() if p.is_dir() and (root / f"{p.name}.truth.json").exists())
    if not found:
        raise SystemExit(f"{root}: no scenarios (directories with a <name>.truth.json beside them)")
    return found


def run_one(path: Path, label: str) -> dict:
    """Triage one scenario and score it; the row carries its label, time and memory."""
    truth = json.loads((path.parent / f"{path.name}.truth.json").read_text())
    report, run = triage(path)
    row = {"scenario": label, "path": str(path), **score(report, truth), "secs": run.seconds}
    row.update(mem_tree_mb=run.memory.peak_tree_mb, mem_sum_of_peaks_mb=run.memory.sum_of_peaks_mb,
               mem_largest_mb=run.memory.largest_mb, processes=run.memory.processes)
    return row


def _header(width: int) -> str:
    return (f"{'scenario':<{width}} {'truth':<24} {'top-1':<24} {'culprit':<32} {'onset±min':>9} {'recall':>6} "
            f"{'bad':>3} {'ro':>3} {'tokens':>6} {'secs':>5} {'MB':>5}")


def _print_row(r: dict, width: int, show: str | None) -> None:
    onset = f"{r['onset_err']:.1f}" if r["onset_err"] is not None else "-"
    got = r["got"] + ("" if r["top1"] else " ✗")
    entity = r["entity"] + ("" if r["culprit"] else " ✗")
    print(f"{r['scenario']:<{width}} {r['want']:<24} {got:<24} {entity:<32} {onset:>9} {r['recall']:>6.2f} "
          f"{len(r['bad']):>3} {r['readonly']:>3} {r['tokens']:>6} {r['secs']:>5.1f} {r['mem_tree_mb']:>5.0f}")
    for place, hits in r["bad_places"].items():
        print(f"    must_not_recommend in {place}: {hits}")
    if r["runbook_quotes"]:
        print(f"    quoted in runbook excerpts (not counted): {r['runbook_quotes']}")
    if show in (r["scenario"], Path(r["path"]).name) or (r["missing"] and show == "all"):
        print(f"    missing key evidence: {r['missing']}")


def _print_totals(t: dict) -> None:
    onset = "-" if t["onset_within_3min"] is None else f"{t['onset_within_3min']:.3f}"
    mean_err = "-" if t["onset_mean_err_min"] is None else f"{t['onset_mean_err_min']:.1f} min"
    places = ", ".join(f"{p} {c}" for p, c in sorted(t["must_not_by_place"].items())) or "none"
    print()
    print(f"scenarios: {t['scenarios']}")
    print(f"top-1 category accuracy: {t['top1']:.3f}")
    print(f"top-3 category accuracy: {t['top3']:.3f}")
    print(f"culprit accuracy:        {t['culprit']:.3f}")
    print(f"onset within 3 min:      {onset}  (mean error {mean_err} over the reports with an onset; "
          f"missing onsets, counted as misses: {t['onset_missing']})")
    print(f"key-evidence recall:     {t['recall']:.3f}")
    print(f"must_not_recommend hits: {t['must_not_hits']}  (by place: {places}; "
          f"quoted in runbook excerpts, not counted: {t['runbook_quotes']})")
    print(f"scenarios without a read-only check: {t['no_readonly']}")
    print(f"evidence tokens: max {t['tokens_max']}, mean {t['tokens_mean']:.0f}")
    print(f"runtime: mean {t['secs_mean']:.2f}s per scenario (whole process)")
    print(f"peak memory (process tree): max {t['mem_tree_max_mb']:.0f} MB summed over the tree at one "
          f"time (an upper bound: forked workers share pages); sum of each process' own peak: "
          f"max {t['mem_sum_of_peaks_max_mb']:.0f} MB")


ML_CATEGORIES = ("model-regression", "feature-pipeline", "model-drift")


def _ml_bundles() -> Path:
    """The ML-serving variants, written to a fresh temporary directory."""
    import tempfile

    sys.path.insert(0, str(REPO))
    from bench.variants import VARIANTS, build_one

    out = Path(tempfile.mkdtemp(prefix="opslens-ml-"))
    for spec in VARIANTS:
        if spec.category in ML_CATEGORIES:
            build_one(spec, out)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="*", type=Path, default=[DEFAULT_DIR], metavar="DIR")
    ap.add_argument("--show", help="print the missing key evidence of this scenario (or of all)")
    ap.add_argument("--json", type=Path, metavar="OUT", help="write the per-scenario rows and totals")
    ap.add_argument("--ml", action="store_true", help="also score the ML-serving variants (built into a temporary directory)")
    args = ap.parse_args()
    if args.ml:
        args.dirs = [*args.dirs, _ml_bundles()]
    several = len(args.dirs) > 1
    paths = [(root, p) for root in args.dirs for p in find_scenarios(root)]
    labels = [f"{root.name}/{p.name}" if several else p.name for root, p in paths]
    width = max(14, *(len(label) for label in labels))
    print(_header(width))
    rows = []
    for (_, path), label in zip(paths, labels, strict=True):
        rows.append(run_one(path, label))
        _print_row(rows[-1], width, args.show)
    totals = summarise(rows)
    _print_totals(totals)
    if args.json:
        args.json.write_text(json.dumps({"scenarios": rows, "totals": totals}, indent=2) + "\n")
        print(f"rows written to {args.json}")


if __name__ == "__main__":
    main()
