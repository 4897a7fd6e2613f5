"""Rollout history reader: `kubectl rollout history` tables and `--revision=N` details."""

from __future__ import annotations

import pytest
from structured_helpers import chosen, fixture_text, read_fixture, read_text

from opslens.errors import InputError
from opslens.events import Entity, EventKind
from opslens.sources.readers.rollout_history import RolloutHistoryReader, images_from_change_cause


@pytest.mark.parametrize(
    ("name", "count"), [("rollout-history.txt", 5), ("rollout-history-revision.txt", 1)]
)
def test_fixture_is_sniffed_and_read_completely(name: str, count: int) -> None:
    assert chosen(fixture_text(name), name) == "rollout-history"
    result = read_fixture(RolloutHistoryReader, name)
    assert len(result.events) == count
    assert result.skips == []
    for event in result.events:
        assert event.kind is EventKind.CHANGE and event.time is None
        assert event.raw in fixture_text(name)


def test_table_rows() -> None:
    events = read_fixture(RolloutHistoryReader, "rollout-history.txt").events
    none, set_image, argocd, agent, ledger = events
    assert none.entity == Entity("Deployment", "cart")
    assert none.attrs == {
        "change_kind": "rollout-revision",
        "resource": "deployment.apps/cart",
        "revision": "3",
        "change_cause": None,
        "images": [],
    }
    assert none.message == "deployment.apps/cart revision 3"
    assert none.origin.line == 3
    assert (set_image.attrs or {})["images"] == [
        "registry.example.test/shop/cart:2.7.9",
        "registry.example.test/envoy:1.29",
    ]
    assert set_image.message.startswith("deployment.apps/cart revision 4: kubectl set image")
    assert (argocd.attrs or {})["change_cause"] == "argocd sync cart-prod (9f8e7d6)"
    assert agent.entity == Entity("DaemonSet", "node-agent")
    assert ledger.entity == Entity("StatefulSet", "ledger")
    assert ledger.origin.line == 13


def test_revision_detail() -> None:
    (detail,) = read_fixture(RolloutHistoryReader, "rollout-history-revision.txt").events
    attrs = detail.attrs or {}
    assert attrs["revision"] == "4"
    assert attrs["change_cause"].startswith("kubectl set image deployment/cart")
    assert attrs["images"] == [
        "registry.example.test/shop/cart:2.7.9",
        "registry.example.test/envoy:1.29",
    ]
    assert attrs["containers"] == ["cart", "sidecar"]
    assert detail.origin.line == 1
    assert detail.raw.startswith("deployment.apps/cart with revision #4\nPod Template:")
    assert not detail.raw.endswith("\n")


@pytest.mark.parametrize(
    ("cause", "images"),
    [
        ("kubectl set image deployment/web web=nginx:1.27", ["nginx:1.27"]),
        ("kubectl set image deploy/web *=nginx:1.27 --record", ["nginx:1.27"]),
        (
            "kubectl -n shop set image deployment web app=r.io/a:1 side=r.io/b@sha256:abc",
            ["r.io/a:1", "r.io/b@sha256:abc"],
        ),
        ("kubectl apply --filename=web.yaml --record=true", []),
        (None, []),
    ],
)
def test_images_from_change_cause(cause: str | None, images: list[str]) -> None:
    assert images_from_change_cause(cause) == images


def test_old_kubectl_header() -> None:
    text = 'deployments "web"\nREVISION\tCHANGE-CAUSE\n1\t\t<none>\n'
    (event,) = read_text(RolloutHistoryReader, text).events
    assert event.entity == Entity("Deployment", "web")


def test_unexpected_lines_are_skipped() -> None:
    result = read_text(
        RolloutHistoryReader, "deployment.apps/x\nREVISION  CHANGE-CAUSE\n1  <none>\nwhat is this\n"
    )
    assert len(result.events) == 1
    assert result.skips == [("not a rollout history row", 4)]


def test_text_without_a_header_is_an_input_error() -> None:
    with pytest.raises(InputError):
        read_text(RolloutHistoryReader, "REVISION  CHANGE-CAUSE\n1  <none>\n")


@pytest.mark.parametrize(
    "head",
    ["deployment.apps/web scaled\n", "deployment.apps/web restarted\n", "commit abc\nAuthor: x\n"],
)
def test_sniff_rejects_other_kubectl_output(head: str) -> None:
    assert RolloutHistoryReader.sniff(head, "x.txt") == 0.0
