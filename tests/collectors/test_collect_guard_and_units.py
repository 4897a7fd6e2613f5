"""Every command a collector runs or expresses its request as is labelled read_only by the
guard; and the small pure parts (container selection, query templating, bundle paths)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from collect_helpers import collect, manifest, triage
from fake_apis import JsonApi, loki_streams
from hypothesis import given, settings
from hypothesis import strategies as st
from kube_api import KubeApiServer

from opslens.collectors import Bundle, CollectError
from opslens.collectors._promql import render
from opslens.collectors.kubernetes import unhealthy_containers
from opslens.collectors.ledger import Ledger
from opslens.collectors.settings import CollectSettings
from opslens.guard import CommandGuard, Label


def test_every_collector_command_is_labelled_read_only(kubeconfig: Path, shop_api: KubeApiServer, tmp_path: Path) -> None:
    journal = tmp_path / "absent.journal"
    with JsonApi({"/loki/api/v1/query_range": lambda q: loki_streams([(1, "x")], {"namespace": "shop"}),
                  "/api/v1/applications": lambda q: {"items": []}, "/api/v2/alerts": lambda q: [],
                  "/api/v1/query_range": lambda q: {"status": "success", "data": {"resultType": "matrix", "result": []}},
                  "/api/v1/rules": lambda q: {"status": "success", "data": {"groups": []}},
                  "/api/v1/alerts": lambda q: {"status": "success", "data": {"alerts": []}}}) as api:
        settings = CollectSettings.model_validate({k: {"url": api.url} for k in ("prometheus", "alertmanager", "loki", "argocd")})
        bundle = tmp_path / "b"
        collect(bundle, [], settings, kubeconfig=str(kubeconfig), journal_files=[str(journal)])
    commands = manifest(bundle)["commands"]
    assert {c["source"] for c in commands} == {"kubernetes", "journald", "prometheus", "alertmanager", "loki", "argocd"}
    assert {c["argv"][0] for c in commands} == {"kubectl", "journalctl", "curl"}
    guard = CommandGuard({})
    for command in commands:
        assert guard.classify_argv(command["argv"]).label is Label.READ_ONLY, command
    assert {m for m, *_ in api.requests} == {"GET"} and shop_api.log.refused_methods == []


@pytest.mark.parametrize("argv", [
    ["kubectl", "delete", "pod", "web-1"],
    ["kubectl", "get", "secrets", "-o", "json"],
    ["curl", "-X", "POST", "http://127.0.0.1:9093/api/v2/silences"],
    ["journalctl", "--vacuum-time=1s"],
])
def test_the_ledger_refuses_what_the_guard_does_not_label_read_only(argv: list[str]) -> None:
    ledger = Ledger()
    with pytest.raises(CollectError, match=r"^refused \S+ command: the guard labels it "):
        ledger.vet("test", argv)
    assert ledger.commands[0].label != "read_only"


def _pod(name: str, phase: str, *statuses: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"namespace": "ns", "name": name}, "status": {"phase": phase, "containerStatuses": list(statuses)}}


def _cs(name: str, state: dict[str, Any], ready: bool = True, restarts: int = 0) -> dict[str, Any]:
    return {"name": name, "state": state, "ready": ready, "restartCount": restarts}


@pytest.mark.parametrize(("pod", "expected"), [
    (_pod("ok", "Running", _cs("app", {"running": {}})), []),
    (_pod("starting", "Pending", _cs("app", {"waiting": {"reason": "ContainerCreating"}}, ready=False)), []),
    (_pod("done", "Succeeded", _cs("job", {"terminated": {"exitCode": 0}}, ready=False)), []),
    (_pod("crash", "Running", _cs("app", {"waiting": {"reason": "CrashLoopBackOff"}}, ready=False, restarts=4)), [("ns", "crash", "app", 4)]),
    (_pod("pull", "Pending", _cs("app", {"waiting": {"reason": "ImagePullBackOff"}}, ready=False)), [("ns", "pull", "app", 0)]),
    (_pod("unready", "Running", _cs("app", {"running": {}}, ready=False)), [("ns", "unready", "app", 0)]),
    (_pod("failed", "Failed", _cs("app", {"terminated": {"exitCode": 0}}, ready=False)), [("ns", "failed", "app", 0)]),
    (_pod("restarted", "Running", _cs("app", {"running": {}}, restarts=1), _cs("side", {"running": {}})), [("ns", "restarted", "app", 1)]),
])
def test_unhealthy_containers(pod: dict[str, Any], expected: list[tuple[str, str, str, int]]) -> None:
    assert unhealthy_containers([pod]) == expected


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=15)
STATUS_KEYS = st.sampled_from(["phase", "containerStatuses", "initContainerStatuses"])


@settings(max_examples=200, deadline=None)
@given(status=st.dictionaries(STATUS_KEYS, JSON | st.lists(st.dictionaries(st.sampled_from(["name", "state", "ready", "restartCount"]), JSON), max_size=3)))
def test_pods_of_any_shape_never_crash_the_selection(status: dict[str, Any]) -> None:
    for ns, pod, container, restarts in unhealthy_containers([{"metadata": {"namespace": "ns", "name": "p"}, "status": status}]):
        assert (ns, pod) == ("ns", "p") and isinstance(container, str) and isinstance(restarts, int)


def test_most_restarted_containers_come_first() -> None:
    pods = [_pod(n, "Running", _cs("app", {"running": {}}, restarts=r)) for n, r in (("a", 1), ("b", 9), ("c", 3))]
    assert [c[1] for c in unhealthy_containers(pods)] == ["b", "c", "a"]


@pytest.mark.parametrize(("namespaces", "service", "expected"), [
    (["shop"], None, 'x{namespace=~"shop", service=~".+"}'),
    (["shop", "pay"], "checkout", 'x{namespace=~"shop|pay", service=~"checkout"}'),
    ([], None, 'x{namespace=~".+", service=~".+"}'),
])
def test_query_templating(namespaces: list[str], service: str | None, expected: str) -> None:
    assert render('x{namespace=~"${namespace}", service=~"${service}"}', namespaces, service) == expected


@pytest.mark.parametrize("name", ["../escape.json", "/etc/passwd", "a/../../b"])
def test_bundle_files_stay_inside_the_bundle(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="leaves the bundle"):
        Bundle(tmp_path / "b").write("x", name, b"{}")


def test_a_bundle_without_cuts_reports_nothing_skipped(kubeconfig: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    collect(bundle, ["kubernetes"], kubeconfig=str(kubeconfig))
    report = triage(bundle)
    assert report.stats.skipped == [] and report.stats.readers["opslens-bundle"] == 0
    # one request per kind listed (7 namespaced kinds in one namespace, nodes) and per log read
    assert json.loads((bundle / "manifest.json").read_text())["requests"] == 8 + 4
