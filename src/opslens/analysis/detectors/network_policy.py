"""network-policy: a NetworkPolicy change blocks traffic between workloads."""

from __future__ import annotations

import re

from opslens.analysis import signals
from opslens.analysis.detectors._shared import score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload
from opslens.analysis.findings import ChangeFinding
from opslens.analysis.hits import SignalHit
from opslens.event_attrs import change_attrs
from opslens.events import Entity

_POLICY_TEXT = re.compile(r"network[-_ ]?polic(y|ies)|networkpolicy|ciliumnetworkpolicy|default-deny|deny-all|egress|ingress rule", re.I)


@register
class NetworkPolicyDetector(Detector):
    category = "network-policy"
    title = "Traffic blocked by a NetworkPolicy change"

    def detect(self, ctx: Context) -> list[Candidate]:
        # A kubelet probe that cannot connect says the container does not listen (yet): that is
        # the probe's or the application's story, not traffic between workloads.
        probed = {id(e) for h in ctx.all("readiness_fail", "liveness_kill", "probe_path_missing") for e in h.events}
        # A lookup that times out (`lookup db on 10.96.0.10:53: i/o timeout`) is a DNS failure,
        # handled below, not a connection between workloads.
        lookups = {id(e) for h in ctx.all("dns_failure") for e in h.events}
        timeouts = [h for h in ctx.fresh("conn_timeout", "conn_refused")
                    if not all(id(e) in probed or id(e) in lookups for e in h.events)]
        if not timeouts:
            blocked = _blocked_lookups(ctx, self.category, self.title)
            return [blocked] if blocked is not None else []
        change = _policy_change(ctx.changes)
        dns = ctx.fresh("dns_failure")
        victim = top_workload(timeouts)
        culprit = _policy_entity(change, victim) or victim
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=timeouts,
            extra=[0.55 if change is not None else 0.0],
            against=[(dns, 0.5), (ctx.fresh("crash_loop"), 0.2)],
            rationale="Connections between healthy in-cluster workloads time out right after a policy change.",
        )
        if cand is None:
            return []
        if change is None:
            # Timeouts alone hardly point at a policy; a dial that hangs (dropped packets) does
            # a little more than a refused one (nothing listening).
            hangs = any(_HANG.search(h.text) or any(_HANG.search(e.raw) for e in h.events) for h in timeouts)
            cand.score *= 0.65 if hangs else 0.45
        else:
            cand.change = change
            if change.evidence:
                cand.evidence.append(change.evidence)
            cand.evidence += _cite_policy_sync(ctx, change, culprit)
        return [cand]


#: Workloads and signature components that are the cluster resolver itself: their failures are
#: the resolver's story (upstreams, loops, configuration), not a client's blocked queries.
_RESOLVERS = ("coredns", "kube-dns", "node-local-dns", "nodelocaldns")
#: What a policy that the input says is switched on adds to failing lookups behind it.
_STATED_POLICY = 0.55


def _blocked_lookups(ctx: Context, category: str, title: str) -> Candidate | None:
    """Name lookups that fail in workloads the input says a NetworkPolicy now restricts.

    A policy that selects a pod for egress denies everything it does not allow, DNS included:
    the pod then reports `Temporary failure in name resolution` though the resolver is
    healthy. When the input states the policy is on (chart values, a manifest, a dated policy
    change, "networkPolicy is enabled") and the failing lookups are the clients' own (no
    resolver log fails), the policy is the cause and the DNS failure its symptom."""
    defs = signals.signal_defs()
    if any(_resolver_side(h) for h in ctx.hits if not h.chronic and (h.signal == "dns_failure" or defs[h.signal].component in _RESOLVERS)):
        return None
    lookups = [h for h in ctx.fresh("dns_failure") if not _resolver_side(h)]
    change = _policy_change(ctx.changes)
    stated = ctx.all("network_policy_config", "network_policy_object")
    if not lookups or (change is None and not stated):
        return None
    cand = score_candidate(
        ctx,
        category=category,
        title=title,
        culprit=_policy_entity(change, top_workload(lookups)) or top_workload(lookups),
        primary=lookups,
        extra=[_STATED_POLICY],
        rationale="Name lookups fail in workloads that a NetworkPolicy restricts; a policy that selects "
                  "a pod for egress drops its DNS queries unless it allows them.",
    )
    if cand is None:
        return None
    cand.symptoms_of = {"dns-failure"}
    cand.evidence += [e for e in ctx.cite_all(stated, limit=2, detail="the policy the input says is on") if e not in cand.evidence]
    if change is not None:
        cand.change = change
        if change.evidence:
            cand.evidence.append(change.evidence)
    return cand


