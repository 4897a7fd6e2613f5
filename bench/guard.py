"""Benchmark and acceptance figures for the safety guard.

Run from the repository root:  .venv/bin/python bench/guard.py [--show-errors]

Prints, on the shared dev corpora (../shared/data):
- command classification: exact-label accuracy, read_only recall, unsafe-as-read_only count,
  confusion matrix;
- the same on our own tldr-derived corpus (tests/guard/corpus/tldr-*.jsonl: every example of
  the tldr pages of the tools an SRE uses, labelled from the page's description before the
  guard was run), split by source page into a development part and a held-out third that was
  not looked at while the rules were written (sha256 of the page % 3 == 0), with every unsafe
  command the guard calls read_only listed;
- redaction: share of `secrets` removed, share of `keep` kept, share of decoy rows altered;
- the same three figures on the documented-format corpus (tests/guard/corpus/
  secrets-documented.jsonl, built by bench/make_secret_corpus.py) for opslens and for the
  named baseline detect-secrets (all default plugins; how it is counted:
  bench/_detect_secrets_baseline.py), with lines/s of both on those rows and opslens'
  per-format misses;
- redaction throughput (lines/s) on realistic log lines (loghub-2k plus the secret rows),
  against a named baseline: a naive loop applying every pattern to every line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from opslens.guard import CommandGuard, Label, Redactor
from opslens.guard import redact as redact_module
from opslens.guard.secret_patterns import KEY_WORDS, TOKEN_PATTERNS

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _detect_secrets_baseline as detect_secrets_baseline  # noqa: E402
from _redaction_score import print_figures, print_misses, score  # noqa: E402

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DOCUMENTED = (
    Path(__file__).resolve().parents[1] / "tests" / "guard" / "corpus" / "secrets-documented.jsonl"
)


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


TLDR = Path(__file__).resolve().parents[1] / "tests" / "guard" / "corpus"


def _held_out(source: str) -> bool:
    """The held-out third of the tldr corpus: decided by the source page alone."""
    return int(hashlib.sha256(source.encode()).hexdigest(), 16) % 3 == 0


def tldr_classification(show_errors: bool) -> None:
    rows = []
    for path in sorted(TLDR.glob("tldr-*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    guard = CommandGuard(user_rules={})
    print(f"\n== command classification: {TLDR}/tldr-*.jsonl ({len(rows)} commands from the tldr pages)")
    print(f"{'split':<10} {'rows':>5} {'exact':>7} {'read_only recall':>17} {'unsafe as read_only':>20}")
    unsafe_rows: list[tuple[str, str, str]] = []
    for split in ("dev", "held-out"):
        part = [r for r in rows if _held_out(r["source"]) == (split == "held-out")]
        got = [guard.classify(r["cmd"]) for r in part]
        exact = sum(v.label.value == r["label"] for r, v in zip(part, got, strict=True))
        gold_ro = [v for r, v in zip(part, got, strict=True) if r["label"] == "read_only"]
        recall = sum(v.label is Label.READ_ONLY for v in gold_ro) / max(1, len(gold_ro))
        unsafe = [(split, r["label"], r["cmd"]) for r, v in zip(part, got, strict=True)
                  if r["label"] != "read_only" and v.label is Label.READ_ONLY]
        unsafe_rows += unsafe
        print(f"{split:<10} {len(part):>5} {exact / max(1, len(part)):>7.4f} {recall:>17.4f} {len(unsafe):>20}")
    for split, gold, cmd in unsafe_rows:
        print(f"  UNSAFE AS read_only ({split}, gold {gold}): {cmd}")
    if show_errors:
        for r in rows:
            verdict = guard.classify(r["cmd"])
            if verdict.label.value != r["label"] and not _held_out(r["source"]):
                print(f"  MISMATCH gold {r['label']} got {verdict.label.value}: {r['cmd']}  # {verdict.reason}")


def redaction_quality(show_errors: bool) -> list[str]:
    rows = _rows("secrets-dev.jsonl")
    result = score(rows, [Redactor().redact(row["line"]) for row in rows])
    print(f"\n== redaction: {DATA / 'secrets-dev.jsonl'} ({len(rows)} rows)")
    print(f"secrets removed              {result.recall:.4f}  ({result.gone}/{result.secrets})")
    print(f"keep substrings surviving    {result.keep_rate:.4f}  ({result.kept}/{result.keeps})")
    print(
        f"decoy rows altered           {result.decoy_rate:.4f}  ({result.altered}/{result.decoys})"
    )
    if show_errors:
        for problem in result.problems:
            print("  ", problem)
    return [row["line"] for row in rows]


def documented_redaction(show_errors: bool) -> None:
    """opslens and detect-secrets on the documented-format corpus, same rows, same scorer."""
    with DOCUMENTED.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    lines = [row["line"] for row in rows]
    physical = sum(line.count("\n") + 1 for line in lines)
    decoys = sum(row["kind"].startswith("decoy:") for row in rows)
    formats = {row["kind"] for row in rows if not row["kind"].startswith("decoy:")}
    print(
        f"\n== redaction: {DOCUMENTED.relative_to(DOCUMENTED.parents[3])} ({len(rows)} rows: "
        f"{len(rows) - decoys} with secrets in {len(formats)} formats, {decoys} decoys; "
        f"{physical} lines)"
    )
    redactor = Redactor()
    start = time.perf_counter()
    ours = [redactor.redact(line) for line in lines]
    ours_seconds = time.perf_counter() - start
    ours_score = score(rows, ours)
    print_figures(
        f"opslens Redactor             {physical / ours_seconds:,.0f} lines/s", ours_score
    )
    if detect_secrets_baseline.available():
        theirs, theirs_seconds = detect_secrets_baseline.redact_rows(lines)
        theirs_score = score(rows, theirs)
        label = f"detect-secrets {detect_secrets_baseline.version()} (default plugins)"
        print_figures(f"{label:<28} {physical / theirs_seconds:,.0f} lines/s", theirs_score)
        print("  (detect-secrets: every value it reports is masked where it occurs; see")
        print("   bench/_detect_secrets_baseline.py for how it is run and counted)")
        verdict = "beats" if ours_score.recall > theirs_score.recall else "does NOT beat"
        print(
            f"recall: opslens {verdict} detect-secrets ({ours_score.recall:.4f} vs {theirs_score.recall:.4f})"
        )
    else:
        print("detect-secrets not installed (pip install -e '.[bench]'): baseline skipped")
    sources = {row["kind"]: row["source"] for row in rows}
    print("opslens misses by format:")
    print_misses(ours_score, sources)
    if show_errors:
        for problem in ours_score.problems:
            print("  ", problem)


#: Passwords given to database clients as options, as one plain pattern (the redactor's own
#: handling is structural.redact_cli_passwords).
_CLIENT_PASSWORD = re.compile(
    r"\b(?:redis-cli|valkey-cli|sshpass|mysql|mysqladmin|mysqldump|mariadb|mariadb-dump|mysqlimport|mysqlsh)\b"
    r"[^\n|;]*?\s(?:-a[ \t]+|-p[ \t]+(?=\S*\d)|-p(?=[^\s-]))([^\s\"']+)"
)


def _naive_patterns() -> list[re.Pattern[str]]:
    """The baseline: every pattern compiled on its own, applied to every line."""
    patterns = [re.compile(p) for _, p, _ in TOKEN_PATTERNS]
    patterns += [
        redact_module._PEM,
        redact_module._URL_CREDS,
        redact_module._AUTH_HEADER,
        redact_module._USER_PASS_FLAG,
        _CLIENT_PASSWORD,
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
    tldr_classification(args.show_errors)
    secret_lines = redaction_quality(args.show_errors)
    documented_redaction(args.show_errors)
    throughput(secret_lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
