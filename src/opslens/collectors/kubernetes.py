"""Kubernetes: events (core/v1 and events.k8s.io/v1), pods with status, logs of unhealthy
containers, workloads (deployments, replicasets, statefulsets, daemonsets) and nodes.

Files are what `kubectl get KIND -o json` prints (a `List` of typed items), so the
k8s-events and k8s-manifest readers read them; logs are `kubectl logs --timestamps` output
named `<namespace>_<pod>_<container>.log`, the support-bundle convention the readers take a
pod's identity from. ReplicaSets carry the rollout history: each one's revision annotation and
creation time date a revision of its Deployment.

The same Event is served by both APIs; events.k8s.io/v1 items whose uid core/v1 already gave
are dropped, so an Event counts once.
"""

from __future__ import annotations

import time
from typing import Any

from opslens.collectors._k8s_api import SOURCE, ApiStatusError, KubeApi, Resource
from opslens.collectors._kubeconfig import available, load_access
from opslens.collectors.base import CollectContext, Collector, register
from opslens.collectors.errors import CollectError

CORE_EVENTS = Resource("Event", "events")
NEW_EVENTS = Resource("Event", "events", group="events.k8s.io")
NAMESPACED = (
    Resource("Pod", "pods"),
    CORE_EVENTS,
    NEW_EVENTS,
    Resource("Deployment", "deployments", group="apps"),
    Resource("ReplicaSet", "replicasets", group="apps"),
    Resource("StatefulSet", "statefulsets", group="apps"),
    Resource("DaemonSet", "daemonsets", group="apps"),
)
NODES = Resource("Node", "nodes", namespaced=False)
#: Waiting reasons of a container that is merely starting, not unhealthy.
_STARTING = frozenset({"ContainerCreating", "PodInitializing"})


@register
class KubernetesCollector(Collector):
    name = SOURCE
    description = "Kubernetes API: events, pods, logs of unhealthy containers, workloads, nodes"

    @classmethod
    def unconfigured(cls, ctx: CollectContext) -> str | None:
        return available(ctx.settings.kubernetes.kubeconfig)

    def collect(self, ctx: CollectContext) -> None:
        conf = ctx.settings.kubernetes
        access = load_access(conf.kubeconfig, conf.context)
        record = ctx.bundle.source(SOURCE)
        record.endpoint = f"{access.server} ({access.origin}{', context ' + access.context if access.context else ''})"
        namespaces: list[str | None] = [None] if conf.all_namespaces else list(ctx.namespaces or [access.namespace])
        api = KubeApi(access, ctx.ledger, timeout=conf.timeout, max_bytes=conf.max_bytes, transport=ctx.transport)  # type: ignore[arg-type]
        try:
            lists = {res: self._gather(api, ctx, res, namespaces) for res in (*NAMESPACED, NODES)}
            if all(items is None for items in lists.values()):
                first = ctx.bundle.source(SOURCE).cut[0]["reason"]
                raise CollectError(f"no kind could be listed; first: {first}")
            lists[NEW_EVENTS] = _unseen(lists[NEW_EVENTS], lists[CORE_EVENTS], ctx)
            for res, items in lists.items():
                if items:
                    name = "events.k8s.io" if res is NEW_EVENTS else res.plural
                    ctx.bundle.write_json(SOURCE, f"kubernetes/{name}.json", _kubectl_list(items))
                record.counts[res.kubectl_name] = len(items or [])
            # the duplicates' count goes after what was read (progress shows them in this order)
            record.counts["events.k8s.io duplicates of core/v1"] = record.counts.pop("events.k8s.io duplicates of core/v1", 0)
            self._logs(api, ctx, lists[NAMESPACED[0]] or [])
        finally:
            api.close()

    def _gather(self, api: KubeApi, ctx: CollectContext, res: Resource, namespaces: list[str | None]) -> list[dict[str, Any]] | None:
        """All items of `res` over the namespaces; None when none could be listed."""
        conf = ctx.settings.kubernetes
        selector = conf.selector if res.kind in ("Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet") else None
        found: list[dict[str, Any]] | None = None
        for namespace in namespaces if res.namespaced else [None]:
            where = f"{res.kubectl_name}" + (f" in {namespace}" if res.namespaced and namespace else "")
            try:
                listed = api.list(res, namespace, selector=selector, page=conf.page_size, max_items=conf.max_items)
            except ApiStatusError as exc:
                if exc.code == 401:  # the credentials are refused: nothing else will work either
                    raise
                ctx.bundle.cut(SOURCE, where, str(exc))
                continue
            found = (found or []) + listed.items
            if listed.cut:
                ctx.bundle.cut(SOURCE, where, listed.cut)
        return found

    def _logs(self, api: KubeApi, ctx: CollectContext, pods: list[dict[str, Any]]) -> None:
        conf = ctx.settings.kubernetes
        wanted = unhealthy_containers(pods)
        for ns, pod, container, _ in wanted[conf.max_log_containers:]:
            ctx.bundle.cut(SOURCE, f"logs of {ns}/{pod}/{container}", f"over the cap of {conf.max_log_containers} containers whose logs are read")
        since = max(1, int(time.time() - ctx.window.since))
        fetched = 0
        for ns, pod, container, restarts in wanted[: conf.max_log_containers]:
            for previous in (False, True) if restarts else (False,):
                try:
                    data = api.pod_log(ns, pod, container, previous=previous, tail=conf.log_tail_lines,
                                       since_seconds=None if previous else since, limit_bytes=conf.log_max_bytes)
                except ApiStatusError as exc:
                    ctx.bundle.cut(SOURCE, f"{'previous ' if previous else ''}log of {ns}/{pod}/{container}", str(exc))
                    continue
                if data.strip():
                    folder = "kubernetes/logs/previous" if previous else "kubernetes/logs"
                    ctx.bundle.write(SOURCE, f"{folder}/{ns}_{pod}_{container}.log", data)
                    fetched += 1
        ctx.bundle.source(SOURCE).counts["container logs"] = fetched


