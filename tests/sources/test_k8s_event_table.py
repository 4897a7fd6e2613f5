"""`kubectl get events` tables in the k8s-events reader: current, `-o wide`, `kubectl events`,
old (< 1.16) and absolute-time layouts, `-w` streams without a header, hard-wrapped messages;
ages dated from the anchor (`--now`, else inferred)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kubectl_helpers import NOW, check_event, mutated, paste, read, sniffed

from opslens.events import Entity, Severity
from opslens.sources.base import Identity
from opslens.sources.readers.k8s_events import K8sEventsReader

# fixture -> (line, reason, count) per row
EXPECTED = {
    "get-events-wide.txt": [(3, "Unhealthy", 37), (4, "Killing", 6), (5, "ScalingReplicaSet", 1)],
    "get-events-kubectl-events.txt": [(3, "Scheduled", 1), (4, "FailedMount", 8)],
    "get-events-old.txt": [(3, "Unhealthy", 21), (4, "NodeNotReady", 1)],
    "get-events-watch.txt": [
        (1, "Scheduled", 1),
        (2, "Pulling", 1),
        (3, "Failed", 1),
        (4, "Failed", 1),
    ],
    "get-events-wrapped.txt": [(2, "FailedScheduling", 1), (4, "SuccessfulCreate", 1)],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_is_sniffed_as_events(name: str) -> None:
    reader, score = sniffed(paste(name))
    assert reader == "k8s-events" and score >= 0.85


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_rows(name: str) -> None:
    text = paste(name)
    result = read(K8sEventsReader, text)
    got = [
        (e.origin.line, (e.attrs or {})["reason"], (e.attrs or {})["count"]) for e in result.events
    ]
    assert got == EXPECTED[name]
    assert result.skips == []
    for event in result.events:
        check_event(event, text)
        assert not event.time_inferred and event.time is not None  # --now is given
        assert event.raw.splitlines()[0] in text.splitlines()


def test_wide_columns() -> None:
    unhealthy, killing, scaled = read(K8sEventsReader, paste("get-events-wide.txt")).events
    attrs = unhealthy.attrs or {}
    assert unhealthy.message == "Liveness probe failed: HTTP probe failed with statuscode: 503"
    assert attrs["component"] == "kubelet" and unhealthy.host == "ip-10-20-31-44"
    assert attrs["involved"]["fieldPath"] == "spec.containers{gateway}"
    assert attrs["name"] == "gateway-6d5c4b3a2-zx9yw.17f2a3b4c5d6e7f8"
    assert unhealthy.time == NOW - 18 * 60 and attrs["last_time"] == NOW - 120
    assert killing.time == NOW - 17 * 60
    assert scaled.entity == Entity("Deployment", "gateway", None)


def test_wide_rows_take_the_namespace_of_the_command() -> None:
    events = read(
        K8sEventsReader, paste("get-events-wide.txt"), identity=Identity(namespace="payments")
    ).events
    assert events[0].entity == Entity("Pod", "gateway-6d5c4b3a2-zx9yw", "payments")


def test_kubectl_events_series_ages() -> None:
    _scheduled, mount = read(K8sEventsReader, paste("get-events-kubectl-events.txt")).events
    attrs = mount.attrs or {}
    assert mount.time == NOW - 41 and attrs["last_time"] == NOW - 9 and attrs["count"] == 8
    assert mount.entity == Entity("Pod", "vault-0", None)


def test_old_layout_with_kubelet_node_sources() -> None:
    unhealthy, notready = read(K8sEventsReader, paste("get-events-old.txt")).events
    assert unhealthy.entity == Entity("Pod", "kube-dns-86f4d74b45-8kw2q", "kube-system")
    assert unhealthy.host == "node-2" and (unhealthy.attrs or {})["component"] == "kubelet"
    assert unhealthy.time == NOW - 3600 and (unhealthy.attrs or {})["last_time"] == NOW - 180
    assert notready.entity == Entity("Node", "node-2", None)


def test_absolute_times_of_the_oldest_layout() -> None:
    text = (
        "FIRSTSEEN                         LASTSEEN                          COUNT     NAME           KIND      SUBOBJECT   REASON             SOURCE          MESSAGE\n"
        "Thu, 09 Jul 2015 23:56:21 -0700   Fri, 10 Jul 2015 00:01:30 -0700   21        big-pod-x1     Pod                   failedScheduling   {scheduler }    Failed for reason PodFitsResources\n"
    )
    (row,) = read(K8sEventsReader, text, now=None).events
    assert row.time == 1436511381.0 and (row.attrs or {})["last_time"] == 1436511690.0
    assert not row.time_inferred and (row.attrs or {})["count"] == 21
    assert row.severity is Severity.UNKNOWN and (row.attrs or {})["component"] == "scheduler"


def test_headerless_watch_stream() -> None:
    events = read(K8sEventsReader, paste("get-events-watch.txt")).events
    assert all(e.entity == Entity("Pod", "etl-28991560-abcde", None) for e in events)
    assert events[2].severity is Severity.WARNING and events[2].message.endswith(
        "503 Service Unavailable"
    )
    assert events[2].time == NOW - 2


def test_wrapped_message_is_joined() -> None:
    scheduling, created = read(K8sEventsReader, paste("get-events-wrapped.txt")).events
    assert scheduling.message == (
        "0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }."
    )
    assert scheduling.raw.splitlines()[1] == "taint {node-role.kubernetes.io/control-plane: }."
    assert created.entity == Entity("DaemonSet", "ws-daemon", "gitpod")


def test_ages_are_inferred_without_now() -> None:
    events = read(
        K8sEventsReader, paste("get-events-kubectl-events.txt"), now=None, time_hint=1_700_000_000.0
    ).events
    assert events[1].time == 1_700_000_000.0 - 41 and events[1].time_inferred


def test_text_between_the_rows_is_kept_as_text_and_reported() -> None:
    text = "LAST SEEN   TYPE      REASON    OBJECT      MESSAGE\n(output cut)\n2m          Warning   BackOff   pod/web-1   Back-off\n"
    result = read(K8sEventsReader, text)
    row, note = result.events
    assert row.origin.line == 3 and (row.attrs or {})["reason"] == "BackOff"
    assert note.origin.line == 2 and note.raw == "(output cut)" and result.skips == []
    assert result.unrecognized == [("text between the rows of a kubectl get events table", 2)]


def test_a_log_below_the_table_is_no_wrapped_message() -> None:
    """After a blank line a wrapped message has ended: what follows is read as a log."""
    text = (
        "LAST SEEN   TYPE      REASON    OBJECT      MESSAGE\n"
        "2m          Warning   BackOff   pod/web-1   Back-off restarting failed container\n"
        "\n"
        "2026-03-07T09:52:10.114Z ERROR web: upstream payments answered 503\n"
    )
    row, log = read(K8sEventsReader, text).events
    assert row.message == "Back-off restarting failed container"
    assert log.origin.line == 4 and log.severity.name == "ERROR" and log.time is not None


def test_a_single_headerless_row_is_a_weak_claim() -> None:
    row = "5s          Warning   BackOff   pod/web-1   Back-off restarting failed container\n"
    assert K8sEventsReader.sniff(row, "paste.txt") == 0.6


@pytest.mark.parametrize(
    "head",
    [
        "  Warning  BackOff  5s (x3 over 20s)  kubelet  Back-off restarting failed container\n"
        "  Normal   Pulled   5s (x3 over 20s)  kubelet  Container image already present\n",
        "NAME    READY   STATUS    RESTARTS   AGE\nweb-1   1/1     Running   0          5m\n",
        "2025-03-14T02:51:09Z warning pod/web-1 back-off\n2025-03-14T02:51:10Z warning pod/web-1 back-off\n",
        "Name:         web-1\nNamespace:    default\nEvents:\n  Type  Reason  Age  From  Message\n",
    ],
)
def test_sniff_leaves_other_formats(head: str) -> None:
    assert K8sEventsReader.sniff(head, "paste.txt") == 0.0


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIXTURES = [paste(name) for name in sorted(EXPECTED)]


def _never_raises(text: str) -> None:
    assert 0.0 <= K8sEventsReader.sniff(text, "paste.txt") <= 1.0
    if K8sEventsReader.sniff(text, "paste.txt") == 0.0:
        return  # not a table: the JSON/YAML paths are exercised by test_structured_properties
    for now in (NOW, None):
        for event in read(K8sEventsReader, text, now=now).events:
            check_event(event, text)


@SETTINGS
@given(st.text(max_size=2000))
def test_random_text_never_raises(text: str) -> None:
    _never_raises("LAST SEEN   TYPE   REASON   OBJECT   MESSAGE\n" + text)


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data: bytes) -> None:
    _never_raises("2s   Normal   Pulled   pod/x   m\n" * 2 + data.decode("utf-8", errors="replace"))


@SETTINGS
@given(st.sampled_from(FIXTURES).flatmap(mutated))
def test_mutated_fixtures_never_raise(text: str) -> None:
    _never_raises(text)
