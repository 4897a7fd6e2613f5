"""Table tests for the small analyzers: alerts, entities, changes, severity, checks, budget."""

from __future__ import annotations

import pytest

from opslens.analysis import checks
from opslens.analysis.alerts import dedupe
from opslens.analysis.budget import TOKEN_BUDGET, fit_evidence
from opslens.analysis.changes import collect_changes, rank_changes
from opslens.analysis.entities import EntityGraph, pod_in_text
from opslens.analysis.evidence import EvidenceBook, quote
from opslens.analysis.excerpt import LINE_CHARS
from opslens.analysis.findings import AnalysisResult, HypothesisResult, TimelineItem
from opslens.analysis.severity import content_severity, effective_severity, embedded_level
from opslens.events import Entity, Event, EventKind, Origin, Severity


def ev(kind: EventKind, message: str, t: float = 1000.0, entity: Entity | None = None, **attrs: object) -> Event:
    return Event(t, kind, "test", Origin("f.json", 1), message, message, entity=entity, attrs=attrs or None)


def test_alert_repeats_merge_and_resolved_stay_apart() -> None:
    labels = {"alertname": "KubePodCrashLooping", "namespace": "shop", "pod": "api-1", "severity": "warning"}
    alerts = [
        ev(EventKind.ALERT, "a", 100.0, alertname="KubePodCrashLooping", status="firing", labels=labels),
        ev(EventKind.ALERT, "a", 160.0, alertname="KubePodCrashLooping", status="firing", labels={**labels, "prometheus": "mon/k8s-1"}),
        ev(EventKind.ALERT, "a", 400.0, alertname="KubePodCrashLooping", status="resolved", labels=labels),
    ]
    out = dedupe(alerts)
    assert [(a.status, a.count, a.first, a.last) for a in out] == [("firing", 2, 100.0, 160.0), ("resolved", 1, 400.0, 400.0)]
    assert out[0].group == "namespace=shop"


@pytest.mark.parametrize(
    ("pod", "owner"),
    [
        (Entity("Pod", "checkout-mcmpwcr5l-2tl4t", "shop"), Entity("Deployment", "checkout", "shop")),
        (Entity("Pod", "orders-db-0", "shop"), Entity("StatefulSet", "orders-db", "shop")),
        (Entity("Pod", "coredns-5d78c9869d-ksf2c", "kube-system"), Entity("Deployment", "coredns", "kube-system")),
        (Entity("Pod", "kube-proxy-x7k2m", "kube-system"), Entity("DaemonSet", "kube-proxy", "kube-system")),
        (Entity("Pod", "backup-28816530-v96g6", "data"), Entity("CronJob", "backup", "data")),
    ],
)
def test_pod_names_resolve_to_their_workload(pod: Entity, owner: Entity) -> None:
    assert EntityGraph().workload(pod) == owner


def test_owner_references_from_events_beat_name_guessing() -> None:
    graph = EntityGraph()
    graph.learn([
        ev(EventKind.EVENT, "Created pod: web-abc-xyz12", entity=Entity("ReplicaSet", "web-abc", "ns"), reason="SuccessfulCreate"),
        ev(EventKind.EVENT, "Scaled up replica set web-abc to 1", entity=Entity("Deployment", "frontend", "ns"), reason="ScalingReplicaSet"),
    ])
    assert graph.workload(Entity("Pod", "web-abc-xyz12", "ns")) == Entity("Deployment", "frontend", "ns")
    assert graph.workload(Entity("Service", "frontend", "ns")) == Entity("Deployment", "frontend", "ns")


def test_kubelet_lines_name_the_pod_they_are_about() -> None:
    assert pod_in_text('E0612 "Error syncing pod" pod="shop/api-7d9f8c6b5-x2x9q" podUID="1"') == Entity("Pod", "api-7d9f8c6b5-x2x9q", "shop")
    assert pod_in_text("Back-off restarting failed container api in pod api-1_shop(uid)") == Entity("Pod", "api-1", "shop")
    assert pod_in_text("nothing here") is None


