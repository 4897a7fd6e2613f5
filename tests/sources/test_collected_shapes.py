"""What `opslens collect` writes, read back: the bundle manifest (cuts and failures become
skipped entries, never events) and ReplicaSets as dated rollout revisions; properties over
arbitrary values of those shapes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from structured_helpers import read_text

from opslens.errors import InputError
from opslens.events import EventKind
from opslens.sources.readers.k8s_manifest import K8sManifestReader
from opslens.sources.readers.opslens_bundle import OpslensBundleReader

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=20)


def _manifest(sources: dict[str, Any]) -> str:
    return json.dumps({"opslens_bundle": 1, "sources": sources}, indent=2)


def test_cuts_and_failed_sources_become_skipped_entries() -> None:
    result = read_text(OpslensBundleReader, _manifest({
        "kubernetes": {"status": "ok", "cut": [{"what": "nodes", "reason": "403 Forbidden: nodes is forbidden"}]},
        "loki": {"status": "failed", "detail": "GET http://loki:3100/loki/api/v1/query_range: timed out"},
        "argocd": {"status": "skipped", "detail": "no URL configured"},
    }))
    assert result.events == []
    assert [r for r, _ in result.skips] == [
        "kubernetes: nodes: 403 Forbidden: nodes is forbidden",
        "loki not collected: GET http://loki:3100/loki/api/v1/query_range: timed out",
    ]


def test_the_manifest_wins_the_sniff_over_other_json_readers() -> None:
    from structured_helpers import chosen

    assert chosen(_manifest({"kubernetes": {"status": "ok", "files": {"kubernetes/events.json": 10}}}), "manifest.json") == "opslens-bundle"


@SETTINGS
@given(sources=st.dictionaries(st.text(max_size=10), JSON, max_size=5))
def test_any_manifest_is_read_without_events_or_crashes(sources: dict[str, Any]) -> None:
    result = read_text(OpslensBundleReader, _manifest(sources))
    assert result.events == []


@SETTINGS
@given(text=st.text(max_size=300))
def test_a_broken_manifest_is_one_input_error(text: str) -> None:
    try:
        read_text(OpslensBundleReader, '{"opslens_bundle": 1, ' + text)
    except InputError as exc:
        assert "\n" not in str(exc)


def _replicaset(**meta: Any) -> dict[str, Any]:
    base = {"name": "web-5d8f7c9b6a", "namespace": "prod", "creationTimestamp": "2026-03-02T10:15:00Z",
            "labels": {"app": "web", "pod-template-hash": "5d8f7c9b6a"},
            "annotations": {"deployment.kubernetes.io/revision": "7"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "controller": True}]}
    base.update(meta)
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": base,
            "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "web", "image": "registry.example/web:3.1"}]}}}}


def _changes(obj: dict[str, Any]) -> list[Any]:
    text = json.dumps({"apiVersion": "v1", "kind": "List", "items": [obj]}, indent=4)
    return [e for e in read_text(K8sManifestReader, text).events if e.kind is EventKind.CHANGE]


def test_a_deployment_owned_replicaset_is_a_dated_revision_citing_its_annotation() -> None:
    (change,) = _changes(_replicaset())
    assert change.time == 1772446500.0  # 2026-03-02T10:15:00Z
    assert change.attrs["revision"] == "7" and change.attrs["pod_template_hash"] == "5d8f7c9b6a"
    assert change.attrs["images"] == ["registry.example/web:3.1"] and change.attrs["resource"] == "deployment.apps/web"
    assert change.raw == '"deployment.kubernetes.io/revision": "7"'
    assert change.entity is not None and (change.entity.kind, change.entity.name) == ("Deployment", "web")


@pytest.mark.parametrize("meta", [
    {"ownerReferences": []},
    {"annotations": {}},
    {"annotations": {"deployment.kubernetes.io/revision": "latest"}},
    {"creationTimestamp": None},
])
def test_replicasets_without_an_owner_revision_or_time_are_no_revision(meta: dict[str, Any]) -> None:
    assert _changes(_replicaset(**meta)) == []


@SETTINGS
@given(meta=st.dictionaries(st.sampled_from(["annotations", "labels", "ownerReferences", "creationTimestamp", "namespace"]), JSON, max_size=5))
def test_replicasets_of_any_shape_never_crash_the_reader(meta: dict[str, Any]) -> None:
    _changes(_replicaset(**meta))
