"""Score `opslens triage` on incident scenarios against their ground truth.

Runs `opslens triage --llm none --format json` on every scenario directory under DIR (default
../shared/data/scenarios-dev/) and compares the report with `<scenario>.truth.json`:
top-1 / top-3 category accuracy, culprit accuracy (namespace/name of the top hypothesis'
entity vs `culprit` or any `culprit_alternates`), onset error in minutes, key-evidence recall
(truth `key_evidence` strings found verbatim in the report's evidence texts), `must_not_recommend`
strings present in `commands` (must be zero), read-only checks present, runtime and evidence
size in tokens. Prints a table and the totals.

Usage: python bench/scenarios.py [DIR] [--show SCENARIO]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = REPO.parent / "shared" / "data" / "scenarios-dev"
CHARS_PER_TOKEN = 3.3  # same calibration as opslens.analysis.budget


def _opslens() -> list[str]:
    exe = shutil.which("opslens") or str(Path(sys.executable).parent / "opslens")
    return [exe]


def _ts(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def triage(path: Path) -> tuple[dict, float]:
    started = time.perf_counter()
    proc = subprocess.run([*_opslens(), "triage", str(path), "--llm", "none", "--format", "json"],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{path}: opslens triage exited {proc.returncode}: {proc.stderr.strip()[-400:]}")
    return json.loads(proc.stdout), seconds


def score(report: dict, truth: dict) -> dict:
    cats = [h["category"] for h in report["hypotheses"]]
    top = report["hypotheses"][0] if report["hypotheses"] else None
    culprits = [truth["culprit"], *(truth.get("culprit_alternates") or [])]
    ent = (top or {}).get("entity") or {}
    culprit_ok = any(ent.get("name") == c["name"] and (ent.get("namespace") or None) == (c.get("namespace") or None) for c in culprits)
    onset_err = None
    if report.get("onset") and truth.get("onset"):
        onset_err = abs((_ts(report["onset"]) - _ts(truth["onset"])).total_seconds()) / 60.0
    texts = [e["text"] for e in report["evidence"]]
    found = [k for k in truth["key_evidence"] if any(k in t for t in texts)]
    cmds = " \n".join(c["cmd"] for c in report["commands"])
    bad = [m for m in truth.get("must_not_recommend", []) if m in cmds]
    evidence_tokens = len(json.dumps(report["evidence"])) / CHARS_PER_TOKEN
    return {
        "top1": bool(cats) and cats[0] == truth["category"],
        "top3": truth["category"] in cats[:3],
        "culprit": culprit_ok,
        "onset_err": onset_err,
        "recall": len(found) / max(1, len(truth["key_evidence"])),
        "missing": [k for k in truth["key_evidence"] if k not in found],
        "bad": bad,
        "readonly": sum(1 for c in report["commands"] if c["safety"] == "read_only"),
        "tokens": round(evidence_tokens),
        "got": cats[0] if cats else "-",
        "want": truth["category"],
        "entity": f"{ent.get('namespace') or '-'}/{ent.get('name') or '-'}",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", nargs="?", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--show", help="print the missing key evidence of this scenario")
    args = ap.parse_args()
    scenarios = sorted(p for p in args.dir.iterdir() if p.is_dir() and (args.dir / f"{p.name}.truth.json").exists())
    if not scenarios:
        raise SystemExit(f"{args.dir}: no scenarios (directories with a <name>.truth.json beside them)")
    rows = []
    print(f"{'scenario':<14} {'truth':<24} {'top-1':<24} {'culprit':<32} {'onset±min':>9} {'recall':>6} {'bad':>3} {'ro':>3} {'tokens':>6} {'secs':>5}")
    for path in scenarios:
        truth = json.loads((args.dir / f"{path.name}.truth.json").read_text())
        report, secs = triage(path)
        r = score(report, truth)
        r["secs"] = secs
        rows.append(r)
        onset = f"{r['onset_err']:.1f}" if r["onset_err"] is not None else "-"
        mark = "" if r["top1"] else " ✗"
        print(f"{path.name:<14} {r['want']:<24} {r['got'] + mark:<24} {r['entity'] + ('' if r['culprit'] else ' ✗'):<32} "
              f"{onset:>9} {r['recall']:>6.2f} {len(r['bad']):>3} {r['readonly']:>3} {r['tokens']:>6} {secs:>5.1f}")
        if args.show == path.name or (r["missing"] and args.show == "all"):
            print(f"    missing key evidence: {r['missing']}")
    n = len(rows)
    onset_ok = sum(1 for r in rows if r["onset_err"] is not None and r["onset_err"] <= 3.0)
    print()
    print(f"scenarios: {n}")
    print(f"top-1 category accuracy: {sum(r['top1'] for r in rows) / n:.3f}")
    print(f"top-3 category accuracy: {sum(r['top3'] for r in rows) / n:.3f}")
    print(f"culprit accuracy:        {sum(r['culprit'] for r in rows) / n:.3f}")
    print(f"onset within 3 min:      {onset_ok / n:.3f}  (mean error {sum(r['onset_err'] or 0 for r in rows) / n:.1f} min)")
    print(f"key-evidence recall:     {sum(r['recall'] for r in rows) / n:.3f}")
    print(f"must_not_recommend hits: {sum(len(r['bad']) for r in rows)}")
    print(f"scenarios without a read-only check: {sum(1 for r in rows if r['readonly'] == 0)}")
    print(f"evidence tokens: max {max(r['tokens'] for r in rows)}, mean {sum(r['tokens'] for r in rows) / n:.0f}")
    print(f"runtime: mean {sum(r['secs'] for r in rows) / n:.2f}s per scenario (whole process)")


if __name__ == "__main__":
    main()
