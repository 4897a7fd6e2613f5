"""kubectl describe reader: whole objects of every kind, several objects, partial pastes
(Events only, rows only, node condition rows, one container block), old tab-padded kubectl,
pastes that lost their indentation, wrapped messages; relative ages dated from the anchor."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kubectl_helpers import NOW, check_event, never_raises, paste, read, sniffed

from opslens.events import Entity, Severity
from opslens.sources.base import Identity
from opslens.sources.readers.k8s_describe import K8sDescribeReader

# fixture -> (line, severity, attrs["reason"]) of every event, in paste order
EXPECTED = {
    "describe-pod-oomkilled.txt": [
        (23, "WARNING", "CrashLoopBackOff"), (25, "ERROR", "OOMKilled"), (61, "INFO", "Scheduled"),
        (62, "INFO", "Pulled"), (63, "INFO", "Created"), (64, "WARNING", "BackOff"),
    ],
    "describe-pod-old-tabs.txt": [
        (18, "ERROR", "Error"), (37, "INFO", "Scheduled"), (38, "INFO", "Pulled"), (39, "WARNING", "BackOff"),
    ],
    "describe-pods-two.txt": [
        (30, "WARNING", "FailedScheduling"), (47, "WARNING", "ImagePullBackOff"), (56, "INFO", "Scheduled"),
        (57, "INFO", "Pulling"), (58, "WARNING", "Failed"), (59, "WARNING", "Failed"), (60, "INFO", "BackOff"),
        (61, "WARNING", "Failed"),
    ],
    "describe-node-notready.txt": [
        (18, "WARNING", "NodeStatusUnknown"), (19, "WARNING", "NodeStatusUnknown"),
        (20, "WARNING", "NodeStatusUnknown"), (21, "WARNING", "NodeStatusUnknown"), (55, "INFO", "NodeNotReady"),
    ],
    "describe-node-conditions-rows.txt": [(2, "WARNING", "KubeletHasDiskPressure")],
    "describe-deployment-stuck.txt": [
        (29, "WARNING", "MinimumReplicasUnavailable"), (30, "WARNING", "ProgressDeadlineExceeded"),
        (36, "INFO", "ScalingReplicaSet"),
    ],
    "describe-pvc-pending.txt": [(4, "WARNING", "Pending"), (17, "INFO", "ExternalProvisioning"), (18, "WARNING", "ProvisioningFailed")],
    "describe-pvc-bound.txt": [],
    "describe-events-only.txt": [(4, "INFO", "Scheduled"), (5, "WARNING", "FailedMount")],
    "describe-events-rows.txt": [(1, "INFO", "Scheduled"), (2, "INFO", "Pulled"), (3, "WARNING", "Unhealthy"), (4, "WARNING", "BackOff")],
    # kubectl 1.5-1.9 rows pasted without their FirstSeen/LastSeen header
    "describe-events-old-rows.txt": [
        (1, "INFO", "Scheduled"), (2, "INFO", "Pulled"), (3, "INFO", "Started"), (4, "INFO", "Killing"),
        (5, "WARNING", "Unhealthy"),
    ],
    "describe-container-block.txt": [(4, "ERROR", "Error")],
    "describe-pod-flattened.txt": [(22, "ERROR", "Error"), (40, "WARNING", "BackOff")],
    "describe-pod-wrapped.txt": [(4, "WARNING", "Failed"), (9, "ERROR", "Error"), (23, "WARNING", "FailedCreatePodSandBox")],
    "describe-workloads.txt": [
        (11, "WARNING", "FailedCreate"), (15, "WARNING", "FailedCreate"), (30, "WARNING", "FailedCreate"),
        (47, "WARNING", "FailedDaemonPod"),
    ],
    "describe-pod-evicted.txt": [(5, "WARNING", "Evicted"), (13, "WARNING", "Evicted"), (14, "INFO", "Killing")],
    "describe-certificate.txt": [(25, "WARNING", "DoesNotExist"), (34, "WARNING", "Failed")],
    # an autoscaler held at its maximum is a finding, one held at its minimum is not
    "describe-hpa.txt": [(17, "WARNING", "TooManyReplicas"), (21, "INFO", "SuccessfulRescale")],
    "describe-hpa-at-min.txt": [],
}  # fmt: skip


def _findings(events: list) -> list:
    """Events that report something (not the containers' limits or a volume's size: context)."""
    return [e for e in events if (e.attrs or {}).get("reason")
            or not ((e.attrs or {}).get("limits") or (e.attrs or {}).get("capacity"))]


def test_container_limits_are_context_records() -> None:
    events = read(K8sDescribeReader, paste("describe-pod-oomkilled.txt")).events
    limits = [e for e in events if e not in _findings(events)]
    assert limits and limits[0].raw.lstrip().startswith("Limits:") and "memory" in limits[0].message
    assert limits[0].severity.name == "INFO" and limits[0].time is None


def test_an_autoscaler_and_its_events_are_dated_after_it_was_created() -> None:
    """Ages count back from a time no earlier than the creation plus the oldest event's age:
    the rescale cannot predate the autoscaler."""
    limited, rescale = read(K8sDescribeReader, paste("describe-hpa.txt"), now=None).events
    assert limited.entity is not None and limited.entity.kind == "HorizontalPodAutoscaler"
    assert "the desired replica count is more than the maximum replica count" in limited.message
    created = datetime(2026, 9, 14, 10, 2, 11, tzinfo=UTC).timestamp()
    assert rescale.time_inferred and rescale.time is not None and rescale.time >= created


def test_a_bound_claims_size_is_a_context_record() -> None:
    (size,) = read(K8sDescribeReader, paste("describe-pvc-bound.txt")).events
    assert size.raw == "Capacity:      30Gi" and size.origin.line == 11
    assert size.message == "pvc es-data-logging-es-0 capacity 30Gi, storageclass standard-rwo"
    assert size.severity.name == "INFO" and size.time is None and size.entity.name == "es-data-logging-es-0"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_is_sniffed_as_describe(name: str) -> None:
    reader, score = sniffed(paste(name))
    assert reader == "k8s-describe" and score >= 0.85


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_events(name: str) -> None:
    result = read(K8sDescribeReader, paste(name))
    got = [(e.origin.line, e.severity.name, (e.attrs or {})["reason"]) for e in _findings(result.events)]
    assert got == EXPECTED[name]
    assert result.skips == [] and result.unrecognized == []
    text = paste(name)
    for event in result.events:
        check_event(event, text)
        assert event.source == "k8s-describe"
        assert event.raw.splitlines()[0] in text.splitlines()  # quoted verbatim


def test_last_state_block_is_quoted_whole_with_its_facts() -> None:
    text = paste("describe-pod-oomkilled.txt")
    waiting, oom = read(K8sDescribeReader, text).events[:2]
    lines = text.splitlines()
    assert oom.raw == "\n".join(lines[24:31])  # the block, then Ready and Restart Count
    assert oom.raw.startswith(
        "    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137"
    )
    assert (
        oom.message
        == "container ledger-api last state Terminated: Reason: OOMKilled, Exit Code: 137"
    )
    assert oom.entity == Entity("Pod", "ledger-api-6f8d7c9b5-q2wzn", "billing")
    assert oom.time == 1739786681.0 and not oom.time_inferred  # Finished, an absolute time
    attrs = oom.attrs or {}
    assert attrs["exit_code"] == 137 and attrs["restarts"] == 9 and attrs["status"] == "Terminated"
    assert attrs["limits"] == {"cpu": "1", "memory": "384Mi"}
    assert attrs["requests"] == {"cpu": "200m", "memory": "256Mi"}
    assert attrs["image"] == "ghcr.io/acme/ledger-api:3.9.2" and attrs["container"] == "ledger-api"
    assert attrs["node"] == "gke-prod-pool-2-a81c" and oom.host == "gke-prod-pool-2-a81c"
    assert attrs["involved"] == {
        "kind": "Pod",
        "name": "ledger-api-6f8d7c9b5-q2wzn",
        "namespace": "billing",
    }
    assert waiting.message == "container ledger-api state Waiting: Reason: CrashLoopBackOff"
    assert (
        waiting.severity is Severity.WARNING and waiting.time == NOW and not waiting.time_inferred
    )


def test_event_ages_count_back_from_now() -> None:
    events = _findings(read(K8sDescribeReader, paste("describe-pod-oomkilled.txt")).events)
    pulled = events[3]
    attrs = pulled.attrs or {}
    assert pulled.raw.startswith("  Normal   Pulled     3m2s (x10 over 52m)")
    assert attrs["count"] == 10 and attrs["component"] == "kubelet" and attrs["type"] == "Normal"
    assert attrs["first_time"] == NOW - 52 * 60 and attrs["last_time"] == NOW - 182
    assert pulled.time == attrs["first_time"] and not pulled.time_inferred


def test_without_now_ages_count_back_from_the_newest_time_of_the_paste() -> None:
    events = _findings(read(K8sDescribeReader, paste("describe-pod-oomkilled.txt"), now=None).events)
    finished = 1739786681.0  # Last State Finished: Mon, 17 Feb 2025 10:04:41 +0000
    scheduled = events[2]
    assert scheduled.time == finished - 52 * 60 and scheduled.time_inferred
    assert not events[1].time_inferred  # Finished is printed, not inferred


def test_without_any_absolute_time_the_other_inputs_give_the_anchor() -> None:
    events = read(
        K8sDescribeReader, paste("describe-events-only.txt"), now=None, time_hint=1_700_000_000.0
    ).events
    mount = events[1]
    assert mount.time == 1_700_000_000.0 - 41 and mount.time_inferred
    assert (mount.attrs or {})["last_time"] == 1_700_000_000.0 - 9


def test_headerless_table_takes_its_pod_from_the_scheduled_row() -> None:
    events = read(K8sDescribeReader, paste("describe-events-only.txt")).events
    assert {e.entity for e in events} == {
        Entity("Pod", "vault-agent-injector-7d9f8c6b5-lk2jh", "vault")
    }
    assert (events[1].attrs or {})["count"] == 8
    assert (
        events[1].message
        == 'MountVolume.SetUp failed for volume "webhook-certs" : secret "injector-tls" not found'
    )


def test_from_cells_of_kubectl_1_10_name_the_node() -> None:
    unhealthy = read(K8sDescribeReader, paste("describe-events-rows.txt")).events[2]
    assert (unhealthy.attrs or {})["component"] == "kubelet" and unhealthy.host == "minikube"
    assert unhealthy.message.startswith("Readiness probe failed: Get http://172.17.0.6:80/ready")


def test_old_tab_padded_layout() -> None:
    events = read(K8sDescribeReader, paste("describe-pod-old-tabs.txt")).events
    error, _scheduled, pulled, backoff = events
    assert (pulled.attrs or {})["count"] == 5 and (pulled.attrs or {})["container"] == "worker"
    assert pulled.host == "node-04" and (pulled.attrs or {})["component"] == "kubelet"
    assert (backoff.attrs or {})["first_time"] == NOW - 17 * 60 and (backoff.attrs or {})[
        "last_time"
    ] == NOW - 60
    assert error.message == "container worker last state Terminated: Reason: Error, Exit Code: 2"
    assert error.entity == Entity("Pod", "worker-2917417418-h3k9d", "queue")


def test_old_rows_without_their_header() -> None:
    events = read(K8sDescribeReader, paste("describe-events-old-rows.txt")).events
    unhealthy = events[-1]
    attrs = unhealthy.attrs or {}
    assert attrs["count"] == 38 and attrs["component"] == "kubelet" and unhealthy.host == "pool-b-3"
    assert attrs["first_time"] == NOW - 40 * 60 and attrs["last_time"] == NOW - 60
    assert unhealthy.message.startswith("Liveness probe failed: Get http://10.8.3.21:8080/healthz")
    assert events[0].entity == Entity("Pod", "invoicer-7d9c5f6b8-q2xkz", "billing")


def test_old_rows_whose_tabs_became_spaces() -> None:
    text = (
        "  9m    9m  1   {kubelet pool-c-7}    spec.containers{ledger}  Normal  Started     Started container with docker id 9f0e1d2c3b4a\n"
        "  9m    20s 17  {kubelet pool-c-7}    spec.containers{ledger}  Warning Unhealthy   Liveness probe failed: HTTP probe failed with statuscode: 503\n"
    )
    events = read(K8sDescribeReader, text).events
    assert [(e.attrs or {})["reason"] for e in events] == ["Started", "Unhealthy"]
    assert (events[1].attrs or {})["count"] == 17 and events[1].host == "pool-c-7"


def test_an_old_row_cut_after_its_reason_is_still_a_row() -> None:
    result = read(K8sDescribeReader, "  2m  2m  3   {kubelet n}  Warning Unhealthy\nName:  ledger-0\n")
    rows = [e for e in result.events if (e.attrs or {}).get("reason") == "Unhealthy"]
    assert len(rows) == 1 and (rows[0].attrs or {})["count"] == 3


def test_node_conditions() -> None:
    events = read(K8sDescribeReader, paste("describe-node-notready.txt")).events
    ready = events[3]
    node = "ip-10-20-31-44.eu-central-1.compute.internal"
    assert ready.entity == Entity("Node", node, None) and ready.namespace is None
    assert (
        ready.message
        == f"node {node} condition Ready is Unknown (NodeStatusUnknown): Kubelet stopped posting node status."
    )
    assert ready.time == 1739934751.0 and not ready.time_inferred  # LastTransitionTime 03:12:31Z
    attrs = ready.attrs or {}
    assert (
        attrs["status"] == "Unknown"
        and attrs["condition"] == "Ready"
        and attrs["heartbeat_time"] == 1739934652.0
    )
    assert ready.raw == paste("describe-node-notready.txt").splitlines()[20]
    assert events[4].entity == Entity("Node", node, None)


def test_node_condition_rows_pasted_alone() -> None:
    (pressure,) = read(K8sDescribeReader, paste("describe-node-conditions-rows.txt")).events
    assert pressure.entity is None
    assert (
        pressure.message
        == "node condition DiskPressure is True (KubeletHasDiskPressure): kubelet has disk pressure"
    )


def test_deployment_conditions_and_rollout() -> None:
    available, progressing, scaled = _findings(read(K8sDescribeReader, paste("describe-deployment-stuck.txt")).events)
    assert available.entity == Entity("Deployment", "notifications", "comms")
    assert (
        available.message
        == "deployment notifications condition Available is False (MinimumReplicasUnavailable)"
    )
    assert (progressing.attrs or {})["status"] == "False"
    assert scaled.message == "Scaled up replica set notifications-84c9b7a6d5 to 1"


def test_pending_claim() -> None:
    pending, _waiting, failed = read(K8sDescribeReader, paste("describe-pvc-pending.txt")).events
    assert pending.entity == Entity("PersistentVolumeClaim", "data-postgres-0", "db")
    assert pending.message == "pvc data-postgres-0 status Pending, storageclass fast-ssd"
    assert (pending.attrs or {})["storageclass"] == "fast-ssd"
    assert (failed.attrs or {})[
        "component"
    ] == "ebs.csi.aws.com_ebs-csi-controller-5c7d8-pq2rs_0f1e2d3c"


def test_container_block_pasted_alone() -> None:
    (error,) = read(K8sDescribeReader, paste("describe-container-block.txt")).events
    assert error.severity is Severity.ERROR and error.entity is None
    assert error.message == (
        "container migrate state Terminated: Reason: Error, Message: panic: runtime error: invalid memory "
        "address or nil pointer dereference … [signal SIGSEGV: segmentation violation code=0x1 addr=0x18 "
        "pc=0x5a1b2c], Exit Code: 2"
    )
    assert error.time == 1741338730.0  # 04:12:10 -0500
    assert "[signal SIGSEGV" in error.raw and error.raw.endswith(
        "Finished:     Fri, 07 Mar 2025 04:12:10 -0500\n    Ready:          False\n    Restart Count:  3"
    )


def test_paste_that_lost_its_indentation() -> None:
    error, backoff = read(K8sDescribeReader, paste("describe-pod-flattened.txt")).events
    assert error.raw.splitlines() == [
        "Last State: Terminated", "Reason: Error", "Exit Code: 1",
        "Started: Sun, 12 Jan 2025 19:41:55 +0530", "Finished: Sun, 12 Jan 2025 19:46:58 +0530",
        "Ready: True", "Restart Count: 17",  # the record reaches through how often it restarted
    ]  # fmt: skip
    assert (error.attrs or {})["restarts"] == 17 and (error.attrs or {})[
        "image"
    ] == "acme/cms:7.2-apache"
    assert (backoff.attrs or {})["count"] == 53 and (backoff.attrs or {})["component"] == "kubelet"
    assert backoff.message == "Back-off restarting failed container"


def test_wrapped_messages_stay_with_their_record() -> None:
    status, error, sandbox = read(K8sDescribeReader, paste("describe-pod-wrapped.txt")).events
    assert sandbox.message.endswith(
        "error getting ClusterInformation: connection is unauthorized: Unauthorized"
    )
    assert sandbox.raw.splitlines()[1] == "connection is unauthorized: Unauthorized"
    assert "psycopg2.OperationalError: FATAL:  remaining connection slots" in error.raw
    assert "… psycopg2.OperationalError" in error.message and (error.attrs or {})["exit_code"] == 1
    assert status.message == "pod report-cron-28991520-5x8kq status Failed"


def test_workload_kinds_are_inferred() -> None:
    events = read(K8sDescribeReader, paste("describe-workloads.txt")).events
    assert [e.entity for e in events] == [
        Entity("ReplicaSet", "gateway-6d5c4b3a2", "payments"), Entity("ReplicaSet", "gateway-6d5c4b3a2", "payments"),
        Entity("StatefulSet", "kafka", "streaming"), Entity("DaemonSet", "node-exporter", "monitoring"),
    ]  # fmt: skip
    assert (
        events[0].message
        == "replicaset gateway-6d5c4b3a2 condition ReplicaFailure is True (FailedCreate)"
    )


def test_evicted_pod_status() -> None:
    status = read(K8sDescribeReader, paste("describe-pod-evicted.txt")).events[0]
    assert status.message.startswith(
        "pod st2actionrunner-5c9f8b7d6-4hq7x status Failed: Reason: Evicted, Message: The node was low on resource: ephemeral-storage."
    )
    assert (
        status.raw.splitlines()[1].startswith("Reason:")
        and (status.attrs or {})["reason"] == "Evicted"
    )


def test_custom_resource_condition() -> None:
    ready = read(K8sDescribeReader, paste("describe-certificate.txt")).events[0]
    assert ready.entity == Entity("Certificate", "api-tls", "edge")
    assert (
        ready.message
        == "certificate api-tls condition Ready is False (DoesNotExist): Issuing certificate as Secret does not exist"
    )


def test_prompt_line_names_the_object_of_a_partial_paste() -> None:
    text = (
        "$ kubectl describe pod web-0 -n prod | tail\n"
        "Events:\n"
        "  Type     Reason   Age                 From     Message\n"
        "  ----     ------   ----                ----     -------\n"
        "  Warning  BackOff  10s (x3 over 40s)   kubelet  Back-off restarting failed container\n"
    )
    (backoff,) = read(K8sDescribeReader, text).events
    assert backoff.entity == Entity("Pod", "web-0", "prod") and backoff.origin.line == 5


def test_identity_of_the_command_above_a_pasted_part_names_the_pod() -> None:
    text = "  Warning  Unhealthy  5s (x2 over 15s)  kubelet  Liveness probe failed: HTTP probe failed with statuscode: 500\n"
    (row,) = read(K8sDescribeReader, text, identity=Identity(namespace="shop", pod="cart-0")).events
    assert row.entity == Entity("Pod", "cart-0", "shop")


def test_events_none_and_running_containers_give_nothing() -> None:
    text = (
        "Name:         idle-1\nNamespace:    default\nStatus:       Running\nContainers:\n  idle:\n"
        "    Image:          busybox\n    State:          Running\n      Started:      Mon, 10 Mar 2025 10:00:00 +0000\n"
        "    Ready:          True\n    Restart Count:  0\nEvents:       <none>\n"
    )
    result = read(K8sDescribeReader, text)
    assert result.events == [] and result.unrecognized == [] and result.skips == []


def test_text_after_the_object_is_reported_not_understood() -> None:
    text = paste("describe-events-only.txt") + "\nsome notes I wrote\nand a second line\n"
    result = read(K8sDescribeReader, text)
    assert len(result.events) == 2
    assert result.unrecognized == [
        ("text in a kubectl describe paste outside any described object", 7)
    ]
    assert result.unrecognized_lines == 2


def test_unreadable_rows_under_a_header_are_skipped_and_reported() -> None:
    text = "Events:\n  Type  Reason  Age  From  Message\n  ----  ------  ---  ----  -------\n  garbled row here\n"
    result = read(K8sDescribeReader, text)
    assert result.events == []
    assert result.skips == [("not a row of a describe Events table", 4)]
    assert result.unrecognized == [("describe Events table whose rows could not be read", 2)]


@pytest.mark.parametrize(
    "head",
    [
        "Mar 14 02:51:09 host kubelet[1]: Name: foo Namespace: bar\n",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n  - name: web\n",
        '{"kind": "Pod", "metadata": {"name": "x"}}',
        "LAST SEEN   TYPE      REASON    OBJECT      MESSAGE\n2m          Warning   BackOff   pod/web-1   Back-off\n",
        "NAME    READY   STATUS    RESTARTS   AGE\nweb-1   1/1     Running   0          5m\n",
        "NAME    CPU(cores)   MEMORY(bytes)\nweb-1   5m           20Mi\n",
        "2025-03-14T02:51:09Z INFO starting server name=api\nWarning: something\n",
        "status:\n  containerStatuses:\n  - lastState:\n      terminated:\n        exitCode: 137\n        reason: OOMKilled\n",
    ],
)
def test_sniff_rejects_other_formats(head: str) -> None:
    assert K8sDescribeReader.sniff(head, "paste.txt") == 0.0


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIXTURES = [paste(name) for name in sorted(EXPECTED)]


def _never_raises(text: str) -> None:
    never_raises(K8sDescribeReader, text)

# Random text, random bytes and mutated fixtures: test_kubectl_properties.py, for every reader.


@SETTINGS
@given(
    st.sampled_from(FIXTURES),
    st.lists(
        st.sampled_from(
            [
                "State:  Waiting",
                "Events:",
                "  Type  Reason  Age  From  Message",
                "Conditions:",
                "Name:  x",
                "\t",
                "Last State:  Terminated",
                "      Exit Code:  x",
                "Containers:",
                "  c:",
                "      Exit Code:  ²",  # numbers `str.isdigit` accepts and `int` refuses
                "    Restart Count:  ①",
                "      Signal:  --5",
                "Annotations:  note: a\u2028b",  # a line break only `str.splitlines` sees
                "  3m\t3m\t1\t{kubelet n}\tNormal\tKilling",  # an old headerless row cut short
                "  3m\t9m\t99999999999\tx\tWarning\tBackOff\tmsg",
                "  3m  9m  2  {kubelet n}  Warning Unhealthy",  # looks like an old row, reads as none
            ]
        ),
        max_size=6,
    ),
    st.data(),
)
def test_fixtures_with_describe_fragments_inserted_never_raise(
    text: str, fragments: list[str], data: st.DataObject
) -> None:
    lines = text.splitlines()
    for fragment in fragments:
        lines.insert(data.draw(st.integers(0, len(lines))), fragment)
    _never_raises("\n".join(lines))


def test_init_containers_and_benign_transitions() -> None:
    text = (
        "Name:         app-0\nNamespace:    data\nStatus:       Pending\nInit Containers:\n"
        "  wait-db:\n    Image:          busybox:1.36\n    State:          Terminated\n"
        "      Reason:       Completed\n      Exit Code:    0\n"
        "      Started:      Mon, 10 Mar 2025 10:00:00 +0000\n      Finished:     Mon, 10 Mar 2025 10:00:05 +0000\n"
        "    Ready:          True\n    Restart Count:  0\n"
        "  migrate:\n    Image:          acme/migrate:12\n    State:          Waiting\n"
        "      Reason:       CrashLoopBackOff\n    Ready:          False\n    Restart Count:  4\n"
        "Containers:\n  app:\n    Image:          acme/app:3\n    State:          Waiting\n"
        "      Reason:       PodInitializing\n    Ready:          False\n    Restart Count:  0\n"
        "Events:       <none>\n"
    )
    done, crashing, waiting = read(K8sDescribeReader, text).events
    assert (
        done.message == "init container wait-db state Terminated: Reason: Completed, Exit Code: 0"
    )
    assert done.severity is Severity.INFO and (done.attrs or {})["type"] == "Normal"
    assert crashing.severity is Severity.WARNING and (crashing.attrs or {})["restarts"] == 4
    assert (
        waiting.severity is Severity.INFO and (waiting.attrs or {})["reason"] == "PodInitializing"
    )


def test_windows_line_endings_and_a_byte_order_mark_change_nothing() -> None:
    text = paste("describe-pod-oomkilled.txt")
    plain = read(K8sDescribeReader, text).events
    crlf = read(K8sDescribeReader, "\ufeff" + text.replace("\n", "\r\n")).events
    assert [(e.origin.line, e.message, e.raw) for e in crlf] == [
        (e.origin.line, e.message, e.raw) for e in plain
    ]
