"""kubectl top reader: pods (-n, -A --containers, --sum), nodes (current and old headers,
`<unknown>` metrics) as METRIC series shaped like the Prometheus reader's."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kubectl_helpers import NOW, check_event, never_raises, paste, read, sniffed

from opslens.events import Entity, EventKind
from opslens.sources.readers.k8s_top import K8sTopReader

# fixture -> (series name, labels, value) per event
EXPECTED = {
    "top-pod.txt": [
        ("pod_cpu_usage_cores", {"namespace": "billing", "pod": "ledger-api-6f8d7c9b5-q2wzn"}, 0.912),
        ("pod_memory_usage_bytes", {"namespace": "billing", "pod": "ledger-api-6f8d7c9b5-q2wzn"}, 381 * 2**20),
        ("pod_cpu_usage_cores", {"namespace": "billing", "pod": "ledger-db-0"}, 0.035),
        ("pod_memory_usage_bytes", {"namespace": "billing", "pod": "ledger-db-0"}, 1204 * 2**20),
    ],
    "top-pod-containers-all.txt": [
        ("container_cpu_usage_cores", {"namespace": "kube-system", "pod": "coredns-7db6d8ff4d-4xk8w", "container": "coredns"}, 0.003),
        ("container_memory_usage_bytes", {"namespace": "kube-system", "pod": "coredns-7db6d8ff4d-4xk8w", "container": "coredns"}, 17 * 2**20),
        ("container_cpu_usage_cores", {"namespace": "monitoring", "pod": "prometheus-k8s-0", "container": "prometheus"}, 1.84),
        ("container_memory_usage_bytes", {"namespace": "monitoring", "pod": "prometheus-k8s-0", "container": "prometheus"}, 3890 * 2**20),
        ("container_cpu_usage_cores", {"namespace": "monitoring", "pod": "prometheus-k8s-0", "container": "config-reloader"}, 0.001),
        ("container_memory_usage_bytes", {"namespace": "monitoring", "pod": "prometheus-k8s-0", "container": "config-reloader"}, 9 * 2**20),
    ],
    "top-node.txt": [
        ("node_cpu_usage_cores", {"node": "cp-1"}, 0.412), ("node_cpu_usage_percent", {"node": "cp-1"}, 20.0),
        ("node_memory_usage_bytes", {"node": "cp-1"}, 2871 * 2**20), ("node_memory_usage_percent", {"node": "cp-1"}, 75.0),
        ("node_cpu_usage_cores", {"node": "worker-2"}, 3.702), ("node_cpu_usage_percent", {"node": "worker-2"}, 92.0),
        ("node_memory_usage_bytes", {"node": "worker-2"}, 14630 * 2**20), ("node_memory_usage_percent", {"node": "worker-2"}, 97.0),
    ],
    "top-node-old.txt": [
        ("node_cpu_usage_cores", {"node": "ip-10-0-1-12"}, 1.203), ("node_cpu_usage_percent", {"node": "ip-10-0-1-12"}, 60.0),
        ("node_memory_usage_bytes", {"node": "ip-10-0-1-12"}, 6123 * 2**20), ("node_memory_usage_percent", {"node": "ip-10-0-1-12"}, 81.0),
    ],
    "top-pod-sum.txt": [
        ("pod_cpu_usage_cores", {"pod": "web-6c9d8b7a5-k2j4h"}, 0.12), ("pod_memory_usage_bytes", {"pod": "web-6c9d8b7a5-k2j4h"}, 210 * 2**20),
        ("pod_cpu_usage_cores", {"pod": "web-6c9d8b7a5-p9o8i"}, 0.131), ("pod_memory_usage_bytes", {"pod": "web-6c9d8b7a5-p9o8i"}, 224 * 2**20),
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_is_sniffed_as_top(name: str) -> None:
    assert sniffed(paste(name)) == ("k8s-top", 0.9)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_series(name: str) -> None:
    text = paste(name)
    result = read(K8sTopReader, text)
    got = [
        ((e.attrs or {})["name"], (e.attrs or {})["labels"], (e.attrs or {})["samples"][0][1])
        for e in result.events
    ]
    assert [(n, labels) for n, labels, _ in got] == [(n, labels) for n, labels, _ in EXPECTED[name]]
    assert [v for _, _, v in got] == pytest.approx([v for _, _, v in EXPECTED[name]])
    for event in result.events:
        check_event(event, text)
        assert event.kind is EventKind.METRIC and event.source == "k8s-top"
        assert event.time == NOW and (event.attrs or {})["samples"] == [
            [NOW, pytest.approx((event.attrs or {})["samples"][0][1])]
        ]
        assert event.raw in text.splitlines()


def test_entities_and_messages() -> None:
    cpu = read(K8sTopReader, paste("top-pod-containers-all.txt")).events[2]
    assert cpu.entity == Entity("Pod", "prometheus-k8s-0", "monitoring")
    assert (
        cpu.message
        == 'container_cpu_usage_cores{container="prometheus",namespace="monitoring",pod="prometheus-k8s-0"} 1840m'
    )
    node = read(K8sTopReader, paste("top-node.txt")).events[7]
    assert node.entity == Entity("Node", "worker-2", None) and node.host == "worker-2"


def test_unknown_node_metrics_are_skipped_with_a_reason() -> None:
    result = read(K8sTopReader, paste("top-node.txt"))
    assert result.skips == [("no usable values in a `kubectl top` row (metrics not available)", 4)]


def test_sum_rows_are_not_series() -> None:
    result = read(K8sTopReader, paste("top-pod-sum.txt"))
    assert result.skips == [] and len(result.events) == 4


def test_times_are_inferred_without_now() -> None:
    events = read(K8sTopReader, paste("top-pod.txt"), now=None, time_hint=1_700_000_000.0).events
    assert all(e.time == 1_700_000_000.0 and e.time_inferred for e in events)


def test_rows_that_do_not_fit_the_header_are_skipped() -> None:
    text = "NAME    CPU(cores)   MEMORY(bytes)\nweb-1   5m\nweb-2   7m   12Mi   extra\n        12m          40Mi\n"
    result = read(K8sTopReader, text)
    assert result.events == []
    assert [line for _, line in result.skips] == [2, 3]  # line 4, only quantities, is a --sum total


@pytest.mark.parametrize(
    "head",
    [
        "NAME    READY   STATUS    RESTARTS   AGE\nweb-1   1/1     Running   0          5m\n",
        "cpu usage 250m memory 512Mi\n",
        '{"metric": {"__name__": "up"}, "value": [1, "1"]}',
        "Name:  web-1\nNamespace:  default\n",
    ],
)
def test_sniff_rejects_other_formats(head: str) -> None:
    assert K8sTopReader.sniff(head, "paste.txt") == 0.0


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIXTURES = [paste(name) for name in sorted(EXPECTED)]


def _never_raises(text: str) -> None:
    never_raises(K8sTopReader, text)

# Random text, random bytes and mutated fixtures: test_kubectl_properties.py, for every reader.


@SETTINGS
@given(
    st.sampled_from(FIXTURES),
    st.lists(
        st.sampled_from(["1e999m", "NaNMi", "-5m", "<unknown>", "9" * 400 + "Ei", "0.5.5m", "%"]),
        min_size=1,
        max_size=3,
    ),
)
def test_strange_values_never_raise(text: str, values: list[str]) -> None:
    lines = text.splitlines()
    for i, value in enumerate(values):
        words = lines[-1 - (i % max(1, len(lines)))].split()
        if words:
            words[-1] = value
            lines.append("   ".join(words))
    _never_raises("\n".join(lines))
