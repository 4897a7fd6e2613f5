"""Errors pasted without anything naming their pod go to the one workload a dated change rolled
out just before them; with two candidates nothing is guessed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from opslens.pipeline import TriageOptions, run_triage
from opslens.report.models import Report

EVENTS = """\
$ kubectl get events -n storefront
LAST SEEN   TYPE     REASON              OBJECT                             MESSAGE
9m          Normal   ScalingReplicaSet   deployment/catalog-web             Scaled up replica set catalog-web-5d8f7c9b4 to 3
"""
OTHER = """\
9m          Normal   ScalingReplicaSet   deployment/search-api              Scaled up replica set search-api-7b6c5d4f9 to 2
"""
LOGS = """\
and the app logs since then:

2026-03-07T09:52:10.114Z TypeError: Cannot read properties of undefined (reading 'price')
2026-03-07T09:52:11.530Z TypeError: Cannot read properties of undefined (reading 'price')
2026-03-07T09:52:14.902Z TypeError: Cannot read properties of undefined (reading 'price')
2026-03-07T09:52:20.017Z TypeError: Cannot read properties of undefined (reading 'price')
"""
NOW = datetime(2026, 3, 7, 9, 59, tzinfo=UTC).timestamp()


def _triage(tmp_path: Path, text: str) -> Report:
    (tmp_path / "chat.txt").write_text(text, encoding="utf-8")
    report = run_triage(TriageOptions(paths=[str(tmp_path)], now=NOW)).report
    assert report is not None and report.hypotheses
    return report


def test_errors_without_a_pod_go_to_the_one_workload_just_rolled_out(tmp_path: Path) -> None:
    top = _triage(tmp_path, EVENTS + "\n" + LOGS).hypotheses[0]
    assert top.category == "bad-deploy"
    assert top.entity is not None and top.entity.name == "catalog-web"


def test_with_two_rollouts_the_errors_stay_unattributed(tmp_path: Path) -> None:
    top = _triage(tmp_path, EVENTS + OTHER + "\n" + LOGS).hypotheses[0]
    assert top.category != "bad-deploy"
