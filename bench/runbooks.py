"""Runbook retrieval benchmark.

Indexes ../shared/data/runbooks/ into a temporary database and answers every query of
../shared/data/runbooks-queries-dev.jsonl from its `alert` object alone. Prints Recall@1,
Recall@3 and MRR@10 per variant (named, blind), the abstention rate on `abstain` rows,
index build and no-op re-index time, and p50/p99 query latency; the same figures for a
named baseline measured in the same run:

    fts5-plain  one FTS5 column (unicode61 tokenizer, porter stemming), SQLite's bm25(),
                query = every word of alertname/summary/description OR-ed; no identifier
                splitting, field weights, label handling or abstention.

Usage: .venv/bin/python bench/runbooks.py [--split] [--data DIR]
`--split` also reports the figures separately for two halves of the runbooks (hashing the
expected runbook path), the way the method was designed on one half and checked on the other.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from opslens.runbooks import RunbookIndex, query_from_alert

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
VARIANTS = ("named", "blind")

Ranker = Callable[[dict], list[str]]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="shared data directory")
    parser.add_argument("--split", action="store_true", help="also report two halves")
    args = parser.parse_args(argv)
    corpus, queries = args.data / "runbooks", args.data / "runbooks-queries-dev.jsonl"
    if not corpus.is_dir() or not queries.is_file():
        print(f"missing {corpus} or {queries}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in queries.read_text().splitlines() if line.strip()]
    files = sum(1 for p in corpus.rglob("*") if p.is_file())
    print(f"corpus: {corpus} ({files} files), queries: {len(rows)}")

    with tempfile.TemporaryDirectory() as tmp:
        idx = RunbookIndex.open(Path(tmp) / "runbooks.sqlite")
        started = time.perf_counter()
        built = idx.refresh([corpus])
        build_s = time.perf_counter() - started
        again = idx.refresh([corpus])
        print(f"opslens index: built {built.reindexed} files in {build_s * 1000:.1f} ms; "
              f"re-index unchanged: {again.reindexed} files re-read, {again.seconds * 1000:.1f} ms")

        def ours(alert: dict) -> list[str]:
            return [h.path for h in idx.search(query_from_alert(alert), k=10)]

        baseline, base_build_s = _fts5_baseline(corpus, Path(tmp) / "baseline.sqlite")
        print(f"fts5-plain index: built in {base_build_s * 1000:.1f} ms")
        figures = {}
        for name, rank in (("opslens", ours), ("fts5-plain", baseline)):
            results, latencies = _run(rank, rows)
            figures[name] = _report(name, rows, results, latencies)
            if args.split:
                for half in "AB":
                    keep = [i for i, r in enumerate(rows) if _half(r) == half]
                    _report(f"{name} [half {half}]", [rows[i] for i in keep],
                            [results[i] for i in keep], None)
        ours_f, base_f = figures["opslens"], figures["fts5-plain"]
        print("opslens / fts5-plain: " + ", ".join(
            f"{key} x{ours_f[key] / base_f[key]:.2f}" for key in ours_f
            if key in base_f and base_f[key] > 0
        ))
        stats = idx.stats
        print(f"index stats: {stats.queries} queries, {stats.no_result_count} without result")
        idx.close()
    return 0


def _run(rank: Ranker, rows: list[dict]) -> tuple[list[list[str]], list[float]]:
    results, latencies = [], []
    for row in rows:
        started = time.perf_counter()
        results.append(rank(row["alert"]))
        latencies.append(time.perf_counter() - started)
    return results, latencies


def _report(name: str, rows: list[dict], results: list[list[str]],
            latencies: list[float] | None) -> dict[str, float]:
    """Print one line of figures (and one of latency); return them by name."""
    parts, figures = [], {}
    for variant in VARIANTS:
        pairs = [(r["expected_runbook"], res) for r, res in zip(rows, results, strict=True)
                 if r["variant"] == variant]
        if not pairs:
            continue
        r1 = sum(res[:1] == [exp] for exp, res in pairs) / len(pairs)
        r3 = sum(exp in res[:3] for exp, res in pairs) / len(pairs)
        mrr = sum(1 / (res.index(exp) + 1) if exp in res else 0.0 for exp, res in pairs) / len(pairs)
        parts.append(f"{variant} (n={len(pairs)}): R@1 {r1:.3f} R@3 {r3:.3f} MRR {mrr:.3f}")
        figures.update({f"{variant} R@1": r1, f"{variant} R@3": r3, f"{variant} MRR": mrr})
    abstain = [res for r, res in zip(rows, results, strict=True) if r["expected_runbook"] is None]
    if abstain:
        figures["abstain rate"] = sum(not res for res in abstain) / len(abstain)
        parts.append(f"abstain (n={len(abstain)}): {figures['abstain rate']:.3f}")
    print(f"{name}: " + " | ".join(parts))
    if latencies:
        ordered = sorted(latencies)
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
        figures["p50 ms"], figures["p99 ms"] = statistics.median(ordered) * 1000, p99 * 1000
        print(f"{name} latency: p50 {figures['p50 ms']:.2f} ms, p99 {figures['p99 ms']:.2f} ms, "
              f"max {ordered[-1] * 1000:.2f} ms")
    return figures


def _half(row: dict) -> str:
    key = row["expected_runbook"] or row["id"]
    return "A" if int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2 == 0 else "B"


def _fts5_baseline(corpus: Path, db_path: Path) -> tuple[Ranker, float]:
    """Plain SQLite FTS5 over whole files: the obvious thing to build first."""
    started = time.perf_counter()
    db = sqlite3.connect(db_path)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, body, tokenize='porter')")
    for path in sorted(corpus.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".txt", ".rst"):
            text = path.read_text(encoding="utf-8", errors="replace")
            db.execute("INSERT INTO docs VALUES (?, ?)", (path.relative_to(corpus).as_posix(), text))
    db.commit()
    built = time.perf_counter() - started

    def rank(alert: dict) -> list[str]:
        labels, notes = alert.get("labels", {}), alert.get("annotations", {})
        text = " ".join([labels.get("alertname", ""), notes.get("summary", ""),
                         notes.get("description", "")])
        words = dict.fromkeys(w.lower() for w in re.findall(r"[A-Za-z]{2,}", text))
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        sql = "SELECT path FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10"
        return [r[0] for r in db.execute(sql, (match,))]

    return rank, built


if __name__ == "__main__":
    sys.exit(main())
