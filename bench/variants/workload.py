"""Workloads and their lifecycle: pods, request traffic, rollouts and crash loops.

These helpers write what Kubernetes itself would record for each step (ScalingReplicaSet,
SuccessfulCreate, Scheduled/Pulled/Created/Started, BackOff, Killing) with the counts and
first/last timestamps of aggregated events, plus the kubelet and runtime journal lines.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.variants import applog, clock
from bench.variants.bundle import Bundle
from bench.variants.platforms import Node

Outcome = Callable[[float, int, str], tuple[int, float] | None]


@dataclass
class Workload:
    """A Deployment (or StatefulSet) and its current pods."""

    ns: str
    name: str
    stack: str
    container: str
    image: str
    rs: str
    pods: list[str]
    nodes: list[Node]
    ips: list[str]
    uids: list[str]
    cri: bool
    paths: list[tuple[str, str]]
    port: int = 8080
    kind: str = "Deployment"
    alive: list[tuple[float, float]] = field(default_factory=list)
    stream: str = "stdout"
    since: list[float] = field(default_factory=list)  # container start times (describe's Start Time)

    @property
    def rs_hash(self) -> str:
        """The pod-template-hash of the current ReplicaSet."""
        return self.rs.rsplit("-", 1)[-1]

    def log(self, b: Bundle, i: int):
        """The log file of pod i's main container."""
        return b.log(self.ns, self.pods[i], self.container, self.cri)


def add_workload(b: Bundle, ns: str, name: str, stack: str, tag: str, replicas: int = 3,
                 cri: bool = True, paths: list[tuple[str, str]] | None = None, port: int = 8080,
                 kind: str = "Deployment", container: str | None = None, repo: str | None = None,
                 node_offset: int = 0, image: str | None = None) -> Workload:
    """A workload whose pods have been running since before the bundle window."""
    rs = f"{name}-{b.rs_hash()}" if kind == "Deployment" else name
    if kind == "StatefulSet":
        pods = [f"{name}-{i}" for i in range(replicas)]
    elif kind == "DaemonSet":
        pods = [f"{name}-{b.pod_suffix()}" for _ in range(replicas)]
    else:
        pods = [f"{rs}-{b.pod_suffix()}" for _ in range(replicas)]
    nodes = [b.node(node_offset + i) for i in range(replicas)]
    return Workload(ns, name, stack, container or name, image or b.image(repo or f"services/{name}", tag), rs, pods,
                    nodes, [b.pod_ip() for _ in pods], [b.uid() for _ in pods], cri,
                    paths or [("GET", "/healthz")], port, kind,
                    [(b.start - 86400 * 3, b.end + 60)] * replicas, since=[b.start - 86400 * 3 - 40 * i for i in range(replicas)])


def traffic(b: Bundle, w: Workload, per_min: float, outcome: Outcome | None = None,
            ingress: tuple[Workload, str] | None = None, t0: float | None = None,
            t1: float | None = None, log_ok: bool = True) -> None:
    """Requests to `w` over its pods' lifetimes; `outcome(t, pod, path)` -> (status, ms) or None."""
    rng = b.rng
    lo, hi = t0 or b.start, t1 or b.end
    per_pod = per_min / 60.0 / max(1, len(w.pods))
    for i, pod in enumerate(w.pods):
        since, until = w.alive[i]
        t = max(lo, since) + rng.expovariate(per_pod)
        while t < min(hi, until):
            method, path = rng.choice(w.paths)
            res = outcome(t, i, path) if outcome else (200, rng.lognormvariate(3.0, 0.5))
            if res is not None:
                status, ms = res
                req = applog.Req(t, method, path, status, ms, f"{b.platform.pod_prefix}{rng.randint(0, 60)}.{rng.randint(2, 250)}",
                                 w.ips[i], w.name, b.hexid(32), pod)
                if log_ok or status >= 400:
                    w.log(b, i).add(t, applog.FORMATS[w.stack](req, rng), w.stream)
                if ingress and not path.startswith(("/health", "/ready", "/live", "/actuator", "/up")):
                    ing, kind = ingress
                    req.client = f"{b.platform.node_ip_prefix}{rng.randint(2, 9)}" if kind != "envoy" else req.client
                    ing.log(b, rng.randrange(len(ing.pods))).add(
                        t + ms / 1000, applog.ingress_line(kind, req, rng, w.ns, w.name, w.port))
            t += rng.expovariate(per_pod)


