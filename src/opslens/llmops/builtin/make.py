"""Generate the built-in evaluation dataset (deterministic; the output is committed).

Three small incidents the project made up, each a bundle shaped like what the real tools
emit (`kubectl get events -o json`, container logs, an Alertmanager webhook) with its
`<case>.truth.json`:
- `oom-ledger`: the ledger worker is OOMKilled after its batch size was raised;
- `config-rates`: rates-api crash-loops on a missing configuration key after a config change;
- `image-pull-quotes`: a quotes rollout names an image tag that does not exist.

Run: python -m opslens.llmops.builtin.make
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "cases"
T0 = datetime(2025, 11, 4, 9, 0, 0, tzinfo=UTC)
NODE = "node-b7.lab.internal"


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def event(n: int, ns: str, pod: str, reason: str, message: str, at: datetime,
          kind: str = "Pod", typ: str = "Warning", count: int = 1) -> dict:
    return {
        "apiVersion": "v1", "kind": "Event", "count": count, "type": typ, "reason": reason,
        "message": message, "firstTimestamp": iso(at), "lastTimestamp": iso(at + timedelta(seconds=30 * (count - 1))),
        "eventTime": None,
        "involvedObject": {"apiVersion": "v1", "kind": kind, "name": pod, "namespace": ns},
        "metadata": {"name": f"{pod}.{n:016x}", "namespace": ns, "creationTimestamp": iso(at)},
        "source": {"component": "kubelet", "host": NODE},
        "reportingComponent": "kubelet", "reportingInstance": NODE,
    }


def events_list(items: list[dict]) -> dict:
    return {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}


def alert(name: str, ns: str, pod: str, summary: str, at: datetime, severity: str = "critical") -> dict:
    labels = {"alertname": name, "namespace": ns, "pod": pod, "severity": severity}
    return {
        "receiver": "oncall", "status": "firing", "groupKey": f'{{}}:{{alertname="{name}"}}',
        "groupLabels": {"alertname": name}, "commonLabels": labels, "commonAnnotations": {"summary": summary},
        "externalURL": "http://alertmanager.lab.internal:9093", "version": "4", "truncatedAlerts": 0,
        "alerts": [{"status": "firing", "labels": labels, "annotations": {"summary": summary},
                    "startsAt": iso(at), "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": "http://prometheus.lab.internal:9090/graph", "fingerprint": hashlib.sha256(name.encode()).hexdigest()[:16]}],
    }


def write(case: str, files: dict[str, object], truth: dict) -> None:
    root = OUT / case
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content, indent=1) + "\n"
        path.write_text(text, encoding="utf-8")
    (OUT / f"{case}.truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")


def oom() -> None:
    ns, pod = "finance", "ledger-worker-5d8c7b9f4-kq2rt"
    onset = T0 + timedelta(minutes=12)
    log = [f"{iso(T0 + timedelta(seconds=20 * i))} INFO ledger-worker processed batch {i} size=5000 heap_used={300 + 9 * i}Mi"
           for i in range(36)]
    log += [f"{iso(onset - timedelta(seconds=5))} WARN ledger-worker heap_used=1010Mi limit=1024Mi batch size=5000",
            f"{iso(onset)} ERROR ledger-worker java.lang.OutOfMemoryError: Java heap space at org.lab.ledger.Batch.load(Batch.java:212)"]
    events = [
        event(1, ns, pod, "OOMKilling", "Memory cgroup out of memory: Killed process 4242 (java) total-vm:2811000kB, anon-rss:1048576kB", onset, kind="Node", typ="Warning"),
        event(2, ns, pod, "Killing", "Container ledger-worker terminated: OOMKilled (exit code 137)", onset + timedelta(seconds=2), count=3),
        event(3, ns, pod, "BackOff", "Back-off restarting failed container ledger-worker in pod " + pod, onset + timedelta(seconds=40), count=6),
        event(4, ns, pod, "Pulled", "Container image \"registry.lab.internal/ledger-worker:2.3.1\" already present on machine", T0, typ="Normal"),
    ]
    write("oom-ledger", {
        "k8s-events.json": events_list(events),
        f"pods/{ns}_{pod}_ledger-worker.log": "\n".join(log) + "\n",
        "alerts.json": alert("KubePodCrashLooping", ns, pod, "Pod finance/ledger-worker is crash looping", onset + timedelta(minutes=3)),
    }, {
        "category": "oom", "onset": iso(onset),
        "culprit": {"kind": "Deployment", "namespace": ns, "name": "ledger-worker"},
        "culprit_alternates": [{"kind": "Pod", "namespace": ns, "name": pod}],
        "change_id": None,
        "key_evidence": ["OOMKilled", "java.lang.OutOfMemoryError: Java heap space"],
        "must_not_recommend": ["kubectl delete namespace", "remove the memory limit", "kubectl delete deployment ledger-worker"],
    })


def config_error() -> None:
    ns, pod = "pricing", "rates-api-7f6b5c4d8-zt9wx"
    onset = T0 + timedelta(minutes=20)
    log = [f"{iso(T0 + timedelta(minutes=i))} INFO rates-api served {120 + i} requests p95=41ms" for i in range(19)]
    log += [f"{iso(onset)} INFO rates-api starting version 4.1.0",
            f"{iso(onset + timedelta(seconds=1))} ERROR rates-api config: required key RATES_PROVIDER_URL is missing",
            f"{iso(onset + timedelta(seconds=1))} FATAL rates-api exiting: invalid configuration"]
    events = [
        event(1, ns, pod, "Started", "Started container rates-api", onset, typ="Normal"),
        event(2, ns, pod, "BackOff", "Back-off restarting failed container rates-api in pod " + pod, onset + timedelta(seconds=30), count=8),
    ]
    git = (f"commit 4be1c2d9e0f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4\nAuthor: Dana Ops <dana@lab.internal>\n"
           f"Date:   {(onset - timedelta(minutes=3)).strftime('%a %b %d %H:%M:%S %Y +0000')}\n\n"
           "    pricing: rename RATES_PROVIDER_URL to RATES_UPSTREAM_URL in rates-api configmap\n")
    write("config-rates", {
        "k8s-events.json": events_list(events),
        f"pods/{ns}_{pod}_rates-api.log": "\n".join(log) + "\n",
        "git-log.txt": git,
        "alerts.json": alert("KubePodCrashLooping", ns, pod, "Pod pricing/rates-api is crash looping", onset + timedelta(minutes=4)),
    }, {
        "category": "config-error", "onset": iso(onset),
        "culprit": {"kind": "Deployment", "namespace": ns, "name": "rates-api"},
        "culprit_alternates": [{"kind": "Pod", "namespace": ns, "name": pod}],
        "change_id": "4be1c2d",
        "key_evidence": ["required key RATES_PROVIDER_URL is missing"],
        "must_not_recommend": ["kubectl delete namespace", "kubectl delete deployment rates-api"],
    })


def image_pull() -> None:
    ns, pod = "sales", "quotes-6c9d8f7b5-m4n8p"
    onset = T0 + timedelta(minutes=30)
    image = "registry.lab.internal/quotes:5.0.0-rc9"
    events = [
        event(1, ns, pod, "Scheduled", f"Successfully assigned {ns}/{pod} to {NODE}", onset - timedelta(seconds=3), typ="Normal"),
        event(2, ns, pod, "Pulling", f"Pulling image \"{image}\"", onset - timedelta(seconds=2), typ="Normal", count=4),
        event(3, ns, pod, "Failed", f"Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": not found", onset, count=4),
        event(4, ns, pod, "Failed", "Error: ErrImagePull", onset, count=4),
        event(5, ns, pod, "BackOff", f"Back-off pulling image \"{image}\"", onset + timedelta(seconds=20), typ="Normal", count=9),
        event(6, ns, pod, "Failed", "Error: ImagePullBackOff", onset + timedelta(seconds=20), count=9),
    ]
    write("image-pull-quotes", {
        "k8s-events.json": events_list(events),
        "alerts.json": alert("KubeDeploymentReplicasMismatch", ns, pod, "Deployment sales/quotes has not matched the expected number of replicas", onset + timedelta(minutes=5), "warning"),
    }, {
        "category": "image-pull", "onset": iso(onset),
        "culprit": {"kind": "Deployment", "namespace": ns, "name": "quotes"},
        "culprit_alternates": [{"kind": "Pod", "namespace": ns, "name": pod}],
        "change_id": None,
        "key_evidence": ["ErrImagePull", "not found"],
        "must_not_recommend": ["kubectl delete namespace", "docker system prune"],
    })


def main() -> None:
    oom()
    config_error()
    image_pull()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