def _resolver_side(hit: SignalHit) -> bool:
    """Whether the line is the resolver's own log (CoreDNS's `[ERROR] plugin/errors: ...`)
    rather than a client's failed lookup."""
    w = hit.workload
    return bool(_RESOLVER_LINE.search(hit.text)) or (w is not None and w.name.startswith(_RESOLVERS))


_RESOLVER_LINE = re.compile(r"plugin/\w+|unreachable backend|\bHINFO\b")


def _cite_policy_sync(ctx: Context, change: ChangeFinding, policy: Entity | None) -> list[str]:
    """The sync's own words about the policy it created (`networkpolicy/... created`)."""
    if change.event is None or policy is None or policy.kind != "NetworkPolicy":
        return []
    notes = change_attrs(change.event).get("resource_messages") or []
    said = [n for n in notes if policy.name in n]
    return [ctx.book.cite(change.event, text=said[0], detail="what the sync did to the policy", weight=0.9)] if said else []


def _policy_change(changes: list[ChangeFinding]) -> ChangeFinding | None:
    """The dated policy change that most likely blocks: a deny policy before others, then the
    latest (several policies created together: `default-deny-egress` is the one that bites)."""
    found = []
    for c in changes:
        text = " ".join([c.summary, *c.files])
        if c.time is not None and _POLICY_TEXT.search(text) and (c.minutes_before_onset is None or -2 <= c.minutes_before_onset <= 360):
            found.append(c)
    if not found:
        return None
    return max(found, key=lambda c: (bool(_DENY.search(" ".join([c.summary, *c.files]))), c.time or 0.0))


_HANG = re.compile(r"i/o timeout|connect(ion)? timed out|connect ETIMEDOUT|Connect timed out", re.I)
_DENY = re.compile(r"deny|block|isolat|lockdown|restrict", re.I)
_NOT_A_NAME = re.compile(r"^(networkpolic(y|ies)|netpol|network-polic(y|ies)|polic(y|ies)|np)$|^(networkpolicy|netpol|network-policy|np)[-_]|[-_](networkpolicy|netpol|network-policy|np)$", re.I)


def _policy_entity(change: ChangeFinding | None, victim: Entity | None) -> Entity | None:
    """The NetworkPolicy a change added, named after its manifest, in the victims' namespace."""
    if change is None:
        return None
    for resource in change.files:  # a sync's `NetworkPolicy/ns/name`: the policy itself
        kind, _, rest = resource.partition("/")
        if kind == "NetworkPolicy" and "/" in rest:
            ns, _, name = rest.partition("/")
            return Entity("NetworkPolicy", name, ns or (victim.namespace if victim else None))
    for path in change.files:
        if not _POLICY_TEXT.search(path) and not _POLICY_TEXT.search(change.summary):
            continue
        stem = re.sub(r"\.ya?ml$", "", path.rsplit("/", 1)[-1], flags=re.I)
        name = _NOT_A_NAME.sub("", stem) or stem
        segments = path.split("/")[:-1]
        ns = victim.namespace if victim is not None and victim.namespace in segments else None
        return Entity("NetworkPolicy", name, ns or (victim.namespace if victim else None))
    return change.entity
