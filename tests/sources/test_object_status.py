"""The `status:` of Kubernetes objects pasted as `kubectl get -o yaml|json` (one object, a List,
or a `status:` fragment without apiVersion and kind) becomes the events `kubectl describe` of
the same object gives: container states and last states, abnormal conditions, an evicted pod,
a pending claim, each dated by the status's own timestamps and citing the lines that say it."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from kubectl_helpers import NOW, check_event, mutated, never_raises, read, sniffed

from opslens.events import Entity, Severity
from opslens.pipeline import TriageOptions, run_triage
from opslens.sources.base import Identity, ReadContext, SourceFile
from opslens.sources.readers._describe_emit import Anchor, object_events
from opslens.sources.readers._object_lines import Locator
from opslens.sources.readers._object_status import described, infer_kind
from opslens.sources.readers.k8s_manifest import K8sManifestReader

STATUS = Path(__file__).resolve().parents[1] / "fixtures" / "k8s" / "status"
FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


@dataclass(frozen=True)
class Expect:
    """One event: the line it cites, its severity, `attrs["reason"]` (None: configuration
    context), its time (ISO 8601 UTC; "now": the anchor; None: untimed) and lines its raw quotes."""

    line: int
    severity: Severity
    reason: str | None
    time: str | None
    cites: tuple[str, ...] = ()


INFO, WARN, ERR = Severity.INFO, Severity.WARNING, Severity.ERROR
# fixture -> (the entity every event is about, every event in order)
CASES: dict[str, tuple[Entity | None, list[Expect]]] = {
    "pod-oomkilled.yaml": (Entity("Pod", "orders-worker-5f7c8d9b4-k7m2p", "shop"), [
        Expect(1, INFO, None, None, ("kind: Pod",)),
        Expect(23, INFO, None, None, ("      limits:", "        memory: 192Mi")),
        Expect(53, ERR, "OOMKilled", "2025-06-03T08:41:06", ("    lastState:", "        exitCode: 137", "        reason: OOMKilled")),
        Expect(64, WARN, "CrashLoopBackOff", "now", ("    state:", "        reason: CrashLoopBackOff")),
        Expect(75, INFO, "Completed", "2025-06-03T07:58:19", ("        reason: Completed",)),
    ]),
    "pod-crashloop.json": (Entity("Pod", "billing-api-7b9d6c5f8-w4qzt", "billing"), [
        Expect(1, INFO, None, None, ('    "kind": "Pod",',)),
        Expect(38, ERR, "Error", "2025-08-14T16:05:30", ('                "lastState": {', '                        "exitCode": 1,', '                        "reason": "Error",')),
        Expect(52, WARN, "CrashLoopBackOff", "now", ('                        "reason": "CrashLoopBackOff"',)),
    ]),
    "pod-imagepull.yaml": (Entity("Pod", "storefront-6d5c4b3a2-hx8vn", "web"), [
        Expect(1, INFO, None, None),
        Expect(24, WARN, "ImagePullBackOff", "now", ('        message: Back-off pulling image "registry.example.com/web/storefront:9.14.2"',)),
    ]),
    "pod-unschedulable.yaml": (Entity("Pod", "search-indexer-0", "search"), [
        Expect(1, INFO, None, None),
        Expect(17, WARN, "Unschedulable", "2025-05-09T02:14:51", ("    reason: Unschedulable", "      gpu}, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption")),
    ]),
    "pod-evicted.yaml": (Entity("Pod", "report-builder-84c6f7d9d-2lq9s", "analytics"), [
        Expect(1, INFO, None, None),
        Expect(14, WARN, "TerminationByKubelet", "2025-07-01T19:42:10", ("    type: DisruptionTarget",)),
        Expect(22, WARN, "Evicted", "now", ("  phase: Failed", "  reason: Evicted", "  message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available:")),
    ]),
    "node-diskpressure.yaml": (Entity("Node", "pool-c-worker-2", None), [
        Expect(1, INFO, None, None),
        Expect(26, WARN, "KubeletHasDiskPressure", "2025-03-18T04:10:30", ('    status: "True"', "    type: DiskPressure")),
        Expect(38, WARN, "KubeletNotReady", "2025-03-18T04:19:02", ("    reason: KubeletNotReady", "      3m11s ago; threshold is 3m0s'")),
    ]),
    "pvc-pending.yaml": (Entity("PersistentVolumeClaim", "data-ledger-db-0", "ledger"), [
        Expect(1, INFO, None, None),
        Expect(15, WARN, "Pending", "now", ("  phase: Pending",)),
    ]),
    "deployment-progress-deadline.yaml": (Entity("Deployment", "checkout", "shop"), [
        Expect(1, INFO, None, None),
        Expect(17, WARN, "MinimumReplicasUnavailable", "2025-09-02T13:30:18", ("    type: Available",)),
        Expect(23, WARN, "ProgressDeadlineExceeded", "2025-09-02T13:40:19", ('    message: ReplicaSet "checkout-6f9b7c5d4" has timed out progressing.',)),
    ]),
    "job-backoff-limit.yaml": (Entity("Job", "nightly-export-29180640", "batch"), [
        Expect(1, INFO, None, None),
        Expect(16, WARN, "BackoffLimitExceeded", "2025-10-11T00:06:52", ("    message: Job has reached the specified backoff limit",)),
    ]),
    "status-fragment.yaml": (None, [
        Expect(4, ERR, "Error", "2025-12-04T21:17:45", ("        exitCode: 2", "          panic: runtime error: invalid memory address or nil pointer dereference")),
        Expect(16, WARN, "CrashLoopBackOff", "now"),
    ]),
    "status-fragment-indented.yaml": (None, [
        Expect(4, WARN, "Unschedulable", "2025-02-11T08:15:40", ("    - type: PodScheduled", "        affinity/selector.")),
    ]),
}  # fmt: skip


def _text(name: str) -> str:
    return (STATUS / name).read_text(encoding="utf-8")


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _check(events: list, text: str, expected: list[Expect], subject: Entity | None = None) -> None:
    assert [(e.origin.line, e.severity, (e.attrs or {}).get("reason")) for e in events] == [
        (x.line, x.severity, x.reason) for x in expected
    ]
    for event, want in zip(events, expected, strict=True):
        check_event(event, text)
        assert event.source == "k8s-manifest"
        assert event.time == (NOW if want.time == "now" else event.time)
        assert _iso(event.time) == (_iso(NOW) if want.time == "now" else want.time), event.message
        assert not event.time_inferred  # --now is exact; the status's own times are absolute
        quoted = event.raw.split("\n")
        assert all(line in quoted for line in want.cites), (want, event.raw)
        if subject is not None:
            assert event.entity == subject


@pytest.mark.parametrize("name", sorted(CASES))
def test_status_events(name: str) -> None:
    subject, expected = CASES[name]
    text = _text(name)
    result = read(K8sManifestReader, text)
    assert not result.skips and not result.unrecognized
    _check(result.events, text, expected, subject)
    if subject is None:
        assert all(e.entity is None for e in result.events)


@pytest.mark.parametrize("name", sorted(CASES))
def test_content_sniffing_picks_the_manifest_reader(name: str) -> None:
    assert sniffed(_text(name)) == ("k8s-manifest", 0.7)


def test_a_kill_carries_what_describe_carries() -> None:
    kill = next(e for e in read(K8sManifestReader, _text("pod-oomkilled.yaml")).events if e.attrs and e.attrs.get("reason") == "OOMKilled")
    assert kill.message == "container worker last state Terminated: Reason: OOMKilled, Exit Code: 137"
    attrs = kill.attrs or {}
    assert (attrs["exit_code"], attrs["restarts"], attrs["container"], attrs["node"]) == (137, 11, "worker", "pool-b-worker-3")
    assert attrs["limits"] == {"cpu": "500m", "memory": "192Mi"} and attrs["requests"] == {"cpu": "100m", "memory": "128Mi"}
    assert attrs["image"] == "registry.example.com/shop/orders-worker:4.2.0"
    assert _iso(attrs["started"]) == "2025-06-03T08:39:51" and kill.host == "pool-b-worker-3"


def test_a_previous_termination_message_is_in_the_words_of_the_event() -> None:
    error = read(K8sManifestReader, _text("pod-crashloop.json")).events[1]
    assert "Message: Error: config key BILLING_DB_URL is required" in error.message
    assert "Exit Code: 1" in error.message


def test_the_configuration_record_keeps_spec_and_status_facts_but_not_the_quoted_limits() -> None:
    pod = read(K8sManifestReader, _text("pod-oomkilled.yaml")).events[0]
    assert "requests cpu 100m, memory 128Mi" in pod.message and "limits" not in pod.message
    assert pod.message.endswith("status Running") and pod.raw == _text("pod-oomkilled.yaml").rstrip("\n")
    deployment = read(K8sManifestReader, _text("deployment-progress-deadline.yaml")).events[0]
    assert "replicas 3 desired, 2 updated, 1 ready, 3 unavailable" in deployment.message
    assert "status Failed (Evicted)" in read(K8sManifestReader, _text("pod-evicted.yaml")).events[0].message


def test_without_now_a_waiting_state_is_dated_at_the_newest_time_of_the_input_as_a_guess() -> None:
    events = read(K8sManifestReader, _text("pod-oomkilled.yaml"), now=None).events
    waiting = next(e for e in events if (e.attrs or {}).get("reason") == "CrashLoopBackOff")
    assert _iso(waiting.time) == "2025-06-03T08:41:07" and waiting.time_inferred  # Ready's transition
    kill = next(e for e in events if (e.attrs or {}).get("reason") == "OOMKilled")
    assert _iso(kill.time) == "2025-06-03T08:41:06" and not kill.time_inferred


LIST = [
    Expect(3, INFO, None, None, ("- apiVersion: v1", "    name: cache-warmer-0")),
    Expect(13, INFO, None, None, ("        limits:",)),
    Expect(18, ERR, "OOMKilled", "2025-11-20T06:31:09", ("          reason: OOMKilled",)),
    Expect(31, INFO, None, None, ("    name: cache-warmer-1",)),
    Expect(41, INFO, None, None, ("          memory: 64Mi",)),
]


def test_a_list_gives_each_pod_its_own_records_and_lines() -> None:
    text = _text("pods-list.yaml")
    events = read(K8sManifestReader, text).events
    _check(events, text, LIST)
    assert [e.entity.name for e in events if e.entity] == ["cache-warmer-0"] * 3 + ["cache-warmer-1"] * 2
    assert events[0].raw.split("\n")[-1] == "    phase: Running" and events[0].raw.count("\n") == 27


def test_a_list_cut_before_its_kind_line_is_still_read() -> None:
    """`kind: List` comes last in `kubectl get -o yaml`: a paste split or cut there lacks it."""
    text = "\n".join(_text("pods-list.yaml").split("\n")[:53]) + "\n"
    assert "kind: List" not in text
    _check(read(K8sManifestReader, text).events, text, LIST)


def test_a_json_list_reaches_the_same_events_citing_its_json_lines(tmp_path: Path) -> None:
    text = json.dumps(yaml.safe_load(_text("pods-list.yaml")), indent=4) + "\n"
    assert sniffed(text) == ("k8s-manifest", 0.7)
    events = read(K8sManifestReader, text).events
    kill = next(e for e in events if (e.attrs or {}).get("reason") == "OOMKilled")
    lines = text.split("\n")
    assert lines[kill.origin.line - 1].strip() == '"lastState": {'
    assert '"reason": "OOMKilled",' in kill.raw and '"exitCode": 137,' in kill.raw
    assert kill.entity == Entity("Pod", "cache-warmer-0", "edge") and _iso(kill.time) == "2025-11-20T06:31:09"
    assert [e.entity.name for e in events if e.entity] == ["cache-warmer-0"] * 3 + ["cache-warmer-1"] * 2
    for event in events:
        check_event(event, text)


def test_json_the_yaml_parser_refuses_is_still_read_by_searching_its_lines() -> None:
    # two documents on one line: YAML cannot compose them, so their parts are searched for
    text = json.dumps(yaml.safe_load(_text("pod-imagepull.yaml"))) + json.dumps({"kind": "Pod", "metadata": {"name": "x"}}) + "\n"
    events = read(K8sManifestReader, text).events
    pulls = [e for e in events if (e.attrs or {}).get("reason") == "ImagePullBackOff"]
    assert len(pulls) == 1 and pulls[0].origin.line == 1
    for event in events:
        check_event(event, text)


def test_a_json_status_without_kind_is_read_as_the_yaml_one() -> None:
    """`kubectl get pod -o json | jq '{spec, status}'`: no apiVersion, no kind."""
    status = yaml.safe_load(_text("status-fragment.yaml"))["status"]
    text = json.dumps({"spec": {"nodeName": "pool-d-worker-1"}, "status": status}, indent=2) + "\n"
    assert sniffed(text) == ("k8s-manifest", 0.7)
    events = read(K8sManifestReader, text).events
    assert [(e.attrs or {}).get("reason") for e in events] == ["Error", "CrashLoopBackOff"]
    assert '"exitCode": 2,' in events[0].raw and events[0].host == "pool-d-worker-1"
    for event in events:
        check_event(event, text)


def test_a_fragment_takes_the_pod_the_command_above_it_named() -> None:
    identity = Identity(namespace="payments", pod="settlement-6b8f9d7c5-9xk2r")
    events = read(K8sManifestReader, _text("status-fragment.yaml"), identity=identity).events
    assert {e.entity for e in events} == {Entity("Pod", "settlement-6b8f9d7c5-9xk2r", "payments")}


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        ({"containerStatuses": []}, "Pod"),
        ({"conditions": [{"type": "DiskPressure", "status": "False"}]}, "Node"),
        ({"nodeInfo": {}}, "Node"),
        ({"desiredNumberScheduled": 3, "numberReady": 2}, "DaemonSet"),
        ({"currentRevision": "db-7c9", "replicas": 3}, "StatefulSet"),
        ({"fullyLabeledReplicas": 2, "replicas": 2}, "ReplicaSet"),
        ({"replicas": 3, "updatedReplicas": 1}, "Deployment"),
        ({"failed": 4, "startTime": "2025-01-01T00:00:00Z"}, "Job"),
        ({"phase": "Bound", "accessModes": ["ReadWriteOnce"]}, "PersistentVolumeClaim"),
        ({"phase": "Pending"}, "Pod"),
        ({"observedGeneration": 2}, None),
    ],
)
def test_the_kind_of_a_bare_status_is_inferred_from_its_keys(status: dict[str, Any], kind: str | None) -> None:
    assert infer_kind(status) == kind


@pytest.mark.parametrize(
    "name",
    [
        "k8s-events-corev1.json", "k8s-events-eventsv1.json", "k8s-events.yaml", "k8s-events-watch.json",
        "argocd-app.json", "argocd-apps-list.json", "alertmanager-v2-alerts.json",
        "alertmanager-webhook.json", "prometheus-vector.json", "prometheus-alerts.json",
    ],
)  # fmt: skip
def test_json_and_yaml_of_other_readers_are_not_taken(name: str) -> None:
    """Events, Argo CD Applications and alerts are objects too, read by their own readers."""
    reader, score = sniffed((FORMATS / name).read_text(encoding="utf-8"))
    assert reader != "k8s-manifest" and score > 0.7


@pytest.mark.parametrize(
    "head",
    [
        '{"status": "success", "data": {"resultType": "vector", "result": []}}',
        '{"alerts": [{"status": {"state": "active"}, "labels": {}}]}',
        "status: ok\nmessage: done\n",
        "status:\n  healthy: true\n",
        "Status:  Running\nPhase: x\n",
        '{"kind": "Event", "apiVersion": "v1", "metadata": {}, "involvedObject": {"kind": "Pod"}}',
    ],
)
def test_sniff_rejects_other_heads(head: str) -> None:
    assert K8sManifestReader.sniff(head, "paste.txt") == 0.0


# --- end to end --------------------------------------------------------------------------------


def _top(tmp_path: Path, name: str, text: str) -> tuple[str, list[tuple[str, str]]]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    report = run_triage(TriageOptions(paths=[str(tmp_path / name)], now=NOW)).report
    assert report is not None and report.hypotheses
    by_id = {e.id: e for e in report.evidence}
    top = report.hypotheses[0]
    return top.category, [(by_id[i].source, by_id[i].text) for i in top.evidence if i in by_id]


def test_an_oom_killed_pod_as_yaml_is_diagnosed_as_oom_citing_the_reason_line(tmp_path: Path) -> None:
    category, cited = _top(tmp_path, "pod.yaml", _text("pod-oomkilled.yaml"))
    assert category == "oom"
    assert any(source.endswith("pod.yaml:53") and "reason: OOMKilled" in text for source, text in cited), cited
    assert any(source.endswith("pod.yaml:23") and "memory: 192Mi" in text for source, text in cited), cited


def test_an_oom_killed_pod_as_json_is_diagnosed_as_oom_too(tmp_path: Path) -> None:
    text = json.dumps(yaml.safe_load(_text("pod-oomkilled.yaml")), indent=4) + "\n"
    category, cited = _top(tmp_path, "pod.json", text)
    assert category == "oom"
    assert any('"reason": "OOMKilled"' in text for _, text in cited), cited


# --- never raises ------------------------------------------------------------------------------

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_SKELETON = yaml.safe_load(_text("pod-oomkilled.yaml"))
_PATHS: list[tuple[str | int, ...]] = [
    ("kind",), ("metadata",), ("metadata", "name"), ("metadata", "namespace"), ("spec",),
    ("spec", "nodeName"), ("spec", "containers"), ("spec", "containers", 0),
    ("spec", "containers", 0, "name"), ("spec", "containers", 0, "resources"),
    ("spec", "containers", 0, "resources", "limits"), ("spec", "containers", 0, "resources", "limits", "memory"),
    ("status",), ("status", "phase"), ("status", "reason"), ("status", "message"), ("status", "startTime"),
    ("status", "capacity"), ("status", "conditions"), ("status", "conditions", 1),
    ("status", "conditions", 1, "type"), ("status", "conditions", 1, "status"),
    ("status", "conditions", 1, "lastTransitionTime"), ("status", "conditions", 1, "message"),
    ("status", "containerStatuses"), ("status", "containerStatuses", 0),
    ("status", "containerStatuses", 0, "name"), ("status", "containerStatuses", 0, "restartCount"),
    ("status", "containerStatuses", 0, "lastState"), ("status", "containerStatuses", 0, "lastState", "terminated"),
    ("status", "containerStatuses", 0, "lastState", "terminated", "exitCode"),
    ("status", "containerStatuses", 0, "lastState", "terminated", "reason"),
    ("status", "containerStatuses", 0, "lastState", "terminated", "finishedAt"),
    ("status", "containerStatuses", 0, "state", "waiting"), ("status", "initContainerStatuses"),
]  # fmt: skip
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**4300), st.floats(), _TEXT,
    st.sampled_from(["2025-13-45T99:00:00Z", "0001-01-01T00:00:00Z", "99999-01-01T00:00:00Z", "137", "OOMKilled", "True", "Pod", "Node"]),
)  # fmt: skip
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3), max_leaves=8)
_KINDS = st.sampled_from(["Pod", "Node", "PersistentVolumeClaim", "Deployment", "Job", "Widget", None, 7])


def _damaged(replacements: list[tuple[tuple[str | int, ...], Any]], kind: Any) -> dict[str, Any]:
    obj = copy.deepcopy(_SKELETON)
    obj["kind"] = kind
    for path, value in replacements:
        parent: Any = obj
        for step in path[:-1]:
            parent = _at(parent, step)
        if isinstance(parent, dict) or _at(parent, path[-1]) is not None:
            parent[path[-1]] = value
    return obj


def _at(container: Any, step: str | int) -> Any:
    """`container[step]` where it exists (an earlier replacement may have changed the shape)."""
    if isinstance(container, dict):
        return container.get(step)
    if isinstance(container, list) and isinstance(step, int) and step < len(container):
        return container[step]
    return None


_DAMAGE = st.lists(st.tuples(st.sampled_from(_PATHS), _VALUES), min_size=1, max_size=4)


_TERMINATED = ("status", "containerStatuses", 0, "lastState", "terminated")


@SETTINGS
@given(_DAMAGE, _KINDS)
@example([((*_TERMINATED, "exitCode"), 10**4301)], "Pod")  # `str` refuses such an int
@example([((*_TERMINATED, "finishedAt"), 1e300), (("status", "startTime"), "9999-12-31T23:59:60Z")], "Pod")
@example([(("status", "conditions", 1), {"type": ["Ready"], "status": {"x": 1}})], "Node")
@example([(("spec", "containers", 0, "resources", "limits"), {7: "1Gi", "memory": [1]})], "Pod")
def test_the_adapter_never_raises_on_values_of_any_type(replacements: list, kind: Any) -> None:
    obj = _damaged(replacements, kind)
    ctx = ReadContext(SourceFile("paste.txt"), now=NOW)
    found = described(obj, Locator([], 1, None, 1))
    if found is not None:
        for event in object_events(found, Anchor(NOW, False), ctx, "k8s-manifest"):
            json.dumps(event.attrs, allow_nan=True)


@SETTINGS
@given(_DAMAGE, _KINDS, st.booleans())
def test_damaged_objects_as_json_or_yaml_never_raise(replacements: list, kind: Any, as_json: bool) -> None:
    obj = _damaged(replacements, kind)
    try:
        text = json.dumps(obj, indent=2) if as_json else yaml.safe_dump(obj, allow_unicode=True)
    except ValueError:
        return  # an integer too long for `str`: no tool prints one
    never_raises(K8sManifestReader, text)


@SETTINGS
@given(st.sampled_from(sorted(CASES)).flatmap(lambda name: mutated(_text(name))))
def test_mutated_fixtures_never_raise(text: str) -> None:
    never_raises(K8sManifestReader, text)
