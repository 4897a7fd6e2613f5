"""Benchmark and acceptance figures for the safety guard.

Run from the repository root:  .venv/bin/python bench/guard.py [--show-errors]

Prints, on the shared dev corpora (../shared/data):
- command classification: exact-label accuracy, read_only recall, unsafe-as-read_only count,
  confusion matrix;
- redaction: share of `secrets` removed, share of `keep` kept, share of decoy rows altered;
- redaction throughput (lines/s) on realistic log lines (loghub-2k plus the secret rows),
  against a named baseline: a naive loop applying every pattern to every line.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from opslens.guard import CommandGuard, Label, Redactor
from opslens.guard import redact as redact_module
from opslens.guard.secret_patterns import KEY_WORDS, TOKEN_PATTERNS

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def classification(show_errors: bool) -> None:
    rows = _rows("commands-dev.jsonl")
    guard = CommandGuard(user_rules={})
    confusion: Counter[tuple[str, str]] = Counter()
    errors = []
    start = time.perf_counter()
    for row in rows:
        verdict = guard.classify(row["cmd"])
        confusion[(row["label"], verdict.label.value)] += 1
        if verdict.label.value != row["label"]:
            errors.append((row["label"], verdict.label.value, row["cmd"], verdict.reason))
    elapsed = time.perf_counter() - start
    total = len(rows)
    exact = sum(n for (gold, got), n in confusion.items() if gold == got)
    read_gold = sum(n for (gold, _), n in confusion.items() if gold == "read_only")
    unsafe = sum(
        n for (gold, got), n in confusion.items() if gold != "read_only" and got == "read_only"
    )
    print(f"== command classification: {DATA / 'commands-dev.jsonl'} ({total} commands)")
    print(f"exact-label accuracy         {exact / total:.4f}  ({exact}/{total})")
    print(f"read_only recall             {confusion[('read_only', 'read_only')] / read_gold:.4f}")
    print(f"not-read_only as read_only   {unsafe}")
    print(f"classification speed         {total / elapsed:,.0f} commands/s")
    labels = [label.value for label in Label]
    print("confusion (rows gold, columns predicted):")
    print("  " + " ".join(f"{lab[:10]:>10}" for lab in ["", *labels]))
    for gold in labels:
        cells = " ".join(f"{confusion[(gold, got)]:>10}" for got in labels)
        print(f"  {gold[:10]:>10} {cells}")
    if show_errors:
        for error in sorted(errors):
            print("  MISMATCH", error)


def redaction_quality(show_errors: bool) -> list[str]:
    rows = _rows("secrets-dev.jsonl")
    gone = secrets = kept = keeps = altered = decoys = 0
    problems = []
    for row in rows:
        out = Redactor().redact(row["line"])
        for secret in row["secrets"]:
            secrets += 1
            gone += secret not in out
            if secret in out:
                problems.append(("LEAK", row["id"], row["kind"]))
        for keep in row["keep"]:
            keeps += 1
            kept += keep in out
            if keep not in out:
                problems.append(("LOST", row["id"], row["kind"]))
        if row["kind"].startswith("decoy:"):
            decoys += 1
            altered += out != row["line"]
            if out != row["line"]:
                problems.append(("DECOY", row["id"], row["kind"]))
    print(f"\n== redaction: {DATA / 'secrets-dev.jsonl'} ({len(rows)} rows)")
    print(f"secrets removed              {gone / secrets:.4f}  ({gone}/{secrets})")
    print(f"keep substrings surviving    {kept / keeps:.4f}  ({kept}/{keeps})")
    print(f"decoy rows altered           {altered / decoys:.4f}  ({altered}/{decoys})")
    if show_errors:
        for problem in problems:
            print("  ", problem)
    return [row["line"] for row in rows]


def _naive_patterns() -> list[re.Pattern[str]]:
    """The baseline: every pattern compiled on its own, applied to every line."""
    patterns = [re.compile(p) for _, p, _ in TOKEN_PATTERNS]
    patterns += [
        redact_module._PEM,
        redact_module._URL_CREDS,
        redact_module._AUTH_HEADER,
        redact_module._USER_PASS_FLAG,
        redact_module._CLIENT_PASSWORD,
    ]
    # key=value / JSON / YAML assignments written the obvious way: one regex tried at every offset
    patterns.append(
        re.compile(
            r"(?i)(?<![A-Za-z0-9])[A-Za-z0-9_.\-]*?(?:"
            + KEY_WORDS
            + r")[\"']?[ \t]*(?:=>|[:=])[ \t]*[\"']?[^\s\"',;&]+"
        )
    )
    return patterns


def naive_redact(patterns: list[re.Pattern[str]], line: str) -> str:
    for pattern in patterns:
        line = pattern.sub("[REDACTED]", line)
    return line


def throughput(secret_lines: list[str]) -> None:
    logs = []
    for path in sorted((DATA / "loghub-2k").glob("*/*_2k.log")):
        logs.extend(path.read_text(encoding="utf-8", errors="replace").splitlines())
    # Realistic mix: ingest is mostly ordinary lines; ~2% carry a secret.
    step = max(1, len(logs) // max(1, len(secret_lines)) // 1)
    corpus = []
    secret_iter = iter(secret_lines * 4)
    for index, line in enumerate(logs):
        corpus.append(line)
        if index % 50 == 0:
            corpus.append(next(secret_iter, line))
    del step
    patterns = _naive_patterns()

    def run(func, repeat: int = 3) -> float:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            func()
            best = min(best, time.perf_counter() - start)
        return len(corpus) / best

    def guard_run() -> None:
        redactor = Redactor()
        for line in corpus:
            redactor.redact(line)

    def naive_run() -> None:
        for line in corpus:
            naive_redact(patterns, line)

    ours = run(guard_run)
    baseline = run(naive_run)
    print(
        f"\n== redaction throughput ({len(corpus):,} lines: loghub-2k + secret rows, ~2% with secrets)"
    )
    print(f"opslens Redactor             {ours:,.0f} lines/s")
    print(
        f"baseline naive per-pattern   {baseline:,.0f} lines/s  ({len(patterns)} patterns, no prefilter)"
    )
    print(f"speed-up vs baseline         {ours / baseline:.1f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true", help="list every mismatch")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"shared data not found at {DATA}", file=sys.stderr)
        return 2
    classification(args.show_errors)
    secret_lines = redaction_quality(args.show_errors)
    throughput(secret_lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
