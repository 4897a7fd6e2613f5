"""An input that shows a failure too weakly for a diagnosis still gets a lead, marked as weak:
never "no hypothesis" when a line names what went wrong; nothing when no line does.

Every paste is our own, in the shapes real tools print.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from opslens.analysis.fallback import WEAK_CEILING, WEAK_NOTE
from opslens.analysis.hypotheses import MIN_SCORE
from opslens.pipeline import TriageOptions, run_triage
from opslens.report.models import Report

PROBE_REFUSED = (
    'Warning  Unhealthy  4m2s (x3 over 4m9s)  kubelet            Readiness probe failed: '
    'Get "http://10.12.3.4:9443/ready": dial tcp 10.12.3.4:9443: connect: connection refused\n'
)
LOW_DISK_INFO = (
    '{"level":"info","ts":"2025-04-02T10:11:12.5Z","logger":"instance-manager",'
    '"msg":"Detected low-disk space condition, refusing to start the instance","pvc":"ledger-db-1-wal"}\n'
)
ROUTINE = (
    "2025-04-02T10:11:12Z INFO ledger-api listening on :8080\n"
    "2025-04-02T10:11:13Z INFO ledger-api connected to the queue\n"
)

WEAK = [
    # one probe line: the kubelet's refused dial is the probe's story, not a blocked connection
    ("probe.txt", PROBE_REFUSED, "probe-misconfig"),
    # an info-level line whose words are a disk-pressure failure
    ("instance.json", LOW_DISK_INFO, "disk-pressure"),
]


def _triage(tmp_path: Path, name: str, text: str) -> Report:
    (tmp_path / name).write_text(text, encoding="utf-8")
    report = run_triage(TriageOptions(paths=[str(tmp_path)])).report
    assert report is not None
    return report


@pytest.mark.parametrize(("name", "text", "category"), WEAK)
def test_a_weak_failure_gets_a_lead_marked_weak(tmp_path: Path, name: str, text: str, category: str) -> None:
    report = _triage(tmp_path, name, text)
    assert report.hypotheses, "a line that names the failure must not end in no hypothesis"
    top = report.hypotheses[0]
    assert top.category == category
    assert top.confidence <= WEAK_CEILING < MIN_SCORE
    assert WEAK_NOTE in top.title
    assert top.evidence, "the lead cites the line it rests on"
    assert report.summary.startswith("Insufficient evidence")


def test_the_probe_line_is_no_network_policy_lead(tmp_path: Path) -> None:
    report = _triage(tmp_path, "probe.txt", PROBE_REFUSED)
    assert "network-policy" not in [h.category for h in report.hypotheses]


def test_routine_lines_get_no_lead(tmp_path: Path) -> None:
    assert _triage(tmp_path, "api.log", ROUTINE).hypotheses == []


def test_a_confident_diagnosis_is_not_marked_weak(tmp_path: Path) -> None:
    text = ("Warning  Failed  2m (x4 over 3m)  kubelet  Failed to pull image \"registry.example.com/shop/cart:9.9.9\": "
            "rpc error: code = NotFound desc = failed to pull and unpack image: not found\n"
            "Warning  Failed  2m (x4 over 3m)  kubelet  Error: ErrImagePull\n")
    top = _triage(tmp_path, "events.txt", text).hypotheses[0]
    assert top.category == "image-pull"
    assert WEAK_NOTE not in top.title and top.confidence >= MIN_SCORE
