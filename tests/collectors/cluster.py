"""Real-shaped objects for the test API server: an incident (a Deployment's new revision whose
pods crash-loop) and a scaled namespace for the bench. Names and values are our own."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from kube_api import Cluster

CORE, APPS, EVENTS_API = "api/v1", "apis/apps/v1", "apis/events.k8s.io/v1"


def ts(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def uid(*parts: object) -> str:
    h = hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def meta(name: str, namespace: str | None, created: float, **extra: Any) -> dict[str, Any]:
    m: dict[str, Any] = {"name": name, "uid": uid(namespace, name), "resourceVersion": "48100", "creationTimestamp": ts(created)}
    if namespace:
        m["namespace"] = namespace
    m.update(extra)
    return m


def deployment(ns: str, name: str, image: str, revision: int, created: float, replicas: int, available: int) -> dict[str, Any]:
    cond = [{"type": "Available", "status": "True" if available >= replicas else "False",
             "reason": "MinimumReplicasAvailable" if available >= replicas else "MinimumReplicasUnavailable",
             "message": "Deployment has minimum availability." if available >= replicas else "Deployment does not have minimum availability.",
             "lastUpdateTime": ts(created), "lastTransitionTime": ts(created)}]
    return {"metadata": meta(name, ns, created, generation=revision, labels={"app": name},
                             annotations={"deployment.kubernetes.io/revision": str(revision)}),
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": name, "image": image}]}}},
            "status": {"observedGeneration": revision, "replicas": replicas, "updatedReplicas": replicas, "readyReplicas": available,
                       "availableReplicas": available, "unavailableReplicas": replicas - available, "conditions": cond}}


def replicaset(ns: str, deploy: str, template_hash: str, image: str, revision: int, created: float, replicas: int) -> dict[str, Any]:
    name = f"{deploy}-{template_hash}"
    owner = [{"apiVersion": "apps/v1", "kind": "Deployment", "name": deploy, "uid": uid(ns, deploy), "controller": True, "blockOwnerDeletion": True}]
    labels = {"app": deploy, "pod-template-hash": template_hash}
    return {"metadata": meta(name, ns, created, labels=labels, ownerReferences=owner,
                             annotations={"deployment.kubernetes.io/revision": str(revision), "deployment.kubernetes.io/desired-replicas": str(replicas)}),
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": deploy, "image": image}]}}},
            "status": {"replicas": replicas, "observedGeneration": 1}}


def pod(ns: str, rs: str, suffix: str, image: str, created: float, node: str, *, crashing: bool, restarts: int = 0, finished: float = 0) -> dict[str, Any]:
    container = rs.rsplit("-", 1)[0]
    name = f"{rs}-{suffix}"
    owner = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "uid": uid(ns, rs), "controller": True}]
    if crashing:
        state = {"waiting": {"reason": "CrashLoopBackOff", "message": f"back-off 5m0s restarting failed container={container} pod={name}_{ns}({uid(ns, name)})"}}
        last = {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": ts(finished - 3), "finishedAt": ts(finished), "containerID": f"containerd://{uid(name)}"}}
        ready, phase = False, "Running"
    else:
        state, last, ready, phase = {"running": {"startedAt": ts(created + 5)}}, {}, True, "Running"
    conditions = [{"type": t, "status": "True" if (ready or t in ("Initialized", "PodScheduled")) else "False", "lastProbeTime": None,
                   "lastTransitionTime": ts(created + 5)} for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")]
    return {"metadata": meta(name, ns, created, generateName=f"{rs}-", labels={"app": container, "pod-template-hash": rs.rsplit("-", 1)[1]}, ownerReferences=owner),
            "spec": {"nodeName": node, "containers": [{"name": container, "image": image, "resources": {"limits": {"memory": "256Mi"}}}]},
            "status": {"phase": phase, "conditions": conditions, "hostIP": "10.0.1.11", "podIP": "10.244.1.23", "startTime": ts(created),
                       "qosClass": "Burstable",
                       "containerStatuses": [{"name": container, "state": state, "lastState": last, "ready": ready, "restartCount": restarts,
                                              "image": image, "imageID": f"{image}@sha256:{hashlib.sha256(image.encode()).hexdigest()}",
                                              "containerID": f"containerd://{uid(name, 'c')}", "started": not crashing}]}}


def event(ns: str, obj_kind: str, obj_name: str, reason: str, message: str, etype: str, first: float, last: float, count: int,
          component: str = "kubelet", host: str | None = "node-1", n: int = 0) -> dict[str, Any]:
    name = f"{obj_name}.{hashlib.sha256(f'{reason}{n}'.encode()).hexdigest()[:16]}"
    involved = {"kind": obj_kind, "namespace": ns, "name": obj_name, "uid": uid(ns, obj_name), "apiVersion": "v1" if obj_kind == "Pod" else "apps/v1"}
    if obj_kind == "Pod":
        involved["fieldPath"] = f"spec.containers{{{obj_name.split('-')[0]}}}"
    source = {"component": component, **({"host": host} if host else {})}
    return {"metadata": meta(name, ns, first), "involvedObject": involved, "reason": reason, "message": message, "source": source,
            "firstTimestamp": ts(first), "lastTimestamp": ts(last), "count": count, "type": etype, "eventTime": None,
            "reportingComponent": component, "reportingInstance": host or ""}


def as_new_api(e: dict[str, Any]) -> dict[str, Any]:
    """The same Event as events.k8s.io/v1 serves it (same uid)."""
    return {"metadata": e["metadata"], "eventTime": None, "reportingController": e["reportingComponent"],
            "reportingInstance": e["reportingInstance"], "action": "", "reason": e["reason"], "regarding": e["involvedObject"],
            "note": e["message"], "type": e["type"], "deprecatedSource": e["source"], "deprecatedFirstTimestamp": e["firstTimestamp"],
            "deprecatedLastTimestamp": e["lastTimestamp"], "deprecatedCount": e["count"]}


def node(name: str, created: float, ready: bool = True) -> dict[str, Any]:
    conds = [{"type": t, "status": "False", "reason": f"KubeletHas{'No' if t != 'PIDPressure' else 'Sufficient'}{t.replace('Pressure', '')}Pressure",
              "message": "kubelet is fine", "lastHeartbeatTime": ts(created), "lastTransitionTime": ts(created)}
             for t in ("MemoryPressure", "DiskPressure", "PIDPressure")]
    conds.append({"type": "Ready", "status": "True" if ready else "False", "reason": "KubeletReady" if ready else "KubeletNotReady",
                  "message": "kubelet is posting ready status", "lastHeartbeatTime": ts(created), "lastTransitionTime": ts(created)})
    return {"metadata": meta(name, None, created, labels={"kubernetes.io/hostname": name}),
            "spec": {"podCIDR": "10.244.1.0/24"},
            "status": {"conditions": conds, "capacity": {"cpu": "4", "memory": "16318436Ki", "pods": "110"},
                       "allocatable": {"cpu": "3920m", "memory": "15167460Ki", "pods": "110"},
                       "nodeInfo": {"kubeletVersion": "v1.31.2", "containerRuntimeVersion": "containerd://1.7.22", "osImage": "Debian GNU/Linux 12 (bookworm)"}}}


def add_event(cluster: Cluster, e: dict[str, Any]) -> None:
    cluster.add(CORE, "events", e)
    cluster.add(EVENTS_API, "events", as_new_api(e))


def shop_incident(now: float) -> Cluster:
    """checkout's revision 2 (image 1.4.2, rolled out 25 minutes ago) crash-loops: its pods
    cannot reach their database; frontend is healthy."""
    c = Cluster()
    ns, new_rs, old_rs = "shop", "checkout-7d9f8b6c5d", "checkout-5f6d7c8b9a"
    rollout = now - 25 * 60
    c.add(APPS, "deployments", deployment(ns, "checkout", "registry.example/checkout:1.4.2", 2, now - 30 * 86400, 3, 1))
    c.add(APPS, "deployments", deployment(ns, "frontend", "registry.example/frontend:2.0.0", 1, now - 30 * 86400, 2, 2))
    c.add(APPS, "replicasets", replicaset(ns, "checkout", "7d9f8b6c5d", "registry.example/checkout:1.4.2", 2, rollout, 3))
    c.add(APPS, "replicasets", replicaset(ns, "checkout", "5f6d7c8b9a", "registry.example/checkout:1.4.1", 1, now - 3 * 86400, 0))
    c.add(APPS, "replicasets", replicaset(ns, "frontend", "6c8d9f7b5a", "registry.example/frontend:2.0.0", 1, now - 30 * 86400, 2))
    for suffix in ("x2k4p", "q8w7n"):
        p = pod(ns, new_rs, suffix, "registry.example/checkout:1.4.2", rollout + 10, "node-1", crashing=True, restarts=6, finished=now - 70)
        c.add(CORE, "pods", p)
        name = p["metadata"]["name"]
        lines = [f"{ts(now - 75 - i * 200)} level=info msg=\"starting checkout\" version=1.4.2" for i in range(3)]
        lines.append(f"{ts(now - 71)} level=error msg=\"cannot connect to database\" addr=payments-db.shop.svc:5432 err=\"dial tcp 10.96.14.2:5432: connect: connection refused\"")
        lines.append(f"{ts(now - 70)} level=fatal msg=\"exiting: database unavailable\"")
        c.logs[(ns, name, "checkout", True)] = "\n".join(lines) + "\n"
        c.logs[(ns, name, "checkout", False)] = f"{ts(now - 5)} level=info msg=\"starting checkout\" version=1.4.2\n"
        add_event(c, event(ns, "Pod", name, "BackOff", "Back-off restarting failed container checkout in pod " + f"{name}_{ns}({uid(ns, name)})",
                           "Warning", rollout + 60, now - 30, 48, n=1))
        add_event(c, event(ns, "Pod", name, "Pulled", 'Container image "registry.example/checkout:1.4.2" already present on machine',
                           "Normal", rollout + 15, now - 75, 7, n=2))
    c.add(CORE, "pods", pod(ns, "frontend-6c8d9f7b5a", "m3n4b", "registry.example/frontend:2.0.0", now - 30 * 86400, "node-1", crashing=False))
    add_event(c, event(ns, "Deployment", "checkout", "ScalingReplicaSet", f"Scaled up replica set {new_rs} to 1", "Normal",
                       rollout, rollout, 1, component="deployment-controller", host=None, n=3))
    add_event(c, event(ns, "Deployment", "checkout", "ScalingReplicaSet", f"Scaled down replica set {old_rs} to 0 from 1", "Normal",
                       rollout + 40, rollout + 40, 1, component="deployment-controller", host=None, n=4))
    c.add(CORE, "nodes", node("node-1", now - 90 * 86400))
    return c


def scaled_namespace(now: float, pods: int = 200, events: int = 5000, crashing_every: int = 10) -> Cluster:
    """One namespace of `pods` pods (every `crashing_every`-th crash-looping) and `events` events."""
    c = Cluster()
    ns = "load"
    for d in range(pods // 10):
        name, tmpl = f"svc{d:02d}", hashlib.sha256(str(d).encode()).hexdigest()[:10]
        c.add(APPS, "deployments", deployment(ns, name, f"registry.example/{name}:1.0.{d}", 1, now - 86400, 10, 9))
        c.add(APPS, "replicasets", replicaset(ns, name, tmpl, f"registry.example/{name}:1.0.{d}", 1, now - 3600, 10))
        for i in range(10):
            n = d * 10 + i
            crashing = n % crashing_every == 0
            p = pod(ns, f"{name}-{tmpl}", f"p{n:04d}", f"registry.example/{name}:1.0.{d}", now - 3600, f"node-{n % 5}",
                    crashing=crashing, restarts=3 if crashing else 0, finished=now - 60)
            c.add(CORE, "pods", p)
            if crashing:
                pname = p["metadata"]["name"]
                c.logs[(ns, pname, name, True)] = "".join(f"{ts(now - 120 + k)} level=error msg=\"request failed\" n={k}\n" for k in range(50))
                c.logs[(ns, pname, name, False)] = f"{ts(now - 5)} level=info msg=starting\n"
    pod_names = [p["metadata"]["name"] for p in c.objects[(CORE, "pods")]]
    for k in range(events):
        target = pod_names[k % len(pod_names)]
        reason, etype = (("BackOff", "Warning") if k % 3 == 0 else ("Unhealthy", "Warning") if k % 3 == 1 else ("Pulled", "Normal"))
        add_event(c, event(ns, "Pod", target, reason, f"{reason} for {target} (#{k})", etype, now - 3000 + k % 2900, now - 60, 1 + k % 7, n=k))
    for i in range(5):
        c.add(CORE, "nodes", node(f"node-{i}", now - 90 * 86400))
    return c