def start_pod_events(b: Bundle, w: Workload, i: int, t: float, pulled: bool = True) -> float:
    """Scheduled, Pulling/Pulled, Created, Started for pod i; returns the Started time."""
    pod, node = w.pods[i], w.nodes[i]
    b.event(w.ns, "Pod", pod, "Scheduled", f"Successfully assigned {w.ns}/{pod} to {node.name}", t,
            component="default-scheduler")
    t += b.rng.uniform(0.8, 2.0)
    fp = f"spec.containers{{{w.container}}}"
    if pulled:
        b.event(w.ns, "Pod", pod, "Pulling", f'Pulling image "{w.image}"', t, field_path=fp, host=node.name)
        dur = b.rng.uniform(2.5, 9.0)
        t += dur
        size = b.rng.randint(40_000_000, 420_000_000)
        b.event(w.ns, "Pod", pod, "Pulled",
                f'Successfully pulled image "{w.image}" in {dur:.3f}s ({dur:.3f}s including waiting). '
                f"Image size: {size} bytes.", t, field_path=fp, host=node.name)
    else:
        b.event(w.ns, "Pod", pod, "Pulled", f'Container image "{w.image}" already present on machine', t,
                field_path=fp, host=node.name)
    t += 0.4
    b.event(w.ns, "Pod", pod, "Created", f"Created container {w.container}", t, field_path=fp, host=node.name)
    t += 0.3
    b.event(w.ns, "Pod", pod, "Started", f"Started container {w.container}", t, field_path=fp, host=node.name)
    b.kubelet(node, t, "kubelet.go:2474", f'"SyncLoop (PLEG): event for pod" pod="{w.ns}/{pod}" '
              f'event={{"ID":"{w.uids[i]}","Type":"ContainerStarted","Data":"{b.hexid(64)}"}}')
    return t


def rollout(b: Bundle, old: Workload, tag: str, t: float, start: Callable[[Workload, int, float], None] | None = None,
            surge_gap: float = 25.0, stall: int | None = None, pulled: bool = True) -> Workload:
    """A RollingUpdate of `old` to image `tag` starting at t: events, new pods, old pods killed.

    stall=k: only k new pods are created and no old pod is removed (maxSurge k, maxUnavailable 0,
    new pods never Ready), as a rollout whose new version cannot start looks.
    """
    new_rs = f"{old.name}-{b.rs_hash()}"
    image = old.image.rsplit(":", 1)[0] + ":" + tag
    n = len(old.pods)
    new = Workload(old.ns, old.name, old.stack, old.container, image, new_rs,
                   [f"{new_rs}-{b.pod_suffix()}" for _ in range(n)], [b.node(b.rng.randrange(9)) for _ in range(n)],
                   [b.pod_ip() for _ in range(n)], [b.uid() for _ in range(n)], old.cri, old.paths, old.port,
                   alive=[(0.0, 0.0)] * n, stream=old.stream, since=[0.0] * n)
    for i in range(n if stall is None else stall):
        ts = t + i * surge_gap
        b.event(old.ns, "Deployment", old.name, "ScalingReplicaSet",
                f"Scaled up replica set {new_rs} to {i + 1} from {i}", ts, component="deployment-controller",
                api_version="apps/v1")
        b.event(old.ns, "ReplicaSet", new_rs, "SuccessfulCreate", f"Created pod: {new.pods[i]}", ts + 0.1,
                component="replicaset-controller", api_version="apps/v1")
        started = start_pod_events(b, new, i, ts + 0.2, pulled=pulled)
        new.alive[i] = (started, b.end + 60)
        new.since[i] = started
        if start:
            start(new, i, started)
        if stall is not None:
            continue
        kill = started + b.rng.uniform(8, 14)
        b.event(old.ns, "Deployment", old.name, "ScalingReplicaSet",
                f"Scaled down replica set {old.rs} to {n - i - 1} from {n - i}", kill,
                component="deployment-controller", api_version="apps/v1")
        b.event(old.ns, "ReplicaSet", old.rs, "SuccessfulDelete", f"Deleted pod: {old.pods[i]}", kill + 0.1,
                component="replicaset-controller", api_version="apps/v1")
        b.event(old.ns, "Pod", old.pods[i], "Killing", f"Stopping container {old.container}", kill + 0.3,
                field_path=f"spec.containers{{{old.container}}}", host=old.nodes[i].name)
        old.alive[i] = (old.alive[i][0], kill + 0.3)
    return new


