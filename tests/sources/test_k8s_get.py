"""kubectl get reader: pods (default, -A -o wide, old spacing, -w rows), pvc, nodes -o wide,
deployments (current and old layouts), `kubectl get all`, `No resources found`, prompts."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kubectl_helpers import NOW, check_event, never_raises, paste, read, sniffed

from opslens.events import Entity, Severity
from opslens.sources.base import Identity
from opslens.sources.readers.k8s_get import K8sGetReader

# fixture -> (severity, reason) per row, in order
EXPECTED = {
    "get-pods.txt": [
        ("WARNING", "CrashLoopBackOff"), ("WARNING", "ImagePullBackOff"), ("INFO", "Running"),
        ("INFO", "Completed"), ("WARNING", "Running"), ("WARNING", "Init:CrashLoopBackOff"),
    ],
    "get-pods-wide-all.txt": [
        ("WARNING", "Running"), ("INFO", "Running"), ("WARNING", "Running"), ("WARNING", "Pending"),
        ("WARNING", "Terminating"), ("WARNING", "ContainerCreating"), ("WARNING", "Evicted"),
        ("WARNING", "CreateContainerConfigError"),
    ],
    "get-pods-old.txt": [("WARNING", "OOMKilled"), ("INFO", "Running"), ("WARNING", "Error"), ("WARNING", "Unknown")],
    "get-pods-watch.txt": [("INFO", "Running"), ("WARNING", "OOMKilled"), ("WARNING", "CrashLoopBackOff"), ("WARNING", "Running")],
    "get-pvc.txt": [("INFO", "Bound"), ("WARNING", "Pending"), ("WARNING", "Lost")],
    "get-nodes-wide.txt": [("INFO", "Ready"), ("WARNING", "NotReady"), ("WARNING", "Ready,SchedulingDisabled")],
    "get-deployments.txt": [("WARNING", "ReplicasUnavailable"), ("INFO", "ReplicasAvailable"), ("WARNING", "ReplicasUnavailable")],
    "get-all.txt": [("WARNING", "CrashLoopBackOff"), ("INFO", "Running")],
    "get-no-resources.txt": [("INFO", "Running")],
    "get-hpa.txt": [
        ("WARNING", "TooManyReplicas"), ("INFO", "ScalingActive"), ("WARNING", "FailedGetResourceMetric"),
        ("WARNING", "TooManyReplicas"), ("WARNING", "TooManyReplicas"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_is_sniffed_as_get(name: str) -> None:
    reader, score = sniffed(paste(name))
    assert reader == "k8s-get" and score >= 0.8


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_rows(name: str) -> None:
    text = paste(name)
    result = read(K8sGetReader, text)
    rows = [e for e in result.events if e.attrs is not None]  # rows of unread kinds are plain text
    assert [(e.severity.name, e.attrs["reason"]) for e in rows] == EXPECTED[name]
    assert all(e.kind.value == "log" and e.message for e in result.events if e.attrs is None)
    assert result.skips == []
    for event in result.events:
        check_event(event, text)
        assert event.source == "k8s-get" and event.raw in text.splitlines()


def test_pod_row_facts_and_restart_time() -> None:
    cart = read(K8sGetReader, paste("get-pods.txt")).events[0]
    assert (
        cart.message
        == "pod cart-5d8f7b9c4-x2lqp status CrashLoopBackOff, ready 0/1, restarts 7 (last 93s ago)"
    )
    assert (
        cart.raw == "cart-5d8f7b9c4-x2lqp        0/1     CrashLoopBackOff        7 (93s ago)   14m"
    )
    assert cart.entity == Entity("Pod", "cart-5d8f7b9c4-x2lqp", "shop")  # -n shop of the prompt
    assert cart.time == NOW - 93 and not cart.time_inferred
    attrs = cart.attrs or {}
    assert (attrs["restarts"], attrs["ready"], attrs["age"]) == (7, "0/1", "14m")
    assert attrs["involved"] == {"kind": "Pod", "name": "cart-5d8f7b9c4-x2lqp", "namespace": "shop"}


def test_rows_without_a_restart_are_untimed() -> None:
    events = read(K8sGetReader, paste("get-pods.txt")).events
    assert events[1].time is None and not events[1].time_inferred


def test_restart_time_is_inferred_without_now() -> None:
    cart = read(K8sGetReader, paste("get-pods.txt"), now=None, time_hint=1_700_000_000.0).events[0]
    assert cart.time == 1_700_000_000.0 - 93 and cart.time_inferred


def test_wide_columns() -> None:
    coredns = read(K8sGetReader, paste("get-pods-wide-all.txt")).events[0]
    assert coredns.entity == Entity("Pod", "coredns-7db6d8ff4d-4xk8w", "kube-system")
    assert coredns.host == "cp-1" and (coredns.attrs or {})["ip"] == "10.244.0.3"
    assert "nominated_node" not in (coredns.attrs or {})  # <none>
    assert coredns.time == NOW - 252


def test_claims() -> None:
    bound, pending, lost = read(K8sGetReader, paste("get-pvc.txt")).events
    assert pending.message == "pvc data-tempo-0 status Pending, storageclass gp3-encrypted"
    assert (
        pending.attrs is not None
        and pending.attrs["volume"] is None
        and pending.attrs["storageclass"] == "gp3-encrypted"
    )
    assert (
        bound.attrs is not None
        and bound.attrs["capacity"] == "10Gi"
        and bound.attrs["access_modes"] == "RWO"
    )
    assert lost.entity == Entity("PersistentVolumeClaim", "backups", "observe")


def test_nodes() -> None:
    _ready, notready, cordoned = read(K8sGetReader, paste("get-nodes-wide.txt")).events
    assert notready.entity == Entity("Node", "worker-1", None) and notready.host == "worker-1"
    assert (notready.attrs or {})["os_image"] == "Ubuntu 22.04.4 LTS"
    assert cordoned.message == "node worker-2 status Ready,SchedulingDisabled, version v1.30.5"


def test_deployments_current_and_old_layouts() -> None:
    notifications, _frontend, legacy = read(K8sGetReader, paste("get-deployments.txt")).events
    assert notifications.message == "deployment notifications ready 2/3, up-to-date 1, available 2"
    assert legacy.message == "deployment legacy-api ready 2/2, up-to-date 2, available 0"
    assert (legacy.attrs or {})["desired"] == 2 and legacy.severity is Severity.WARNING


def test_autoscalers_at_their_maximum() -> None:
    gateway, search, importer, storefront, checkout = read(K8sGetReader, paste("get-hpa.txt")).events
    assert gateway.entity == Entity("HorizontalPodAutoscaler", "gateway", "api")
    assert gateway.message == (
        "hpa gateway replicas 10 (min 3, max 10): at its maximum of 10 replicas with cpu at 198% against a "
        "target of 70%; the desired replica count is more than the maximum replica count"
    )
    assert search.severity is Severity.INFO  # below target, room to grow
    assert "cannot read its metrics (<unknown>/75%)" in importer.message
    assert "cpu at 152% against a target of 80%" in storefront.message and "40%" not in storefront.message.split(";")[0]
    assert "memory at 95%" in checkout.message


def test_get_all_reports_tables_it_does_not_read() -> None:
    result = read(K8sGetReader, paste("get-all.txt"))
    assert result.events[0].entity == Entity("Pod", "gitea-0", None)
    assert result.unrecognized == [
        ("kubectl get table of a kind opslens does not read", 5),
        ("kubectl get table of a kind opslens does not read", 9),
    ]
    assert result.unrecognized_lines == 5


def test_watch_rows_that_do_not_line_up() -> None:
    events = read(K8sGetReader, paste("get-pods-watch.txt")).events
    assert [(e.attrs or {})["restarts"] for e in events] == [0, 0, 0, 1]
    assert events[2].time == NOW - 2 and events[3].time == NOW - 16


def test_prompt_noise_is_reported_and_the_identity_gives_the_namespace() -> None:
    result = read(K8sGetReader, paste("get-pods.txt"))
    assert result.unrecognized == [("text in a kubectl get paste outside any table", 1)]
    text = "NAME    READY   STATUS    RESTARTS   AGE\nweb-1   0/1     Pending   0          5m\n"
    (web,) = read(K8sGetReader, text, identity=Identity(namespace="tools")).events
    assert web.entity == Entity("Pod", "web-1", "tools")


def test_unreadable_rows_are_skipped() -> None:
    text = "NAME    READY   STATUS    RESTARTS   AGE\nweb-1   one     Running   zero       5m\n"
    result = read(K8sGetReader, text)
    assert result.events == [] and result.skips == [("not a row of a `kubectl get` Pod table", 2)]


def test_no_resources_alone() -> None:
    text = "No resources found in payments namespace.\n"
    assert K8sGetReader.sniff(text, "paste.txt") == 0.5
    result = read(K8sGetReader, text)
    assert result.events == [] and result.unrecognized == []


@pytest.mark.parametrize(
    "head",
    [
        "LAST SEEN   TYPE      REASON    OBJECT      MESSAGE\n2m          Warning   BackOff   pod/web-1   Back-off\n",
        "NAME    CPU(cores)   MEMORY(bytes)\nweb-1   5m           20Mi\n",
        "Name:         web-1\nNamespace:    default\nLabels:       app=web\n",
        "apiVersion: v1\nkind: List\nitems: []\n",
        '[{"name": "web-1", "status": "Running"}]',
        "2025-03-14T02:51:09Z INFO NAME READY STATUS\n",
        "NAME                   TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)   AGE\nkubernetes   ClusterIP   10.96.0.1   <none>   443/TCP   9d\n",
    ],
)
def test_sniff_rejects_other_formats(head: str) -> None:
    assert K8sGetReader.sniff(head, "paste.txt") == 0.0


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIXTURES = [paste(name) for name in sorted(EXPECTED)]


def _never_raises(text: str) -> None:
    never_raises(K8sGetReader, text)

# Random text, random bytes and mutated fixtures: test_kubectl_properties.py, for every reader.


@SETTINGS
@given(
    st.sampled_from(FIXTURES),
    st.text(alphabet=" \t/()0123456789abAGO-<>,:", max_size=30),
    st.data(),
)
def test_rows_with_junk_never_raise(text: str, junk: str, data: st.DataObject) -> None:
    lines = text.splitlines()
    at = data.draw(st.integers(0, max(0, len(lines) - 1)))
    if lines:
        lines[at] = lines[at][: data.draw(st.integers(0, len(lines[at])))] + junk
    _never_raises("\n".join(lines))