def unhealthy_containers(pods: list[dict[str, Any]]) -> list[tuple[str, str, str, int]]:
    """(namespace, pod, container, restarts) of containers worth reading the logs of: waiting
    (not merely starting), terminated with an error, not ready while running, restarted, or in
    a failed pod. Most restarted first."""
    out: list[tuple[str, str, str, int]] = []
    for pod in pods:
        meta, status = _dict(pod.get("metadata")), _dict(pod.get("status"))
        failed_pod = status.get("phase") in ("Failed", "Unknown")
        for cs in _items(status.get("initContainerStatuses")) + _items(status.get("containerStatuses")):
            if not isinstance(cs, dict) or not isinstance(cs.get("name"), str):
                continue
            restarts = cs["restartCount"] if isinstance(cs.get("restartCount"), int) and not isinstance(cs["restartCount"], bool) else 0
            if failed_pod or restarts or _unhealthy_state(cs):
                out.append((str(meta.get("namespace") or ""), str(meta.get("name") or ""), str(cs["name"]), restarts))
    out.sort(key=lambda c: -c[3])
    return out


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _unhealthy_state(cs: dict[str, Any]) -> bool:
    state = _dict(cs.get("state"))
    waiting, terminated = state.get("waiting"), state.get("terminated")
    if isinstance(waiting, dict):
        return waiting.get("reason") not in _STARTING
    if isinstance(terminated, dict):
        return terminated.get("exitCode") not in (0, None)
    return "running" in state and cs.get("ready") is False


def _unseen(new: list[dict[str, Any]] | None, core: list[dict[str, Any]] | None, ctx: CollectContext) -> list[dict[str, Any]] | None:
    """events.k8s.io/v1 items core/v1 did not already give (the same Event, two views)."""
    if not new:
        return new
    seen = {_dict(e.get("metadata")).get("uid") for e in core or []}
    kept = [e for e in new if _dict(e.get("metadata")).get("uid") not in seen]
    ctx.bundle.source(SOURCE).counts["events.k8s.io duplicates of core/v1"] = len(new) - len(kept)
    return kept


def _kubectl_list(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The `List` kubectl prints for `get -o json` (several namespaces in one)."""
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}
