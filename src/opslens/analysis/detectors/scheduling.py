"""scheduling: pods stay Pending because the scheduler cannot place them."""

from __future__ import annotations

import dataclasses
import re

from opslens.analysis.detectors._shared import Support, on, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload
from opslens.analysis.hits import SignalHit

#: `0/3 nodes are available: 3 node(s) had (untolerated )?taint {node.kubernetes.io/disk-pressure: }`
_ALL_TAINTED = re.compile(
    r"\b0/(\d+) nodes are available:\s*(\d+) node\(s\) had (?:untolerated )?taints? \{?node\.kubernetes\.io/"
    r"(disk-pressure|not-ready|unreachable)\b(?:[^,.]*)(?:[,.]\s*that the pod didn't tolerate)?\.?\s*(?:preemption:|$)",
    re.I,
)
#: The node condition behind each taint the node lifecycle controller and kubelet set.
_TAINT_CAUSE = {"disk-pressure": "disk-pressure", "not-ready": "node-failure", "unreachable": "node-failure"}


@register
class SchedulingDetector(Detector):
    category = "scheduling"
    title = "Pods cannot be scheduled (insufficient resources, taints, affinity, quota)"

    def detect(self, ctx: Context) -> list[Candidate]:
        # A claim that never binds keeps its pod Pending as surely as a full cluster does.
        failed = ctx.fresh("failed_scheduling") or ctx.fresh("pvc_pending")
        if not failed:
            return []
        culprit = top_workload(failed)
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=on(failed, culprit) or failed,
            support=[Support("pending_pods", 0.2, "namespace")],
            change_weight=0.25,
            rationale="The scheduler reports no node that fits the pods, so they stay Pending.",
        )
        if cand is None:
            return []
        cause = _node_condition(failed)
        if cause is None:
            return [cand]
        # Every node carries the taint of one node condition: the condition is the cause and
        # Pending pods are its symptom (a full disk, a node gone NotReady).
        return [cand, dataclasses.replace(
            cand,
            category=cause,
            score=cand.score * 1.05,
            title=f"Every node is tainted {_TAINT_NAME[cause]}: pods stay Pending",
            rationale=f"All nodes carry the node-condition taint of {_TAINT_NAME[cause]}; the scheduler cannot place pods until the node recovers.",
            symptoms_of={"scheduling"},
            evidence=list(cand.evidence),
        )]


_TAINT_NAME = {"disk-pressure": "for disk pressure", "node-failure": "not-ready or unreachable"}


def _node_condition(failed: list[SignalHit]) -> str | None:
    """The node condition whose taint alone keeps every node from the pods, if any."""
    causes = set()
    for hit in failed:
        texts = [hit.text, *(e.raw for e in hit.events)]
        m = next((m for t in texts if (m := _ALL_TAINTED.search(" ".join(t.split())))), None)
        if m is None or m.group(1) != m.group(2):
            return None
        causes.add(_TAINT_CAUSE[m.group(3).lower()])
    return causes.pop() if len(causes) == 1 else None
