"""Kubernetes Event reader: core/v1 and events.k8s.io/v1, lists, watch streams, YAML."""

from __future__ import annotations

import json

import pytest
from structured_helpers import at, chosen, fixture_text, read_fixture, read_text

from opslens.errors import InputError
from opslens.events import Entity, EventKind, Severity
from opslens.sources.readers.k8s_events import K8sEventsReader

FIXTURE_COUNTS = [
    ("k8s-events-corev1.json", 5),
    ("k8s-events-eventsv1.json", 3),
    ("k8s-events-watch.json", 2),
    ("k8s-events-watch-envelopes.jsonl", 2),
    ("k8s-events.yaml", 2),
    ("k8s-events-table.txt", 5),
]


@pytest.mark.parametrize(("name", "count"), FIXTURE_COUNTS)
def test_fixture_is_sniffed_and_read_completely(name: str, count: int) -> None:
    assert chosen(fixture_text(name), name) == "k8s-events"
    result = read_fixture(K8sEventsReader, name)
    assert len(result.events) == count
    assert result.skips == []
    assert all(e.kind is EventKind.EVENT and e.source == "k8s-events" for e in result.events)


@pytest.mark.parametrize("name", [n for n, _ in FIXTURE_COUNTS if not n.endswith(".yaml")])
def test_raw_is_a_verbatim_excerpt_of_json_files(name: str) -> None:
    text = fixture_text(name)
    for event in read_fixture(K8sEventsReader, name).events:
        assert event.raw and all(line in text for line in event.raw.split("\n"))


def test_core_v1_event_fields() -> None:
    backoff = read_fixture(K8sEventsReader, "k8s-events-corev1.json").events[0]
    assert backoff.time == at("2025-03-14T02:40:00Z")
    assert backoff.severity is Severity.WARNING
    assert backoff.host == "worker-2"
    assert backoff.namespace == "shop"
    assert backoff.entity == Entity("Pod", "cart-5d8f7b9c4-x2lqp", "shop")
    assert backoff.origin.line == 4
    assert backoff.message.startswith("Back-off restarting failed container cart")
    attrs = backoff.attrs or {}
    assert attrs["reason"] == "BackOff" and attrs["type"] == "Warning"
    assert attrs["count"] == 12
    assert attrs["first_time"] == at("2025-03-14T02:40:00Z")
    assert attrs["last_time"] == at("2025-03-14T02:51:09Z")
    assert attrs["component"] == "kubelet"
    assert attrs["involved"]["fieldPath"] == "spec.containers{cart}"


def test_cluster_scoped_object_has_no_namespace() -> None:
    node = read_fixture(K8sEventsReader, "k8s-events-corev1.json").events[1]
    assert node.entity == Entity("Node", "worker-2", None)
    assert node.namespace is None
    assert node.severity is Severity.INFO


def test_event_time_and_series_stand_in_for_missing_timestamps() -> None:
    scheduling = read_fixture(K8sEventsReader, "k8s-events-corev1.json").events[2]
    attrs = scheduling.attrs or {}
    assert scheduling.time == pytest.approx(at("2025-03-14T02:36:12.402117Z"))
    assert attrs["last_time"] == pytest.approx(at("2025-03-14T02:37:40.118Z"))
    assert attrs["count"] == 5
    assert attrs["component"] == "default-scheduler"
    assert attrs["action"] == "Binding"
    assert scheduling.host is None


def test_multi_line_message_keeps_first_line_and_continuation() -> None:
    mount = read_fixture(K8sEventsReader, "k8s-events-corev1.json").events[4]
    assert (
        mount.message
        == 'MountVolume.SetUp failed for volume "ledger-tls" : secret "ledger-tls" not found'
    )
    assert (mount.attrs or {})["continuation"] == ["retrying in 2m0s"]
    assert "\\n" in mount.raw  # the escaped form, as written in the file


def test_events_k8s_io_v1_fields() -> None:
    killing, hpa, pvc = read_fixture(K8sEventsReader, "k8s-events-eventsv1.json").events
    assert killing.message == "Stopping container postgres"
    assert killing.time == at("2025-03-14T02:44:10Z")
    assert killing.host == "worker-3"
    assert (killing.attrs or {})["component"] == "kubelet"
    assert hpa.entity == Entity("HorizontalPodAutoscaler", "api", "billing")
    assert (hpa.attrs or {})["count"] == 7
    assert (hpa.attrs or {})["last_time"] == pytest.approx(at("2025-03-14T02:50:00.5Z"))
    assert (hpa.attrs or {})["action"] == "ComputeMetrics"
    assert pvc.time == at("2025-03-14T02:46:30Z")  # only metadata.creationTimestamp
    assert pvc.origin.line is not None and pvc.origin.line > hpa.origin.line > killing.origin.line


def test_concatenated_watch_objects_get_their_own_lines() -> None:
    first, second = read_fixture(K8sEventsReader, "k8s-events-watch.json").events
    assert (first.origin.line, second.origin.line) == (1, 28)
    assert second.message == "Error: ImagePullBackOff"


