"""Template miner at scale: the whole `opslens mine --per-line` process against Drain3.

Synthesises N lines (default 1,000,000) by sampling the Loghub 2k systems' messages (header
stripped: the `Content` column of the corrected labels) with every standalone number
re-randomised, so values repeat no more than they would in a real stream. By default the new
numbers also get random widths (1 to one more digit than the original), so a cache keyed on the
shape of a line (digit runs of a fixed width) is not flattered; `--no-vary-widths` keeps each
number's width. Then, on the same file in the same run:

- ours:   `opslens mine FILE --per-line OUT.jsonl --format json --top 1` as a child process
          (start-up, mining, rendering and writing one row per line included), with its default
          (two processes when a core is idle, see `opslens.analysis.mining.files`), and again
          with `--jobs 1`;
- Drain3: a child process that feeds every line to drain3 0.9.11 with its default settings.

Prints lines/s, peak RSS (summed over the child's process tree, since `opslens mine` may run two
processes; see bench/_procmem.py) and number of templates for both, the speed ratio, and the
number of distinct true templates sampled. Drain3 needs several minutes at
this size: `--skip-drain` for quick runs.

Usage: python bench/miner_scale.py [--lines 1000000] [--seed 7] [--dir DIR] [--no-vary-widths]
                                   [--skip-drain] [--keep]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path

# bench/ is on sys.path when this runs as a script: the accuracy bench owns the Loghub layout
from _procmem import TreeMemory, run_measured
from loghub import truth_file

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "loghub-2k"
_NUMBER = re.compile(r"(?<![A-Za-z])\d+(?![A-Za-z])")

_DRAIN_CHILD = """
import json, sys, time
from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig
config = TemplateMinerConfig()  # defaults, and no drain3.ini read from the working directory
config.profiling_enabled = False
miner = TemplateMiner(config=config)
start = time.perf_counter()
n = 0
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        miner.add_log_message(line.rstrip("\\n"))
        n += 1
print(json.dumps({"lines": n, "templates": len(miner.drain.clusters), "mining_s": time.perf_counter() - start}))
"""


def load_pool(data: Path) -> list[tuple[str, str, str]]:
    """(system, content, true template) of every labelled Loghub 2k line."""
    pool = []
    for system_dir in sorted(p for p in data.iterdir() if p.is_dir()):
        with truth_file(system_dir).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get("EventTemplate"):
                    pool.append((system_dir.name, row["Content"], row["EventTemplate"]))
    if not pool:
        raise SystemExit(f"no Loghub systems under {data}")
    return pool


def synthesise(pool: list[tuple[str, str, str]], lines: int, seed: int, path: Path, vary_widths: bool = True) -> int:
    """Write `lines` sampled messages with re-randomised numbers (of any width from 1 to one more
    digit with `vary_widths`, else of the same width); the number of distinct true templates."""
    rng = random.Random(seed)

    def rerandomise(m: re.Match[str]) -> str:
        digits = len(m.group())
        if vary_widths:
            digits = rng.randint(1, digits + 1)
        low = 0 if digits == 1 else 10 ** (digits - 1)
        return str(rng.randint(low, 10**digits - 1))

    truths = set()
    with path.open("w", encoding="utf-8") as out:
        for _ in range(lines):
            system, content, template = pool[rng.randrange(len(pool))]
            truths.add((system, template))
            out.write(_NUMBER.sub(rerandomise, content).replace("\n", " ") + "\n")
    return len(truths)


def run_child(argv: list[str]) -> tuple[float, TreeMemory, str]:
    """(wall seconds, peak memory of its process tree, stdout) of a child process."""
    run = run_measured(argv)
    if run.returncode:
        raise SystemExit(f"{' '.join(argv[:3])} failed ({run.returncode}): {run.stderr.strip()[-500:]}")
    return run.seconds, run.memory, run.stdout


def _mem(memory: TreeMemory) -> str:
    # the tree's peak sum, and how many processes it was summed over
    return f"{memory.peak_tree_mb:6.0f} MB ({memory.processes} proc)"


def opslens_argv() -> list[str]:
    """The opslens console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("opslens")
    if script.exists():
        return [str(script)]
    found = shutil.which("opslens")
    if found is None:
        raise SystemExit("the opslens command is not installed (pip install -e .)")
    return [found]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--data", type=Path, default=DATA, help="the loghub-2k directory")
    ap.add_argument("--dir", type=Path, help="work directory (default: a temporary one)")
    ap.add_argument("--skip-drain", action="store_true", help="do not run Drain3 (it takes minutes)")
    ap.add_argument("--vary-widths", action=argparse.BooleanOptionalAction, default=True,
                    help="re-randomise numbers with random widths too, so masking caches are not "
                         "flattered (default: on; --no-vary-widths keeps each number's width)")
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    args = ap.parse_args(argv)

    work = args.dir or Path(tempfile.mkdtemp(prefix="opslens-miner-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "mixed.log"
    rows = work / "per-line.jsonl"
    try:
        truths = synthesise(load_pool(args.data), args.lines, args.seed, log, args.vary_widths)
        print(f"file: {log} ({args.lines:,} lines, {log.stat().st_size / 1e6:.0f} MB); "
              f"distinct true templates sampled: {truths}")

        ours_speed = 0.0
        for label, extra in (("ours   (opslens mine --per-line, default)", []),
                             ("ours   (the same with --jobs 1)", ["--jobs", "1"])):
            wall, mem, out = run_child(
                [*opslens_argv(), "mine", str(log), "--per-line", str(rows), "--format", "json", "--top", "1", *extra]
            )
            ours = json.loads(out)["templates_total"]
            with rows.open(encoding="utf-8") as fh:
                n_rows = sum(1 for _ in fh)
            if n_rows != args.lines:
                raise SystemExit(f"--per-line wrote {n_rows} rows for {args.lines} lines")
            speed = args.lines / wall
            ours_speed = ours_speed or speed  # the ratio is for the default
            print(f"{label:<48} {speed:>10,.0f} lines/s  {wall:7.1f} s  peak RSS {_mem(mem)}  "
                  f"templates {ours:>6} ({ours / truths:.2f}x true)")

        if not args.skip_drain:
            wall_d, mem_d, out_d = run_child([sys.executable, "-c", _DRAIN_CHILD, str(log)])
            drain = json.loads(out_d)
            drain_speed = args.lines / wall_d
            print(f"{'Drain3 (defaults, whole process)':<48} {drain_speed:>10,.0f} lines/s  {wall_d:7.1f} s  "
                  f"peak RSS {_mem(mem_d)}  templates {drain['templates']:>6} ({drain['templates'] / truths:.2f}x true)")
            print(f"speed ratio ours (default) / Drain3: {ours_speed / drain_speed:.1f}x")
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
