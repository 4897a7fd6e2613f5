"""node-failure: a node stops functioning and becomes NotReady."""

from __future__ import annotations

from collections import Counter

from opslens.analysis.detectors._shared import Support, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register
from opslens.events import Entity


@register
class NodeFailureDetector(Detector):
    category = "node-failure"
    title = "Node NotReady (kubelet, runtime or kernel failure)"

    def detect(self, ctx: Context) -> list[Candidate]:
        down = ctx.fresh("node_not_ready")
        if not down:
            return []
        nodes = Counter()
        for h in down:
            for e in h.events:
                name = (e.entity.name if e.entity is not None and e.entity.kind == "Node" else None) or e.host
                if name:
                    nodes[name] += h.count
        culprit = Entity("Node", ctx.graph.node_name(nodes.most_common(1)[0][0]), None) if nodes else None
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=down,
            support=[Support("eviction", 0.2, "anywhere")],
            rationale="The node stopped reporting Ready; its pods' failures follow from the node.",
        )
        if cand:
            cand.symptoms_of = {"crash-bug", "dependency-outage", "scheduling", "probe-misconfig"}
        return [cand] if cand else []
