"""Loghub-2k accuracy benchmark: our template miner against Drain3, side by side.

For each of the Loghub 2k systems in ../shared/data/loghub-2k, the raw log is split with the
system's LogPAI `log_format` (formats.json; only that entry is used for our miner) and the
`<Content>` of every line is mined. Scores come from the reference scorer
../shared/tools/loghub_score.py (imported, so the figures are the scorer's own): GA, FGA, PA,
FTA against the corrected labels (`*_structured_corrected_loghub2.csv` where it exists, else
`*_structured_corrected_khan2022.csv`).

- ours:   `TemplateMiner()`, one configuration for every system.
- Drain3: drain3 0.9.11 with its LogPAI per-dataset settings from formats.json (masking regexes
          as `<*>`, similarity threshold `st`, tree `depth`), which is generous to it.

Held-out systems kept outside the repository (research licence) are scored with `--labelled DIR`:
every `DIR/<System>/truth.csv` (a LogPAI labelled CSV: LineId, Content, EventTemplate) has its
`Content` column mined as it is, ours only (Drain3's per-system settings are not known there).

Usage: python bench/loghub.py [--data ../shared/data/loghub-2k] [--systems HDFS,Mac] [--no-drain]
       [--json] [--labelled DIR]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "loghub-2k"
SCORER = REPO.parent / "shared" / "tools" / "loghub_score.py"
METRICS = ("GA", "FGA", "PA", "FTA")

sys.path.insert(0, str(REPO / "src"))

from opslens.analysis.mining import TemplateMiner  # noqa: E402
from opslens.analysis.mining.logformat import compile_format  # noqa: E402


def load_scorer(path: Path = SCORER) -> ModuleType:
    """The reference scorer module, imported from its file."""
    spec = importlib.util.spec_from_file_location("loghub_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import the scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def truth_file(system_dir: Path) -> Path:
    """The corrected labels of one system: Loghub-2.0's where they exist, else Khan 2022's."""
    name = system_dir.name
    for suffix in ("corrected_loghub2", "corrected_khan2022"):
        path = system_dir / f"{name}_2k.log_structured_{suffix}.csv"
        if path.is_file():
            return path
    raise SystemExit(f"no corrected labels in {system_dir}")


def read_contents(log_path: Path, log_format: str) -> list[str]:
    """`<Content>` of every line of a raw Loghub log (the whole line where it does not fit)."""
    fmt = compile_format(log_format)
    contents = []
    with log_path.open(encoding="utf-8", errors="replace", newline="") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            parts = fmt.split(line)
            contents.append(parts[0] if parts else line)
    return contents


def mine_ours(contents: list[str]) -> tuple[list[str], list[str], float]:
    """(ids, templates, seconds) of our miner; templates are read after the whole stream."""
    miner = TemplateMiner()
    start = time.perf_counter()
    keys = [miner.add(c) for c in contents]
    seconds = time.perf_counter() - start
    roots = [miner.canonical(k) for k in keys]
    return [str(r) for r in roots], [miner.template(r) for r in roots], seconds


def mine_drain(contents: list[str], settings: dict) -> tuple[list[str], list[str], float]:
    """(ids, templates, seconds) of Drain3 with LogPAI's settings for the system."""
    from drain3 import TemplateMiner as Drain
    from drain3.masking import MaskingInstruction
    from drain3.template_miner_config import TemplateMinerConfig

    config = TemplateMinerConfig()
    config.drain_sim_th = settings["st"]
    config.drain_depth = settings["depth"]
    config.masking_instructions = [MaskingInstruction(rx, "*") for rx in settings["regex"]]
    config.profiling_enabled = False
    drain = Drain(config=config)
    start = time.perf_counter()
    ids = [drain.add_log_message(c)["cluster_id"] for c in contents]
    seconds = time.perf_counter() - start
    by_id = {c.cluster_id: c.get_template() for c in drain.drain.clusters}
    return [str(i) for i in ids], [by_id[i] for i in ids], seconds


