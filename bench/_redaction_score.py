"""Scoring of a redactor's output against corpus rows (schema of secrets-dev.jsonl).

A row has `line`, `secrets` (must not survive), `keep` (must survive) and `kind`
(`decoy:*` rows must come out unchanged). The same scorer serves opslens and the
detect-secrets baseline, so their figures are comparable.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Score:
    """Counts of one redactor on one corpus, overall and per row kind."""

    secrets: int = 0
    gone: int = 0
    keeps: int = 0
    kept: int = 0
    decoys: int = 0
    altered: int = 0
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    secrets_by_kind: Counter[str] = field(default_factory=Counter)
    leaks_by_kind: Counter[str] = field(default_factory=Counter)
    lost_by_kind: Counter[str] = field(default_factory=Counter)
    altered_by_kind: Counter[str] = field(default_factory=Counter)

    @property
    def recall(self) -> float:
        return self.gone / self.secrets if self.secrets else 1.0

    @property
    def keep_rate(self) -> float:
        return self.kept / self.keeps if self.keeps else 1.0

    @property
    def decoy_rate(self) -> float:
        return self.altered / self.decoys if self.decoys else 0.0


def score(rows: list[dict], outputs: list[str]) -> Score:
    """Score redacted `outputs` (one per row, same order) against the rows' expectations."""
    result = Score()
    for row, out in zip(rows, outputs, strict=True):
        kind = row["kind"]
        for secret in row["secrets"]:
            result.secrets += 1
            result.secrets_by_kind[kind] += 1
            if secret in out:
                result.leaks_by_kind[kind] += 1
                result.problems.append(("LEAK", row["id"], kind))
            else:
                result.gone += 1
        for keep in row["keep"]:
            result.keeps += 1
            if keep in out:
                result.kept += 1
            else:
                result.lost_by_kind[kind] += 1
                result.problems.append(("LOST", row["id"], kind))
        if kind.startswith("decoy:"):
            result.decoys += 1
            if out != row["line"]:
                result.altered += 1
                result.altered_by_kind[kind] += 1
                result.problems.append(("DECOY", row["id"], kind))
    return result


def print_figures(name: str, result: Score, indent: str = "") -> None:
    """The three figures of the issue, with their counts."""
    print(f"{indent}{name}")
    print(
        f"{indent}  secrets removed            {result.recall:.4f}  ({result.gone}/{result.secrets})"
    )
    print(
        f"{indent}  keep substrings surviving  {result.keep_rate:.4f}  ({result.kept}/{result.keeps})"
    )
    print(
        f"{indent}  decoy rows altered         {result.decoy_rate:.4f}  ({result.altered}/{result.decoys})"
    )


def print_misses(result: Score, sources: dict[str, str], top: int = 30) -> None:
    """Per-format misses (leaked secrets, lost keeps, altered decoys), worst first."""
    leaks = result.leaks_by_kind.most_common(top)
    print(
        f"  formats with leaked secrets: {len(result.leaks_by_kind)} (top {min(top, len(leaks))})"
    )
    for kind, missed in leaks:
        total = result.secrets_by_kind[kind]
        print(f"    {kind:<44} {missed:>3}/{total:<3} {sources.get(kind, '')[:70]}")
    for label, counter in (
        ("formats losing keep substrings", result.lost_by_kind),
        ("decoy kinds altered", result.altered_by_kind),
    ):
        print(f"  {label}: {len(counter)}")
        for kind, count in counter.most_common(top):
            print(f"    {kind:<44} {count:>3}")
