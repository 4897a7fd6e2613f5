"""Pods Pending only because every node carries a node-condition taint: the condition is the
cause (a full disk, a node gone NotReady), the Pending pods its symptom. A scheduling failure
with any other reason stays a scheduling failure. Pastes are our own."""

from __future__ import annotations

from pathlib import Path

import pytest

from opslens.pipeline import TriageOptions, run_triage

STATUS = """\
  status:
    conditions:
    - lastProbeTime: null
      lastTransitionTime: "2025-05-06T07:08:09Z"
      message: '0/2 nodes are available: 2 node(s) had taint {{node.kubernetes.io/{taint}:
        }}, that the pod didn''t tolerate.'
      reason: Unschedulable
      status: "False"
      type: PodScheduled
    phase: Pending
"""
EVENT = ("Warning  FailedScheduling  2m (x9 over 12m)  default-scheduler  0/3 nodes are available: "
         "{reasons}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.\n")

CASES = [
    (STATUS.format(taint="disk-pressure"), "disk-pressure"),
    (EVENT.format(reasons="3 node(s) had untolerated taint {node.kubernetes.io/unreachable: }"), "node-failure"),
    # other reasons beside the taint: the scheduler's own story
    (EVENT.format(reasons="1 node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }, 2 Insufficient cpu"), "scheduling"),
    # an operator's taint is no node condition
    (EVENT.format(reasons="3 node(s) had untolerated taint {dedicated: gpu}"), "scheduling"),
]


@pytest.mark.parametrize(("text", "category"), CASES)
def test_the_taint_of_a_node_condition_names_the_cause(tmp_path: Path, text: str, category: str) -> None:
    (tmp_path / "paste.txt").write_text(text, encoding="utf-8")
    report = run_triage(TriageOptions(paths=[str(tmp_path)])).report
    assert report is not None and report.hypotheses
    ranked = [h.category for h in report.hypotheses]
    assert ranked[0] == category
    if category != "scheduling":
        assert "scheduling" in ranked[1:], "the Pending pods stay visible as the symptom"
