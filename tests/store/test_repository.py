"""Every `Store` method, on SQLite and on PostgreSQL (the `store` fixture is parametrized)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from store_factories import BASE, make_manifest, make_report

from opslens.store import (
    AlertRecord,
    IncidentNotFound,
    IncidentStatus,
    LLMCallRecord,
    NoteKind,
    Store,
)
from opslens.store.models import AlertReceived, LLMCall
from opslens.store.repository import normalize_ref


def test_first_save_creates_incident_one_version_one(store: Store) -> None:
    saved = store.save_report(make_report(), make_manifest())
    assert (saved.ref, saved.version, saved.created, saved.similar) == ("INC-0001", 1, True, [])


def test_saving_with_a_ref_adds_the_next_version(store: Store) -> None:
    first = store.save_report(make_report(), make_manifest())
    again = store.save_report(make_report(category="bad-deploy"), make_manifest(), incident_ref=first.ref)
    assert (again.ref, again.version, again.created) == (first.ref, 2, False)
    detail = store.get_incident(first.ref)
    assert [v.version for v in detail.versions] == [1, 2]
    assert detail.category == "bad-deploy"  # the latest triage decides
    assert detail.report is not None and detail.report["hypotheses"][0]["category"] == "bad-deploy"


def test_saving_to_an_unknown_ref_raises(store: Store) -> None:
    with pytest.raises(IncidentNotFound, match="INC-0042"):
        store.save_report(make_report(), make_manifest(), incident_ref="INC-0042")


def test_incident_fields_come_from_the_report(store: Store) -> None:
    ref = store.save_report(make_report(onset_minutes=30), make_manifest()).ref
    detail = store.get_incident(ref)
    assert detail.title == "oom: payments/api"
    assert detail.status is IncidentStatus.OPEN
    assert detail.severity == "critical"
    assert detail.started_at == BASE + timedelta(minutes=30)
    assert detail.detected_at == BASE + timedelta(minutes=34)
    assert detail.started_at.tzinfo is not None
    assert (detail.namespaces, detail.services, detail.entities) == (
        ["payments"], ["api"], ["Deployment/payments/api"]
    )
    assert detail.versions[0].manifest["files"][0]["name"] == "k8s-events.json"
    assert [c.to_status for c in detail.status_history] == [IncidentStatus.OPEN]


def test_get_incident_accepts_short_refs_and_rejects_unknown(store: Store) -> None:
    ref = store.save_report(make_report(), make_manifest()).ref
    assert store.get_incident("inc-1").ref == ref == store.get_incident("1").ref
    with pytest.raises(IncidentNotFound):
        store.get_incident("INC-0999")


def test_list_filters_by_status_and_since_and_orders_latest_first(store: Store) -> None:
    early = store.save_report(make_report(onset_minutes=0), make_manifest()).ref
    late = store.save_report(make_report(onset_minutes=600), make_manifest()).ref
    store.set_status(early, "resolved")
    assert [i.ref for i in store.list_incidents()] == [late, early]
    assert [i.ref for i in store.list_incidents(status="resolved")] == [early]
    assert [i.ref for i in store.list_incidents(since=BASE + timedelta(hours=1))] == [late]
    assert len(store.list_incidents(limit=1)) == 1
    row = store.list_incidents()[0].to_dict()
    assert set(row) >= {"ref", "title", "status", "severity", "category", "started_at"}


def test_list_rejects_an_unknown_status(store: Store) -> None:
    with pytest.raises(ValueError, match="status: 'bogus' is not one of open, mitigated"):
        store.list_incidents(status="bogus")


def test_notes_keep_kind_author_and_order(store: Store) -> None:
    ref = store.save_report(make_report(), make_manifest()).ref
    store.add_note(ref, "looked at the pods", author="ana")
    store.add_note(ref, "raise the memory limit", kind="action", author="ben")
    store.add_note(ref, "roll back", kind=NoteKind.DECISION)
    notes = store.get_incident(ref).notes
    assert [(n.kind, n.text) for n in notes] == [
        (NoteKind.NOTE, "looked at the pods"),
        (NoteKind.ACTION, "raise the memory limit"),
        (NoteKind.DECISION, "roll back"),
    ]
    assert [n.author for n in notes[:2]] == ["ana", "ben"]
    with pytest.raises(ValueError, match="note kind"):
        store.add_note(ref, "x", kind="rant")


def test_status_changes_are_recorded_with_times(store: Store) -> None:
    ref = store.save_report(make_report(), make_manifest()).ref
    at = datetime(2024, 5, 1, 11, 0, tzinfo=UTC)
    store.set_status(ref, "mitigated", at=at, by="ana")
    store.set_status(ref, "mitigated")  # same status: nothing recorded
    detail = store.get_incident(ref)
    assert detail.mitigated_at == at
    assert [(c.from_status, c.to_status, c.by) for c in detail.status_history][1:] == [
        (IncidentStatus.OPEN, IncidentStatus.MITIGATED, "ana")
    ]


def test_resolve_records_the_human_root_cause(store: Store) -> None:
    ref = store.save_report(make_report(), make_manifest()).ref
    at = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    store.resolve(ref, "oom", "Deployment/payments/api", "memory limit too low", at=at)
    detail = store.get_incident(ref)
    assert (detail.status, detail.resolved_at) == (IncidentStatus.RESOLVED, at)
    assert (detail.human_category, detail.human_culprit, detail.human_summary) == (
        "oom", "Deployment/payments/api", "memory limit too low"
    )
    with pytest.raises(ValueError, match="unknown root-cause category"):
        store.resolve(ref, "gremlins", None, "x")


def test_feedback_ties_to_the_latest_version(store: Store) -> None:
    ref = store.save_report(make_report(), make_manifest()).ref
    store.save_report(make_report(), make_manifest(), incident_ref=ref)
    store.add_feedback(ref, 1, hypothesis="oom", comment="spot on")
    (feedback,) = store.get_incident(ref).feedback
    assert (feedback.version, feedback.score, feedback.hypothesis, feedback.comment) == (
        2, 1, "oom", "spot on"
    )


def _rows(store: Store, model: type) -> list:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    with Session(store.engine) as session:
        return list(session.scalars(select(model)))


def test_llm_calls_are_recorded_and_linked(store: Store) -> None:
    ref = store.save_report(make_report(), make_manifest()).ref
    store.record_llm_call(LLMCallRecord(
        provider="ollama", model="qwen2.5:7b", outcome="error", prompt_name="triage",
        prompt_version="3", prompt_hash="ab" * 32, tokens_in=1200, tokens_out=0,
        latency_ms=812.5, error="timeout", incident_ref=ref,
    ))
    store.record_llm_call(LLMCallRecord(provider="none", model="-", outcome="ok"))
    calls = sorted(_rows(store, LLMCall), key=lambda c: c.id)
    assert [(c.model, c.outcome, c.tokens_in, c.incident_id is not None) for c in calls] == [
        ("qwen2.5:7b", "error", 1200, True), ("-", "ok", None, False)
    ]
    assert calls[0].report_version_id is not None


def test_alerts_keep_their_payload(store: Store) -> None:
    payload = {"labels": {"alertname": "KubePodCrashLooping"}, "annotations": {"x": "y"}}
    store.record_alert(AlertRecord(
        fingerprint="f00", status="firing", payload=payload, starts_at=BASE,
    ))
    (alert,) = _rows(store, AlertReceived)
    assert (alert.fingerprint, alert.payload_json, alert.starts_at) == ("f00", payload, BASE)


def test_similar_lists_earlier_lookalikes_with_the_human_root_cause(store: Store) -> None:
    oom = store.save_report(make_report(), make_manifest()).ref
    store.save_report(
        make_report(category="dns-failure", namespace="edge", name="gw", alert="DNSDown"),
        make_manifest(),
    )
    store.add_note(oom, "raise the memory limit", kind="action")
    store.add_note(oom, "chatter", kind="note")
    store.resolve(oom, "oom", None, "memory limit too low")
    saved = store.save_report(make_report(), make_manifest())
    assert [s.ref for s in saved.similar] == [oom]
    (match,) = saved.similar
    assert match.category == "oom" and match.resolved_summary == "memory limit too low"
    assert match.notes == ["raise the memory limit"] and match.score >= 0.35
    assert store.similar(oom) == []  # only earlier incidents are recalled


def test_prune_drops_bodies_but_keeps_incidents_notes_and_root_causes(store: Store) -> None:
    ref = store.save_report(make_report(), make_manifest(), inputs={"a.log": "hello"}).ref
    store.add_note(ref, "keep me")
    store.resolve(ref, "oom", None, "limit")
    assert store.prune(timedelta(days=90)) == 0
    assert store.prune(timedelta(seconds=0)) == 1
    detail = store.get_incident(ref)
    assert detail.report is None and detail.versions[0].pruned and not detail.versions[0].has_inputs
    assert [n.text for n in detail.notes] == ["keep me"]
    assert (detail.human_summary, detail.category) == ("limit", "oom")
    assert store.prune(timedelta(seconds=0)) == 0  # nothing left to drop


def test_normalize_ref() -> None:
    assert [normalize_ref(r) for r in ("INC-0007", "inc-7", "7", "INC-12345", "x")] == [
        "INC-0007", "INC-0007", "INC-0007", "INC-12345", "x"
    ]
