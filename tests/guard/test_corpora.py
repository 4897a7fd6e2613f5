"""Acceptance targets on the shared dev corpora (skipped when ../shared/data is absent)."""

from __future__ import annotations

import json
from pathlib import Path

from opslens.guard import CommandGuard, Label, Redactor


def _rows(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def test_commands_dev_targets(shared_data: Path, guard: CommandGuard) -> None:
    rows = _rows(shared_data / "commands-dev.jsonl")
    got = [guard.classify(r["cmd"]).label.value for r in rows]
    gold = [r["label"] for r in rows]
    unsafe = [
        r["cmd"]
        for r, g in zip(rows, got, strict=True)
        if r["label"] != "read_only" and g == "read_only"
    ]
    assert unsafe == []
    read_only = [g for r, g in zip(rows, got, strict=True) if r["label"] == "read_only"]
    assert read_only.count(Label.READ_ONLY.value) / len(read_only) >= 0.97
    assert sum(a == b for a, b in zip(got, gold, strict=True)) / len(rows) >= 0.90


def test_secrets_dev_targets(shared_data: Path) -> None:
    rows = _rows(shared_data / "secrets-dev.jsonl")
    gone = total = kept = keeps = altered = decoys = 0
    for row in rows:
        out = Redactor().redact(row["line"])
        total += len(row["secrets"])
        gone += sum(s not in out for s in row["secrets"])
        keeps += len(row["keep"])
        kept += sum(k in out for k in row["keep"])
        if row["kind"].startswith("decoy:"):
            decoys += 1
            altered += out != row["line"]
    assert gone / total >= 0.995
    assert kept / keeps >= 0.99
    assert altered / decoys <= 0.01