def score(scorer: ModuleType, truth_path: Path, ids: list[str], templates: list[str]) -> dict:
    """The reference scorer's figures for per-line predictions (aligned by LineId 1..n)."""
    truth = scorer.load_truth(str(truth_path))
    pred = {"line_ids": [str(i) for i in range(1, len(ids) + 1)], "ids": ids, "templates": templates}
    ids_aligned, templates_aligned = scorer.align(truth, pred, str(truth_path), "predictions")
    return scorer.score(truth, ids_aligned, templates_aligned)


def run(data: Path, systems: list[str] | None, with_drain: bool) -> dict[str, dict[str, dict]]:
    """Per system: {"ours": figures, "drain3": figures}; figures hold the metrics and lines/s."""
    scorer = load_scorer()
    formats = json.loads((data / "formats.json").read_text())
    results: dict[str, dict[str, dict]] = {}
    for system in systems or sorted(formats):
        sdir = data / system
        contents = read_contents(sdir / f"{system}_2k.log", formats[system]["log_format"])
        truth_path = truth_file(sdir)
        row = {}
        ids, templates, seconds = mine_ours(contents)
        row["ours"] = {**score(scorer, truth_path, ids, templates), "lines_per_s": len(contents) / seconds}
        if with_drain:
            ids, templates, seconds = mine_drain(contents, formats[system])
            row["drain3"] = {**score(scorer, truth_path, ids, templates), "lines_per_s": len(contents) / seconds}
        results[system] = row
    return results


def run_labelled(root: Path, systems: list[str] | None) -> dict[str, dict[str, dict]]:
    """Per held-out system under `root` (`<System>/truth.csv`): {"ours": figures}."""
    scorer = load_scorer()
    results: dict[str, dict[str, dict]] = {}
    for truth_path in sorted(root.glob("*/truth.csv")):
        system = truth_path.parent.name
        if systems and system not in systems:
            continue
        with truth_path.open(encoding="utf-8", newline="") as fh:
            contents = [row["Content"] for row in csv.DictReader(fh)]
        ids, templates, seconds = mine_ours(contents)
        figures = score(scorer, truth_path, ids, templates)
        results[system] = {"ours": {**figures, "lines_per_s": len(contents) / seconds}}
    return results


def table(results: dict[str, dict[str, dict]]) -> str:
    """A fixed-width table: per system and mean, each metric for ours and Drain3."""
    tools = [t for t in ("ours", "drain3") if any(t in r for r in results.values())]
    head = f"{'system':<10}" + "".join(f" {m + ' ' + t:>12}" for m in (*METRICS, "lines/s") for t in tools)
    lines = [head, "-" * len(head)]

    def cells(get) -> str:  # noqa: ANN001 - a small local formatter
        out = ""
        for m in METRICS:
            out += "".join(f" {get(t, m):>12.3f}" for t in tools)
        out += "".join(f" {get(t, 'lines_per_s'):>12,.0f}" for t in tools)
        return out

    for system, row in results.items():
        lines.append(f"{system:<10}" + cells(lambda t, m, row=row: row[t][m]))
    n = len(results)
    lines.append("-" * len(head))
    lines.append(f"{'mean':<10}" + cells(lambda t, m: sum(r[t][m] for r in results.values()) / n))
    lines.append(f"{'min':<10}" + cells(lambda t, m: min(r[t][m] for r in results.values())))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA, help="the loghub-2k directory")
    ap.add_argument("--systems", help="comma-separated subset, e.g. HDFS,Mac")
    ap.add_argument("--no-drain", action="store_true", help="skip Drain3")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--labelled", type=Path, help="score DIR/<System>/truth.csv files instead (ours only)")
    args = ap.parse_args(argv)
    systems = args.systems.split(",") if args.systems else None
    if args.labelled is not None:
        results = run_labelled(args.labelled, systems)
        if not results:
            print(f"loghub.py: no <System>/truth.csv under {args.labelled}", file=sys.stderr)
            return 2
    elif not (args.data / "formats.json").is_file():
        print(f"loghub.py: no formats.json in {args.data}", file=sys.stderr)
        return 2
    else:
        results = run(args.data, systems, not args.no_drain)
    print(json.dumps(results, indent=2, sort_keys=True) if args.json else table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
