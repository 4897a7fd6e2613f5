"""dns-failure: name resolution fails in the cluster."""

from __future__ import annotations

from opslens.analysis import signals
from opslens.analysis.detectors._shared import Support, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload
from opslens.events import Entity

_DNS_WORKLOADS = ("coredns", "kube-dns", "node-local-dns", "nodelocaldns")
#: Components whose signatures are the resolver's own words.
_RESOLVERS = frozenset({"coredns", "kube-dns", "node-local-dns"})


@register
class DnsFailureDetector(Detector):
    category = "dns-failure"
    title = "Cluster DNS resolution failing"

    def detect(self, ctx: Context) -> list[Candidate]:
        failures = ctx.fresh("dns_failure")
        if not failures:
            return []
        culprit = self.culprit(ctx, failures)
        affected = {h.workload for h in failures if h.workload is not None}
        breadth = min(0.4, 0.12 * max(0, len(affected) - 1))
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=failures,
            support=[Support("dependency_failure", 0.1, "anywhere", symptom=False)],
            change_weight=0.35,
            extra=[breadth],
            rationale=f"Lookups fail in {len(affected) or 'several'} workload(s); the shared resolver is the common factor.",
        )
        if cand:
            cand.symptoms_of = {"dependency-outage", "network-policy", "db-connectivity", "crash-bug"}
        return [cand] if cand else []

    def culprit(self, ctx: Context, hits: list) -> Entity | None:
        """The resolver whose own log says it fails (a CoreDNS signature in a pod's log), else
        the cluster DNS Deployment."""
        defs = signals.signal_defs()
        resolver = [h for h in hits if h.workload is not None and defs[h.signal].component in _RESOLVERS]
        return top_workload(resolver) or _dns_workload(ctx)


def _dns_workload(ctx: Context) -> Entity:
    """The cluster DNS Deployment as this bundle names it (CoreDNS in kube-system by default)."""
    for ns, kind, name in sorted(ctx.graph.known_workloads, key=str):
        if any(name.startswith(d) for d in _DNS_WORKLOADS):
            return Entity(kind, name, ns)
    for hit in ctx.hits:
        w = hit.workload
        if w is not None and any(w.name.startswith(d) for d in _DNS_WORKLOADS):
            return w
    return Entity("Deployment", "coredns", "kube-system")