def backoff_schedule(first_start: float, run_for: float, until: float) -> list[tuple[float, float]]:
    """(start, exit) of each attempt under kubelet's 10s-doubling, 5-minute-capped back-off."""
    attempts, start, delay = [], first_start, 10.0
    while start < until:
        end = start + run_for
        attempts.append((start, end))
        start = end + delay + 0.6
        delay = min(delay * 2, 300.0)
    return attempts


def crashloop(b: Bundle, w: Workload, i: int, first_start: float, run_for: float, exit_code: int,
              reason: str, on_attempt: Callable[[float, float, int], None], until: float | None = None,
              created_msg: bool = True) -> list[tuple[float, float]]:
    """Pod i of `w` crash-loops from `first_start`; writes events, journal lines and logs."""
    until = until or b.end
    attempts = backoff_schedule(first_start, run_for, until)
    pod, node, uid = w.pods[i], w.nodes[i], w.uids[i]
    fp = f"spec.containers{{{w.container}}}"
    for k, (s, e) in enumerate(attempts):
        on_attempt(s, min(e, until), k)
        if e >= until:
            continue
        cid = b.hexid(64)
        b.runtime(node, s - 0.5, "info", f"CreateContainer within sandbox \\\"{b.hexid(64)}\\\" for "
                  f"&ContainerMetadata{{Name:{w.container},Attempt:{k + 1},}} returns container id \\\"{cid}\\\"")
        b.runtime(node, e + 0.05, "info", f"shim disconnected id={cid} namespace=k8s.io")
        b.kubelet(node, e + 0.4, "generic.go:334", f'"Generic (PLEG): container finished" podID="{uid}" '
                  f'containerID="{cid}" exitCode={exit_code}')
    n = len(attempts)
    if n > 1:
        starts = [s for s, _ in attempts[1:]]
        b.event(w.ns, "Pod", pod, "Pulled", f'Container image "{w.image}" already present on machine',
                starts[0] - 0.8, starts[-1] - 0.8, len(starts), field_path=fp, host=node.name)
        if created_msg:
            b.event(w.ns, "Pod", pod, "Created", f"Created container {w.container}", starts[0] - 0.5,
                    starts[-1] - 0.5, len(starts), field_path=fp, host=node.name)
            b.event(w.ns, "Pod", pod, "Started", f"Started container {w.container}", starts[0],
                    starts[-1], len(starts), field_path=fp, host=node.name)
    waits = [(e, attempts[k + 1][0] if k + 1 < n else until) for k, (_, e) in enumerate(attempts) if e < until]
    backoffs = [t for e, nxt in waits for t in _ticks(e + 1.0, nxt, 11.0)]
    if backoffs:
        b.event(w.ns, "Pod", pod, "BackOff",
                f"Back-off restarting failed container {w.container} in pod {pod}_{w.ns}({uid})",
                backoffs[0], backoffs[-1], len(backoffs), type_="Warning", field_path=fp, host=node.name)
        delay = 10
        for e, _next_start in waits[:8]:
            b.kubelet(node, e + 1.1, "pod_workers.go:1301",
                      f'"Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"{w.container}\\" '
                      f'with CrashLoopBackOff: \\"back-off {clock.go_duration(delay)} '
                      f'restarting failed container={w.container} pod={pod}_{w.ns}({uid})\\"" pod="{w.ns}/{pod}" podUID="{uid}"',
                      level="E")
            delay = min(delay * 2, 300)
    return attempts


def _ticks(lo: float, hi: float, every: float) -> list[float]:
    n = max(0, math.floor((hi - lo) / every))
    return [lo + k * every for k in range(n)]


def restarts_at(attempts: list[tuple[float, float]], t: float) -> int:
    """Restart count shown at time t (attempts that have started minus the first)."""
    return max(0, sum(1 for s, _ in attempts if s <= t) - 1)