def test_watch_envelopes_are_unwrapped() -> None:
    scaled, deleted = read_fixture(K8sEventsReader, "k8s-events-watch-envelopes.jsonl").events
    assert scaled.entity == Entity("Deployment", "web", "frontend")
    assert deleted.origin.line == 2


def test_yaml_list() -> None:
    unhealthy, killing = read_fixture(K8sEventsReader, "k8s-events.yaml").events
    assert unhealthy.time == at("2025-03-14T02:47:00Z")
    assert (unhealthy.attrs or {})["last_time"] == at("2025-03-14T02:49:00Z")
    assert unhealthy.message == "Liveness probe failed: HTTP probe failed with statuscode: 500"
    assert killing.entity == Entity("Pod", "worker-6c5b4a3d2-q9r8s", "jobs")


def test_kubectl_table_rows_are_dated_from_a_guessed_anchor() -> None:
    scheduled, backoff, node, mount, scaled = read_fixture(
        K8sEventsReader, "k8s-events-table.txt"
    ).events
    assert backoff.time is not None and backoff.time_inferred  # ages count back from a guess
    assert backoff.entity == Entity("Pod", "cart-5d8f7b9c4-x2lqp", "shop")
    assert backoff.severity is Severity.WARNING
    assert backoff.message.startswith("Back-off restarting failed container cart in pod")
    assert (backoff.attrs or {})["reason"] == "BackOff"
    assert (backoff.attrs or {})["last_seen"] == "2m1s"
    assert backoff.origin.line == 3
    assert node.entity == Entity("Node", "worker-2", None)
    assert (
        mount.message
        == 'MountVolume.SetUp failed for volume "ledger-tls" : secret "ledger-tls" not found'
    )
    assert scaled.entity == Entity("Deployment", "web", "frontend")
    assert scheduled.raw == fixture_text("k8s-events-table.txt").splitlines()[1]


def test_old_kubectl_table_layout() -> None:
    text = (
        "LAST SEEN   FIRST SEEN   COUNT     NAME                             KIND      SUBOBJECT   TYPE      REASON    SOURCE    MESSAGE\n"
        "1m          5m           7         cart-5d8f7b9c4-x2lqp.15f3a2b1c   Pod                   Warning   BackOff   kubelet   Back-off restarting\n"
    )
    (event,) = read_text(K8sEventsReader, text).events
    assert event.entity == Entity("Pod", "cart-5d8f7b9c4-x2lqp", None)
    assert (event.attrs or {})["count"] == 7 and (event.attrs or {})["component"] == "kubelet"
    assert event.message == "Back-off restarting"


def test_truncated_list_keeps_complete_items_and_reports_the_cut() -> None:
    text = fixture_text("k8s-events-corev1.json")
    cut = text[: text.index('"reason": "FailedScheduling"')]
    result = read_text(K8sEventsReader, cut)
    assert [e.attrs["reason"] for e in result.events if e.attrs] == [
        "BackOff",
        "NodeHasInsufficientMemory",
    ]
    assert any("truncated" in reason for reason, _ in result.skips)


def test_items_that_are_not_events_are_skipped_with_a_reason() -> None:
    doc = {
        "kind": "List",
        "items": ["junk", {"kind": "Pod", "metadata": {"name": "x"}}, json.loads(_minimal_event())],
    }
    result = read_text(K8sEventsReader, json.dumps(doc))
    assert len(result.events) == 1
    assert len(result.skips) == 2 and all("not an Event" in reason for reason, _ in result.skips)


@pytest.mark.parametrize(
    "text",
    [
        '{"kind": "Pod", "metadata": {"name": "x"}}',
        '{"status": "success", "data": {"resultType": "vector", "result": []}}',
    ],
)
def test_input_without_events_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError):
        read_text(K8sEventsReader, text)


def test_text_that_is_no_table_row_is_skipped_with_its_line() -> None:
    """Neither JSON nor YAML means an events table: lines that are no rows are reported."""
    result = read_text(K8sEventsReader, "not json at all\n")
    assert result.events == [] and result.skips == [("not a `kubectl get events` row", 1)]


def test_empty_list_is_fine() -> None:
    assert (
        read_text(K8sEventsReader, '{"apiVersion": "v1", "items": [], "kind": "List"}').events == []
    )


@pytest.mark.parametrize(
    "head",
    [
        '{"level":"info","msg":"reason: none","ts":"2025-03-14T02:51:09Z"}\n',
        '{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "status": {}}',
        '{"receiver": "x", "status": "firing", "alerts": []}',
        "Mar 14 02:51:09 host kubelet[1]: involvedObject regarding\n",
    ],
)
def test_sniff_rejects_other_documents(head: str) -> None:
    assert K8sEventsReader.sniff(head, "x.json") == 0.0


def _minimal_event() -> str:
    return json.dumps(
        {
            "kind": "Event",
            "involvedObject": {"kind": "Pod", "name": "p", "namespace": "n"},
            "reason": "Started",
            "message": "Started container c",
            "firstTimestamp": "2025-03-14T02:51:09Z",
            "type": "Normal",
        }
    )
