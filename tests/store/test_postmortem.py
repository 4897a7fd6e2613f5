"""The post-incident draft (`store.postmortem`) from hand-built incidents: sections, the
unconfirmed/confirmed root cause, the merged timeline and the time fields."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from opslens.store.postmortem import draft, to_dict, to_json, to_markdown
from opslens.store.records import (
    IncidentDetail,
    IncidentStatus,
    NoteKind,
    NoteRecord,
    SimilarIncident,
    StatusChange,
)

ONSET = datetime(2025, 9, 1, 2, 0, 0, tzinfo=UTC)


def _ts(minutes: float) -> str:
    return (ONSET + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _report() -> dict[str, Any]:
    """A minimal report (as stored: its JSON form) with two hypotheses and two alerts."""
    return {
        "generated_at": _ts(40),
        "window": {"start": _ts(-60), "end": _ts(40)},
        "onset": _ts(0),
        "summary": "Most likely cause (91%): expired TLS certificate on inventory.",
        "hypotheses": [
            {
                "category": "cert-expiry",
                "confidence": 0.91,
                "title": "Expired TLS certificate breaks handshakes",
                "entity": {"kind": "Deployment", "namespace": "shop", "name": "inventory"},
                "evidence": ["E1", "E2"],
                "rationale": "Clients reject the certificate.",
            },
            {
                "category": "dependency-outage",
                "confidence": 0.17,
                "title": "Upstream failing",
                "evidence": ["E3"],
            },
        ],
        "evidence": [
            {
                "id": "E1",
                "kind": "log",
                "source": "pods/checkout.log:395",
                "ts": _ts(0),
                "text": "x509: certificate has expired or is not yet valid",
            },
            {
                "id": "E2",
                "kind": "alert",
                "source": "alerts.json:3",
                "ts": _ts(3),
                "text": "SSLCertificateExpired: TLS certificate of inventory has expired",
            },
            {"id": "E3", "kind": "log", "source": "pods/orders.log:9", "text": "reserve failed"},
        ],
        "timeline": [
            {
                "ts": _ts(0),
                "text": "First cert expired (Deployment/shop/checkout)",
                "evidence": ["E1"],
            },
            {"ts": _ts(3), "text": "Alert SSLCertificateExpired (shop) firing", "evidence": ["E2"]},
        ],
        "alerts": [
            {"alertname": "OrdersAPIHighErrorRate", "status": "firing", "first_seen": _ts(4)},
            {"alertname": "SSLCertificateExpired", "status": "firing", "first_seen": _ts(3)},
        ],
        "changes": [
            {
                "ts": _ts(-3600),
                "kind": "git-commit",
                "summary": "inventory: serve gRPC over TLS",
                "source": "git-log.txt:9",
                "evidence": "E4",
                "minutes_before_onset": 3600,
                "touches_affected": True,
                "score": 0.02,
            },
        ],
    }


def _detail(**overrides: Any) -> IncidentDetail:
    fields: dict[str, Any] = {
        "ref": "INC-0007",
        "title": "Expired TLS certificate breaks handshakes",
        "status": IncidentStatus.OPEN,
        "severity": "critical",
        "category": "cert-expiry",
        "started_at": ONSET,
        "detected_at": None,
        "mitigated_at": None,
        "resolved_at": None,
        "created_at": ONSET + timedelta(minutes=40),
        "updated_at": ONSET + timedelta(minutes=40),
        "namespaces": ["shop"],
        "services": ["inventory", "orders-api"],
        "report": _report(),
        "latest_version": 1,
        "status_history": [StatusChange(None, IncidentStatus.OPEN, ONSET + timedelta(minutes=40))],
    }
    fields.update(overrides)
    return IncidentDetail(**fields)


def _note(minutes: float, kind: NoteKind, text: str, id: int = 1) -> NoteRecord:
    return NoteRecord(id, ONSET + timedelta(minutes=minutes), kind, text, author="mara")


def _resolved() -> IncidentDetail:
    at_mitigated = ONSET + timedelta(minutes=45)
    at_resolved = ONSET + timedelta(minutes=90)
    return _detail(
        status=IncidentStatus.RESOLVED,
        mitigated_at=at_mitigated,
        resolved_at=at_resolved,
        human_category="cert-expiry",
        human_culprit="Certificate/shop/inventory-tls",
        human_summary=(
            "cert-manager could not renew: the issuer secret was rotated; renewed by hand."
        ),
        notes=[
            _note(42, NoteKind.NOTE, "cert-manager shows the Certificate not Ready", 1),
            _note(44, NoteKind.DECISION, "renew the certificate by hand", 2),
            _note(95, NoteKind.ACTION, "alert 14 days before certificate expiry", 3),
        ],
        status_history=[
            StatusChange(None, IncidentStatus.OPEN, ONSET + timedelta(minutes=40)),
            StatusChange(IncidentStatus.OPEN, IncidentStatus.MITIGATED, at_mitigated, "mara"),
            StatusChange(IncidentStatus.MITIGATED, IncidentStatus.RESOLVED, at_resolved, "mara"),
        ],
    )


def test_open_incident_root_cause_is_the_top_hypothesis_marked_unconfirmed():
    pm = draft(_detail())
    assert pm.root_cause is not None
    assert (pm.root_cause.confirmed, pm.root_cause.category) == (False, "cert-expiry")
    assert pm.root_cause.culprit == "Deployment/shop/inventory"
    assert [q.id for q in pm.root_cause.evidence] == ["E1", "E2"]
    text = to_markdown(pm)
    assert "**UNCONFIRMED** (top hypothesis of the report, 91% confidence): **cert-expiry**" in text
    assert "  > x509: certificate has expired or is not yet valid" in text
    assert "Not resolved yet." in text


def test_resolved_incident_uses_the_human_root_cause():
    pm = draft(_resolved())
    assert pm.root_cause is not None and pm.root_cause.confirmed
    assert pm.root_cause.culprit == "Certificate/shop/inventory-tls"
    text = to_markdown(pm)
    assert "UNCONFIRMED" not in text
    assert (
        "Confirmed root cause: **cert-expiry** (Certificate/shop/inventory-tls): "
        "cert-manager could not renew"
    ) in text
    assert pm.summary.startswith("cert-manager could not renew")


def test_time_fields_are_seconds_after_onset():
    pm = draft(_resolved())
    # Detected by the earliest firing alert (SSLCertificateExpired at +3 min), not the first listed.
    assert (pm.detection.alert, pm.detected_at) == (
        "SSLCertificateExpired",
        ONSET + timedelta(minutes=3),
    )
    assert pm.time_to_detect == 180.0
    assert pm.time_to_mitigate == 45 * 60.0
    assert pm.time_to_resolve == 90 * 60.0
    assert pm.impact.duration_seconds == 90 * 60.0 and not pm.impact.ongoing


def test_json_carries_the_fields_incident_tools_import():
    data = json.loads(to_json(draft(_resolved())))
    assert data["started_at"] == "2025-09-01T02:00:00+00:00"
    assert data["detected_at"] == "2025-09-01T02:03:00+00:00"
    assert data["mitigated_at"] == "2025-09-01T02:45:00+00:00"
    assert data["resolved_at"] == "2025-09-01T03:30:00+00:00"
    assert (data["time_to_detect"], data["time_to_resolve"]) == (180.0, 5400.0)
    assert data["action_items"] == ["alert 14 days before certificate expiry"]
    assert data["root_cause"]["confirmed"] is True


def test_stored_times_win_over_derived_ones():
    detected = ONSET + timedelta(minutes=1)
    pm = draft(_detail(detected_at=detected))
    assert pm.detected_at == detected and pm.time_to_detect == 60.0


def test_alert_before_the_inferred_onset_counts_as_detected_at_onset():
    pm = draft(_detail(started_at=ONSET + timedelta(minutes=10)))
    assert pm.time_to_detect == 0.0


def test_open_incident_has_no_resolution_times_and_is_ongoing():
    pm = draft(_detail())
    assert (pm.mitigated_at, pm.resolved_at, pm.time_to_resolve) == (None, None, None)
    assert pm.impact.ongoing and pm.impact.duration_seconds is None
    assert "- Duration: unknown" in to_markdown(pm)


def test_timeline_merges_report_notes_and_status_changes_in_time_order():
    pm = draft(_resolved())
    got = [(item.at - ONSET, item.source) for item in pm.timeline]
    assert got == sorted(got, key=lambda g: g[0])
    sources = [item.source for item in pm.timeline]
    assert sources == [
        "report",
        "report",
        "status",
        "note",
        "decision",
        "status",
        "status",
        "action",
    ]
    text = to_markdown(pm)
    assert "- 2025-09-01 02:44:00Z (decision) renew the certificate by hand (mara)" in text
    assert "- 2025-09-01 02:45:00Z (status) status open -> mitigated by mara" in text


def test_markdown_has_every_section_in_template_order():
    text = to_markdown(
        draft(
            _resolved(),
            [SimilarIncident("INC-0003", 0.8, "cert-expiry", "renewed the ingress cert")],
        )
    )
    headings = [ln for ln in text.splitlines() if ln.startswith("## ")]
    assert headings == [
        "## Summary",
        "## Impact",
        "## Root cause and trigger",
        "## Detection",
        "## Resolution",
        "## Action items",
        "## Timeline (UTC)",
        "## Lessons learned (open questions)",
        "## Supporting evidence",
        "## Similar past incidents",
    ]
    assert "- [ ] alert 14 days before certificate expiry" in text
    assert "- Alerts: OrdersAPIHighErrorRate, SSLCertificateExpired" in text
    assert "- Services: inventory, orders-api" in text
    assert (
        "Detected by alert **SSLCertificateExpired** at 2025-09-01 02:03:00Z, 3m after onset."
        in text
    )
    assert "- INC-0003 (score 0.80, cert-expiry): renewed the ingress cert" in text


def test_trigger_is_only_a_candidate_unless_the_hypothesis_names_the_change():
    pm = draft(_detail())
    assert pm.root_cause is not None and pm.root_cause.trigger is not None
    assert pm.root_cause.trigger.startswith("not established; candidate change: git-commit:")
    report = _report()
    report["hypotheses"][0]["change"] = "E4"
    named = draft(_detail(report=report))
    assert named.root_cause is not None and named.root_cause.trigger is not None
    assert named.root_cause.trigger.startswith("git-commit: inventory: serve gRPC over TLS")


@pytest.mark.parametrize(
    ("detail", "question"),
    [
        (_detail(), "The root cause is not confirmed"),
        (_detail(), "No action items recorded yet"),
        (_resolved(), "Why did certificate renewal not happen"),
    ],
)
def test_lessons_learned_are_open_questions(detail: IncidentDetail, question: str):
    lessons = draft(detail).lessons_learned
    assert any(q.startswith(question) for q in lessons)
    assert all(q.endswith("?") for q in lessons)


def test_pruned_report_still_gives_a_draft_from_the_human_record():
    detail = _resolved()
    pm = draft(IncidentDetail(**{**detail.__dict__, "report": None}))
    assert pm.root_cause is not None and pm.root_cause.confirmed
    assert pm.timeline and all(item.source != "report" for item in pm.timeline)
    assert pm.detection.alert is None and pm.time_to_resolve == 5400.0
    assert "No report evidence stored (pruned or empty)." in to_markdown(pm)
    assert to_dict(pm)["evidence"] == []
