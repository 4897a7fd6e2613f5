"""Argo CD reader: Application history, operationState, conditions, Lists and the history table."""

from __future__ import annotations

import json

import pytest
import yaml
from structured_helpers import at, chosen, fixture_text, read_fixture, read_text

from opslens.errors import InputError
from opslens.events import Entity, EventKind, Severity
from opslens.sources.readers.argocd import ArgoCDReader


@pytest.mark.parametrize(
    ("name", "count"),
    [("argocd-app.json", 4), ("argocd-apps-list.json", 2), ("argocd-history.txt", 3)],
)
def test_fixture_is_sniffed_and_read_completely(name: str, count: int) -> None:
    assert chosen(fixture_text(name), name) == "argocd"
    result = read_fixture(ArgoCDReader, name)
    assert len(result.events) == count
    assert result.skips == []
    text = fixture_text(name)
    assert all(e.source == "argocd" and e.raw in text for e in result.events)


def test_history_entries_are_sync_changes() -> None:
    first, latest, _, _ = read_fixture(ArgoCDReader, "argocd-app.json").events
    assert first.kind is EventKind.CHANGE
    assert first.time == at("2025-03-13T09:00:05Z")
    assert first.entity == Entity("Application", "cart-prod", "argocd")
    assert first.namespace == "shop"  # the destination, where the workloads run
    attrs = first.attrs or {}
    assert attrs["change_kind"] == "argocd-sync"
    assert attrs["revision"] == "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
    assert attrs["author"] == "jdoe"
    assert attrs["deploy_started"] == at("2025-03-13T09:00:01Z")
    assert attrs["history_id"] == 41
    assert attrs["repo"] == "https://git.example.test/platform/gitops.git"
    assert "images" not in attrs
    assert first.raw == "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
    assert first.origin.line == 19
    assert (latest.attrs or {})["author"] == "automated"
    assert (latest.attrs or {})["images"] == ["registry.example.test/shop/cart:2.8.0"]
    assert (latest.attrs or {})["health"] == "Degraded"


def test_failed_operation_not_in_history_is_its_own_change() -> None:
    operation = read_fixture(ArgoCDReader, "argocd-app.json").events[2]
    attrs = operation.attrs or {}
    assert operation.kind is EventKind.CHANGE
    assert operation.severity is Severity.ERROR
    assert operation.time == at("2025-03-14T02:58:04Z")
    assert attrs["phase"] == "Failed"
    assert attrs["revision"] == "0123456789abcdef0123456789abcdef01234567"
    assert attrs["author"] == "ops-bot"
    assert "images" not in attrs  # the failed revision is not what runs
    assert operation.raw.startswith(
        'one or more objects failed to apply, reason: Deployment.apps \\"cart\\"'
    )


def test_conditions_are_events() -> None:
    condition = read_fixture(ArgoCDReader, "argocd-app.json").events[3]
    assert condition.kind is EventKind.EVENT
    assert condition.severity is Severity.ERROR
    assert (condition.attrs or {})["condition"] == "SyncError"
    assert condition.time == at("2025-03-14T02:58:04Z")


def test_multi_source_and_recorded_operation() -> None:
    web, ledger = read_fixture(ArgoCDReader, "argocd-apps-list.json").events
    attrs = web.attrs or {}
    assert attrs["revision"] == "4.2.0"
    assert attrs["revisions"] == ["4.2.0", "aa11bb22cc33dd44ee55ff6677889900aabbccdd"]
    assert attrs["path"] == "web"  # a chart source
    assert web.namespace == "frontend"
    # web's Succeeded operation is history entry 7 already; ledger's is still running.
    assert (ledger.attrs or {})["phase"] == "Running"
    assert (ledger.attrs or {})["revision"] == "cafebabecafebabecafebabecafebabecafebabe"
    assert ledger.time == at("2025-03-14T02:59:00Z")
    assert ledger.severity is Severity.UNKNOWN
    assert (
        ledger.origin.line is not None
        and web.origin.line is not None
        and ledger.origin.line > web.origin.line
    )


def test_history_table() -> None:
    first, second, third = read_fixture(ArgoCDReader, "argocd-history.txt").events
    assert first.time == at("2025-03-12T16:20:11Z")
    assert second.time == at("2025-03-13T09:00:05Z")  # +0100 CET
    assert (third.attrs or {})["revision"] == "9f8e7d6"
    assert (third.attrs or {})["target_revision"] == "main"
    assert (third.attrs or {})["repo"] == "https://git.example.test/platform/gitops.git"
    assert third.origin.line == 5


def test_yaml_application() -> None:
    app = json.loads(fixture_text("argocd-app.json"))
    events = read_text(ArgoCDReader, yaml.safe_dump(app)).events
    assert [e.kind for e in events] == [
        EventKind.CHANGE,
        EventKind.CHANGE,
        EventKind.CHANGE,
        EventKind.EVENT,
    ]
    assert events[0].time == at("2025-03-13T09:00:05Z")


@pytest.mark.parametrize(
    "text", ['{"kind": "Deployment", "metadata": {}}', "ID  NAME\n1  x\n", "[]"]
)
def test_input_without_applications_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError):
        read_text(ArgoCDReader, text)


@pytest.mark.parametrize(
    "head",
    [
        '{"kind": "List", "items": [{"kind": "Event", "involvedObject": {"kind": "Application", "apiVersion": "argoproj.io/v1alpha1"}}]}',
        '{"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet", "spec": {}}',
        '{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "spec": {}}',
    ],
)
def test_sniff_rejects_events_about_applications_and_other_kinds(head: str) -> None:
    assert ArgoCDReader.sniff(head, "x.json") == 0.0