def test_changes_rank_by_proximity_and_overlap_and_rollouts_collapse() -> None:
    deploy = Entity("Deployment", "checkout", "shop")
    events = [
        ev(EventKind.EVENT, "Scaled up replica set checkout-new to 1 from 0", 900.0, deploy, reason="ScalingReplicaSet"),
        ev(EventKind.EVENT, "Scaled down replica set checkout-old to 0 from 1", 960.0, deploy, reason="ScalingReplicaSet"),
    ]
    changes = [
        ev(EventKind.CHANGE, "commit: docs only", 100.0, change_kind="git-commit", files=["README.md"]),
        ev(EventKind.CHANGE, "Argo CD synced checkout", 880.0, Entity("Application", "checkout", "argocd"), change_kind="argocd-sync"),
    ]
    found = collect_changes(changes, events)
    assert len(found) == 3  # the two scaling events are one rollout
    ranked = rank_changes(found, onset=1000.0, affected={("shop", "checkout")})
    assert {c.kind for c in ranked[:2]} == {"k8s-ScalingReplicaSet", "argocd-sync"}
    assert ranked[-1].summary == "commit: docs only"
    assert ranked[0].touches_affected and ranked[0].minutes_before_onset is not None


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("connection refused to db:5432", Severity.ERROR),
        ("processed 0 errors in batch", Severity.UNKNOWN),
        ("Memory cgroup out of memory: Killed process 42 (java)", Severity.CRITICAL),
        ("retrying request in 2s", Severity.WARNING),
        ("ExecSync with timeout 1 (s)", Severity.UNKNOWN),
        ("request completed", Severity.UNKNOWN),
    ],
)
def test_content_severity(text: str, severity: Severity) -> None:
    assert content_severity(text) == severity


def test_untrusted_journald_levels_yield_to_embedded_or_content() -> None:
    assert embedded_level('time="x" level=warning msg="y"') == Severity.WARNING
    assert embedded_level("E0314 02:51:09.096230 1 x.go:1] boom") == Severity.ERROR
    line = Event(1.0, EventKind.LOG, "journald", Origin("j"), "x", "x", severity=Severity.INFO)
    assert effective_severity(line, Severity.ERROR) == Severity.ERROR
    app = Event(1.0, EventKind.LOG, "jsonlog", Origin("a"), "x", "x", severity=Severity.INFO)
    assert effective_severity(app, Severity.ERROR) == Severity.INFO


def test_checks_fill_real_names_and_drop_what_they_cannot_fill() -> None:
    names = checks.names_for(Entity("Deployment", "checkout", "shop"), "checkout-abc-12345", "node-1", 3600.0, "9f572f5")
    rendered, avoid = checks.render("bad-deploy", names)
    cmds = [c.cmd for c in rendered]
    assert "kubectl -n shop rollout history deployment/checkout" in cmds
    assert all("{" not in c or "jsonpath" in c for c in cmds)
    assert avoid
    node_only, _ = checks.render("oom", checks.names_for(Entity("Node", "node-1"), None, None, None, None))
    assert all("{pod}" not in c.cmd and " -n " not in c.cmd for c in node_only)


def test_quotes_keep_a_short_record_whole_and_cut_a_long_line_to_size() -> None:
    long_line = "x" * 1000
    e = ev(EventKind.LOG, long_line)
    quoted = quote(e)
    # cut to size: its head, ` … `, and its end (where a wrapped error names its cause)
    assert len(quoted) == LINE_CHARS and quoted.startswith("x" * 300) and " … " in quoted
    trace = Event(1.0, EventKind.LOG, "java", Origin("a"), "boom", "boom\n\tat a.B(B.java:1)\nCaused by: java.net.UnknownHostException: db")
    assert quote(trace, needle="UnknownHostException") == "boom\n\tat a.B(B.java:1)\nCaused by: java.net.UnknownHostException: db"


def test_evidence_budget_keeps_hypothesis_evidence_and_rewrites_references() -> None:
    book = EvidenceBook()
    ids = [book.cite(ev(EventKind.LOG, f"line {i} " + "y" * 300, t=float(i)), weight=float(i % 3)) for i in range(200)]
    result = AnalysisResult(start=0.0, end=1.0, onset=None, book=book)
    result.hypotheses = [HypothesisResult("oom", 0.8, "t", None, [ids[150], ids[199]])]
    result.timeline = [TimelineItem(5.0, "x", [ids[5]])]
    used = fit_evidence(result)
    assert used <= TOKEN_BUDGET
    kept = {i.id for i in book.items}
    assert len(book.items) < 200
    assert result.hypotheses[0].evidence == ["E1", "E2"] or set(result.hypotheses[0].evidence) <= kept
    assert len(result.hypotheses[0].evidence) == 2
    assert [i.id for i in book.items] == [f"E{n}" for n in range(1, len(book.items) + 1)]
    assert all(set(t.evidence) <= kept for t in result.timeline)


def test_node_lines_naming_a_pod_are_attributed_to_its_workload() -> None:
    from opslens.analysis.digest import Digest
    from opslens.analysis.hits import template_hits

    digest = Digest()
    line = 'E0612 00:13:03.5 2640 pod_workers.go:1301] "Error syncing pod, skipping" err="CrashLoopBackOff: back-off restarting failed container" pod="shop/api-7d9f8c6b5-x2x9q"'
    for i in range(3):
        digest.add(Event(1000.0 + i, EventKind.LOG, "journald", Origin("j", i + 1), line, line, host="node-1"))
    digest.finish()
    hits = [h for h in template_hits(digest, EntityGraph(), None) if h.signal == "crash_loop"]
    assert [h.workload for h in hits] == [Entity("Deployment", "api", "shop")]
