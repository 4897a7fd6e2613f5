"""Score `opslens triage` on real pastes from public issue threads (../shared/data/realworld-dev).

Each case directory holds what someone pasted into a GitHub issue (kubectl describe, event
tables, journal lines, container logs, panics, ...) and `<case>.truth.json` holds the confirmed
category and 2-4 `key_evidence` substrings. For every case this runs
`opslens triage --llm none --format json` on the directory and reports:

- top-1 / top-3 category accuracy;
- key-evidence recall: truth strings found verbatim in the report's evidence texts, and the
  stricter share found in the evidence the top hypothesis itself cites;
- cases with no hypothesis at all;
- how much of the input was understood (`stats.unrecognized`).

A third of the cases (chosen by a hash of the case name, before any tuning) is a held-out set
that was not looked at while designing; it is reported separately. The case text is third-party
material: it is read from ../shared and never copied into this repository.

Usage: python bench/realworld.py [DIR] [--show CASE|all|dev] [--split all|dev|held-out]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = REPO.parent / "shared" / "data" / "realworld-dev"


def held_out(case: str) -> bool:
    """The fixed held-out third: decided by the case name alone, never by its content."""
    return int(hashlib.sha256(case.encode()).hexdigest(), 16) % 3 == 0


def _opslens() -> list[str]:
    exe = shutil.which("opslens") or str(Path(sys.executable).parent / "opslens")
    return [exe]


def triage(path: Path) -> tuple[dict | None, str, float]:
    started = time.perf_counter()
    proc = subprocess.run([*_opslens(), "triage", str(path), "--llm", "none", "--format", "json"],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        return None, proc.stderr.strip()[-300:], seconds
    return json.loads(proc.stdout), proc.stderr, seconds


def score(report: dict | None, truth: dict) -> dict:
    if report is None:
        return {"top1": False, "top3": False, "recall": 0.0, "recall_top": 0.0, "missing": truth["key_evidence"], "none": True,
                "got": "(error)", "cats": [], "unrecognized": 0, "tokens": 0}
    cats = [h["category"] for h in report["hypotheses"]]
    texts = [e["text"] for e in report["evidence"]]
    found = [k for k in truth["key_evidence"] if any(k in t for t in texts)]
    by_id = {e["id"]: e["text"] for e in report["evidence"]}
    top = [by_id[i] for i in (report["hypotheses"][0]["evidence"] if cats else []) if i in by_id]
    found_top = [k for k in truth["key_evidence"] if any(k in t for t in top)]
    return {
        "recall_top": len(found_top) / max(1, len(truth["key_evidence"])),
        "top1": bool(cats) and cats[0] == truth["category"],
        "top3": truth["category"] in cats[:3],
        "recall": len(found) / max(1, len(truth["key_evidence"])),
        "missing": [k for k in truth["key_evidence"] if k not in found],
        "none": not cats,
        "got": cats[0] if cats else "-",
        "cats": cats,
        "unrecognized": len(report["stats"].get("unrecognized") or []),
        "tokens": round(len(json.dumps(report["evidence"])) / 3.3),
    }


def _summary(label: str, rows: list[dict]) -> None:
    n = len(rows)
    if not n:
        return
    print(f"{label}: {n} cases")
    print(f"  top-1 category:       {sum(r['top1'] for r in rows) / n:.3f}")
    print(f"  top-3 category:       {sum(r['top3'] for r in rows) / n:.3f}")
    print(f"  key-evidence recall:  {sum(r['recall'] for r in rows) / n:.3f}")
    print(f"  ... cited by the top hypothesis itself: {sum(r['recall_top'] for r in rows) / n:.3f}")
    print(f"  without a hypothesis: {sum(r['none'] for r in rows)}")
    print(f"  evidence tokens:      max {max(r['tokens'] for r in rows)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", nargs="?", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--show", help="print details of this case, of every dev case ('dev'), or of all ('all')")
    ap.add_argument("--split", choices=("all", "dev", "held-out"), default="all")
    args = ap.parse_args()
    if not args.dir.is_dir():
        raise SystemExit(f"{args.dir}: not found (the realworld corpus lives in ../shared/data)")
    cases = sorted(p for p in args.dir.iterdir() if p.is_dir() and (args.dir / f"{p.name}.truth.json").exists())
    if args.split != "all":
        cases = [c for c in cases if held_out(c.name) == (args.split == "held-out")]
    rows: dict[str, list[dict]] = {"dev": [], "held-out": []}
    print(f"{'case':<46} {'split':<8} {'truth':<24} {'top-1':<26} {'recall':>6}")
    for path in cases:
        truth = json.loads((args.dir / f"{path.name}.truth.json").read_text())
        report, stderr, _secs = triage(path)
        r = score(report, truth)
        split = "held-out" if held_out(path.name) else "dev"
        rows[split].append(r)
        mark = "" if r["top1"] else (" (top-3)" if r["top3"] else " ✗")
        show = args.show in (path.name, "all") or (args.show == "dev" and split == "dev")
        if split == "dev" or show:  # held-out cases only in the totals, unless asked for by name or 'all'
            print(f"{path.name:<46} {split:<8} {truth['category']:<24} {r['got'] + mark:<26} {r['recall']:>6.2f}")
        if show:
            print(f"    ranked: {r['cats']}")
            if r["missing"]:
                print(f"    missing key evidence: {r['missing']}")
            if report is None:
                print(f"    error: {stderr}")
    print()
    _summary("dev", rows["dev"])
    _summary("held-out", rows["held-out"])
    _summary("all", rows["dev"] + rows["held-out"])


if __name__ == "__main__":
    main()
