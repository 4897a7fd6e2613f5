"""Recall of similar incidents: signatures from structured signals, scores, threshold, ranking."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from opslens.report.llm_models import LLMHypothesis, LLMSection, PromptRef
from opslens.report.models import (
    AlertGroup,
    EntityRef,
    Evidence,
    EvidenceKind,
    Hypothesis,
    Pattern,
    Report,
    Window,
)
from opslens.store.similarity import (
    THRESHOLD,
    WEIGHTS,
    rank,
    score,
    signature_of,
    workload_of,
)
from opslens.taxonomy import Category

T0 = datetime(2025, 4, 12, 2, 0, tzinfo=UTC)

# Failure modes: the log patterns, alerts and event reason each kind of incident shows.
OOM = {"templates": ["t-oom-kill", "t-memcg"], "alerts": ["KubePodCrashLooping"], "reason": "OOMKilling"}
DNS = {"templates": ["t-nxdomain", "t-dial-timeout"], "alerts": ["CoreDNSErrorsHigh"], "reason": "Unhealthy"}
DEPLOY = {"templates": ["t-500", "t-nil-pointer"], "alerts": ["HighErrorRate"], "reason": "ScalingReplicaSet"}


def make_report(category: Category, ns: str, workload: str, mode: dict, *, runner_up: Category | None = None,
                summary: str = "Most likely cause: something broke.", narrative: str | None = None) -> Report:
    """A small report: one culprit Deployment, a pod event and a log line cited, one alert."""
    culprit = EntityRef(kind="Deployment", namespace=ns, name=workload)
    pod = EntityRef(kind="Pod", namespace=ns, name=f"{workload}-7d9f8b6c5d-x2x4z")
    evidence = [
        Evidence(id="E1", kind=EvidenceKind.EVENT, source="k8s-events.json:1", ts=T0,
                 text=f"{mode['reason']}\nsomething happened to {pod.name}", entity=pod),
        Evidence(id="E2", kind=EvidenceKind.LOG, source="pods/app.log:7", ts=T0,
                 text="error line", entity=pod, template_id=mode["templates"][0]),
    ]
    hypotheses = [Hypothesis(category=category, confidence=0.8, title=f"{category} title",
                             entity=culprit, evidence=["E1", "E2"], rationale=summary)]
    if runner_up is not None:
        hypotheses.append(Hypothesis(category=runner_up, confidence=0.2, title="runner-up", entity=culprit))
    patterns = [Pattern(template_id=t, template=f"template {t}", count=5, status="new")
                for t in mode["templates"]]
    patterns.append(Pattern(template_id="t-background", template="GET /healthz", count=900, status="steady"))
    alerts = [AlertGroup(alertname=a, status="firing", severity="warning", namespace=ns) for a in mode["alerts"]]
    alerts.append(AlertGroup(alertname="Watchdog", status="firing", severity="none", namespace="monitoring"))
    llm = None
    if narrative is not None:
        llm = LLMSection(provider="fake", model="m", prompt=PromptRef(name="triage", version="1", sha256="0" * 64),
                         narrative=narrative,
                         hypotheses=[LLMHypothesis(title=narrative, commentary=narrative, supported=True)])
    return Report(generated_at=T0, window=Window(start=T0, end=T0), summary=summary,
                  hypotheses=hypotheses, evidence=evidence, patterns=patterns, alerts=alerts, llm=llm)


TARGET = make_report(Category.OOM, "shop", "checkout", OOM)

# Best first: each case must score strictly below the one before it.
LADDER = [
    ("same category, same workload", make_report(Category.OOM, "shop", "checkout", OOM)),
    ("same category, same namespace, other workload", make_report(Category.OOM, "shop", "cart", OOM)),
    ("same category, other namespace", make_report(Category.OOM, "billing", "ledger", OOM)),
]

UNRELATED = [
    ("different category, other namespace", make_report(Category.DNS_FAILURE, "kube-system", "coredns", DNS)),
    ("different category, same namespace", make_report(Category.BAD_DEPLOY, "shop", "cart", DEPLOY)),
    ("different category, same workload", make_report(Category.BAD_DEPLOY, "shop", "checkout", DEPLOY)),
    ("different top category, ours as runner-up",
     make_report(Category.BAD_DEPLOY, "billing", "ledger", DEPLOY, runner_up=Category.OOM)),
]


def test_weights_sum_to_one_and_category_dominates() -> None:
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)
    assert WEIGHTS["category"] == max(WEIGHTS.values())
    # where alone (without a matching category or failure mode) never clears the threshold
    assert WEIGHTS["culprit"] + WEIGHTS["workloads"] + WEIGHTS["namespaces"] < THRESHOLD
    # a same top category alone does
    assert WEIGHTS["category"] >= THRESHOLD


def test_identical_reports_score_one() -> None:
    assert score(signature_of(TARGET), signature_of(TARGET)) == pytest.approx(1.0)


def test_ladder_orders_same_category_by_place() -> None:
    target = signature_of(TARGET)
    scores = [score(target, signature_of(report)) for _, report in LADDER]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores), f"ties in {scores}"
    assert all(s >= THRESHOLD for s in scores)


@pytest.mark.parametrize(("case", "other"), UNRELATED, ids=[c for c, _ in UNRELATED])
def test_different_category_stays_below_threshold(case: str, other: Report) -> None:
    target = signature_of(TARGET)
    s = score(target, signature_of(other))
    assert s < THRESHOLD, f"{case}: {s}"
    worst_related = min(score(target, signature_of(r)) for _, r in LADDER)
    assert s < worst_related


@pytest.mark.parametrize(("case", "other"), LADDER + UNRELATED, ids=[c for c, _ in LADDER + UNRELATED])
def test_score_is_symmetric_and_bounded(case: str, other: Report) -> None:
    a, b = signature_of(TARGET), signature_of(other)
    assert score(a, b) == score(b, a)
    assert 0.0 <= score(a, b) <= 1.0


def test_signature_ignores_free_text() -> None:
    plain = make_report(Category.OOM, "shop", "checkout", OOM)
    reworded = make_report(Category.OOM, "shop", "checkout", OOM,
                           summary="A completely different sentence about checkout and coredns.",
                           narrative="The model believes the database is down in namespace billing.")
    assert signature_of(plain) == signature_of(reworded)


def test_signature_json_round_trip() -> None:
    sig = signature_of(make_report(Category.OOM, "shop", "checkout", OOM, runner_up=Category.BAD_DEPLOY))
    again = json.loads(json.dumps(sig))
    assert again == sig
    assert score(again, sig) == pytest.approx(1.0)


def test_signature_from_report_json_equals_signature_from_model() -> None:
    # the store keeps the report as JSON; a signature recomputed from it must be the same
    data = json.loads(TARGET.model_dump_json(by_alias=True))
    assert signature_of(data) == signature_of(TARGET)


def test_signature_contents() -> None:
    sig = signature_of(make_report(Category.OOM, "shop", "checkout", OOM, runner_up=Category.BAD_DEPLOY))
    assert [c["category"] for c in sig["categories"]] == ["oom", "bad-deploy"]
    assert sig["culprit"] == "shop/checkout"
    assert sig["entities"] == ["Deployment/shop/checkout"]
    assert sig["workloads"] == ["shop/checkout"]  # the pod counts as its Deployment
    assert sig["namespaces"] == ["shop"]
    assert sig["templates"] == ["t-memcg", "t-oom-kill"]  # steady background pattern left out
    assert sig["alerts"] == ["KubePodCrashLooping"]  # Watchdog (severity none) left out
    assert "event:OOMKilling" in sig["signals"]


def test_empty_report_has_empty_signature_and_scores_zero() -> None:
    empty = Report(generated_at=T0, window=Window(), summary="nothing")
    sig = signature_of(empty)
    assert sig["categories"] == [] and sig["culprit"] is None
    assert score(sig, sig) == 0.0


def test_unknown_top_category_is_not_a_match() -> None:
    a = signature_of(make_report(Category.UNKNOWN, "x", "a", OOM))
    b = signature_of(make_report(Category.UNKNOWN, "y", "b", DNS))
    assert score(a, b) < THRESHOLD


@pytest.mark.parametrize(("kind", "name", "workload"), [
    ("Pod", "checkout-7d9f8b6c5d-x2x4z", "checkout"),  # Deployment pod
    ("Pod", "node-local-dns-npxhd", "node-local-dns"),  # DaemonSet pod
    ("Pod", "vault-0", "vault"),  # StatefulSet pod
    ("Deployment", "checkout-7d9f8b6c5d", "checkout-7d9f8b6c5d"),  # only pods are folded
    ("Pod", "standalone", "standalone"),
])
def test_workload_of(kind: str, name: str, workload: str) -> None:
    assert workload_of(kind, name) == workload


def test_rank_orders_filters_and_limits() -> None:
    target = signature_of(TARGET)
    candidates = [(f"INC-{i}", signature_of(r), "x", None) for i, (_, r) in enumerate(UNRELATED + LADDER)]
    ranked = rank(target, list(reversed(candidates)), limit=2)
    n = len(UNRELATED)
    assert [s.ref for s in ranked] == [f"INC-{n}", f"INC-{n + 1}"]
    assert ranked[0].score >= ranked[1].score >= THRESHOLD
    assert rank(target, [c for c in candidates if int(c[0][4:]) < n]) == []
