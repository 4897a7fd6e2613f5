"""cert-expiry: a TLS certificate expired (or is not yet valid), so handshakes fail."""

from __future__ import annotations

import re

from opslens.analysis.detectors._shared import Support, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload
from opslens.analysis.hits import SignalHit
from opslens.events import Entity

_SERVER_SIDE = re.compile(r"handshake error|tls: bad certificate|alert certificate expired|remote error", re.I)
_HOST = re.compile(r"(?:https?://|dial tcp |connect to |host[= ]|for )([a-z0-9][-a-z0-9]*)(?:\.[-a-z0-9.]+)?(?::\d+)?", re.I)


@register
class CertExpiryDetector(Detector):
    category = "cert-expiry"
    title = "Expired TLS certificate breaks handshakes"

    def detect(self, ctx: Context) -> list[Candidate]:
        expired = ctx.fresh("cert_expired")
        if not expired:
            return []
        culprit = self.culprit(ctx, expired)
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=expired,
            support=[Support("cert_renewal_failed", 0.35, "anywhere", symptom=False), Support("dependency_failure", 0.1, "anywhere", symptom=False)],
            rationale="Clients reject the server's certificate as expired; their errors are symptoms of one certificate.",
        )
        if cand:
            cand.symptoms_of = {"dependency-outage", "crash-bug", "probe-misconfig", "network-policy", "node-failure"}
        return [cand] if cand else []

    def culprit(self, ctx: Context, hits: list[SignalHit]) -> Entity | None:
        """The certificate itself when the inputs name it (a cert-manager Certificate in an
        alert or event), else the server presenting it."""
        # Chronic hits count here: a renewal failing for a week names the certificate that
        # expires today, although only today's handshake errors are this incident.
        every = hits + [h for h in ctx.all("cert_expired", "cert_renewal_failed") if h not in hits]
        named = [h.workload for h in every if h.workload is not None and h.workload.kind in ("Certificate", "Secret")]
        return named[0] if named else _server(ctx, hits)


def _server(ctx: Context, hits: list[SignalHit]) -> Entity | None:
    """The workload presenting the expired certificate, not the clients complaining about it."""
    servers = [h for h in hits if _SERVER_SIDE.search(h.text)]
    if servers and (w := top_workload(servers)):
        return w
    known = {name: (ns, kind) for ns, kind, name in ctx.graph.known_workloads}
    for h in hits:
        if h.alert is not None and h.workload is not None:
            return h.workload
    names = {h.workload.name for h in hits if h.workload is not None}
    for h in hits:
        for event in h.events:
            for m in _HOST.finditer(event.raw):
                host = m.group(1).lower()
                if host in known:
                    ns, kind = known[host]
                    return Entity(kind, host, ns)
                candidates = [n for n in names if n != host and host.startswith(n)]
                if not candidates and host not in names and h.workload is not None:
                    return Entity("Deployment", host, h.workload.namespace)
    return top_workload(hits)
