"""The acceptance figures on the shared kube-prometheus runbooks (skipped without them)."""

from __future__ import annotations

import json
from pathlib import Path

from opslens.runbooks import RunbookIndex, query_from_alert


def test_dev_queries_meet_the_acceptance_bar(shared_data: Path, tmp_path: Path):
    rows = [json.loads(line) for line in
            (shared_data / "runbooks-queries-dev.jsonl").read_text().splitlines() if line.strip()]
    with RunbookIndex.open(tmp_path / "i.sqlite") as idx:
        built = idx.refresh([shared_data / "runbooks"])
        assert built.reindexed == built.scanned > 100
        assert idx.refresh([shared_data / "runbooks"]).reindexed == 0
        answers = {r["id"]: [h.path for h in idx.search(query_from_alert(r["alert"]), k=3)]
                   for r in rows}

    def recall(variant: str, depth: int) -> float:
        chosen = [r for r in rows if r["variant"] == variant]
        return sum(r["expected_runbook"] in answers[r["id"]][:depth] for r in chosen) / len(chosen)

    abstain = [r for r in rows if r["expected_runbook"] is None]
    assert recall("named", 1) >= 0.98
    assert recall("blind", 1) >= 0.80
    assert recall("blind", 3) >= 0.95
    assert sum(not answers[r["id"]] for r in abstain) / len(abstain) >= 0.7
