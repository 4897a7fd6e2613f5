"""A small builder of incident bundles in native formats, for detector tests.

Each bundle has an hour of healthy background (request logs, a chronic readiness-probe warning
on an unrelated workload, a long-firing unrelated alert) and then the incident, written the way
the real tools write it (kubelet/kernel/runtime wording, Kubernetes event reasons, Alertmanager
and Prometheus payloads, git/Argo CD history).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2025, 5, 20, 9, 0, 0, tzinfo=UTC)
INCIDENT = START + timedelta(minutes=40)
END = START + timedelta(minutes=70)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


@dataclass
class Bundle:
    root: Path
    seed: int = 3
    pods: dict[str, list[tuple[datetime, str]]] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    journal: list[dict] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)
    series: list[dict] = field(default_factory=list)
    commits: list[tuple[str, datetime, str, list[str]]] = field(default_factory=list)
    syncs: list[tuple[str, str, datetime, str]] = field(default_factory=list)
    histories: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.background()

    # -- writers of single records -------------------------------------------------------
    def log(self, ns: str, pod: str, container: str, t: datetime, text: str) -> None:
        self.pods.setdefault(f"{ns}_{pod}_{container}.log", []).append((t, text))

    def json_log(self, ns: str, pod: str, container: str, t: datetime, level: str, msg: str, **fields: object) -> None:
        rec = {"time": iso(t), "level": level, "msg": msg, **fields}
        self.log(ns, pod, container, t, json.dumps(rec))

    def event(self, kind: str, name: str, ns: str | None, reason: str, message: str, t: datetime,
              type_: str = "Warning", count: int = 1, last: datetime | None = None, component: str = "kubelet") -> None:
        self.events.append({
            "apiVersion": "v1", "kind": "Event", "type": type_, "reason": reason, "message": message, "count": count,
            "firstTimestamp": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "lastTimestamp": (last or t).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "involvedObject": {"kind": kind, "name": name, **({"namespace": ns} if ns else {})},
            "metadata": {"name": f"{name}.{self.rng.getrandbits(40):x}", "namespace": ns or "default"},
            "source": {"component": component},
        })

    def journal_line(self, host: str, ident: str, t: datetime, message: str, priority: int = 6, transport: str = "stdout") -> None:
        self.journal.append({"__REALTIME_TIMESTAMP": str(int(t.timestamp() * 1e6)), "_HOSTNAME": host, "PRIORITY": str(priority),
                             "SYSLOG_IDENTIFIER": ident, "_TRANSPORT": transport, "MESSAGE": message})

    def alert(self, name: str, t: datetime, summary: str, severity: str = "warning", **labels: str) -> None:
        self.alerts.append({"status": "firing", "labels": {"alertname": name, "severity": severity, **labels},
                            "annotations": {"summary": summary, "description": summary}, "startsAt": iso(t),
                            "endsAt": "0001-01-01T00:00:00Z", "fingerprint": f"{self.rng.getrandbits(64):016x}"})

    def metric(self, name: str, fn, **labels: str) -> None:
        values, t = [], START
        while t <= END:
            values.append([t.timestamp(), f"{fn(t):.6g}"])
            t += timedelta(seconds=30)
        self.series.append({"metric": {"__name__": name, **labels}, "values": values})

    def commit(self, subject: str, t: datetime, files: list[str]) -> str:
        sha = f"{self.rng.getrandbits(160):040x}"
        self.commits.append((sha, t, subject, files))
        return sha

    def sync(self, app: str, ns: str, t: datetime) -> str:
        rev = f"{self.rng.getrandbits(160):040x}"
        self.syncs.append((app, ns, t, rev))
        return rev

    def rollout(self, ns: str, deploy: str, old_rs: str, new_rs: str, t: datetime) -> None:
        self.event("Deployment", deploy, ns, "ScalingReplicaSet", f"Scaled up replica set {deploy}-{new_rs} to 1 from 0", t, "Normal", component="deployment-controller")
        self.event("Deployment", deploy, ns, "ScalingReplicaSet", f"Scaled down replica set {deploy}-{old_rs} to 0 from 1", t + timedelta(seconds=40), "Normal", component="deployment-controller")

    def rollout_history(self, resources: dict[str, list[str]]) -> None:
        """`kubectl rollout history` of several deployments: undated revisions (the real command
        prints no times). `resources` maps `deployment.apps/<name>` to change causes."""
        self.histories = resources

    # -- background ------------------------------------------------------------------------
    def background(self) -> None:
        rng = self.rng
        t = START
        while t < END:
            self.json_log("shop", "catalog-7b9d8c6f5-q2w4e", "catalog", t, "info", "request completed",
                          method="GET", path=f"/products/{rng.randint(1, 9999)}", status=200, duration_ms=rng.randint(3, 40))
            self.log("web", "frontend-5c8d7f9b6-x7k2p", "nginx", t,
                     f'10.1.{rng.randint(0, 9)}.{rng.randint(2, 250)} - - [{t.strftime("%d/%b/%Y:%H:%M:%S +0000")}] "GET /index.html HTTP/1.1" 200 {rng.randint(500, 9000)} "-" "Mozilla/5.0"')
            self.journal_line("node-a", "kubelet", t, f'I{t.strftime("%m%d %H:%M:%S")}.000000    1042 kubelet.go:2468] "SyncLoop (PLEG): event for pod" pod="web/frontend-5c8d7f9b6-x7k2p"')
            t += timedelta(seconds=rng.uniform(8, 20))
        self.event("Pod", "grafana-6d8f9c7b5-lm3np", "monitoring", "Unhealthy",
                   "Readiness probe failed: Get \"http://10.1.4.7:3000/api/health\": context deadline exceeded",
                   START - timedelta(hours=5), count=300, last=END)
        self.alert("NodeClockNotSynchronising", START - timedelta(hours=8), "Clock not synchronising.", namespace="monitoring")
        self.metric("namespace_service:http_requests:rate5m", lambda t: 100 + rng.uniform(-5, 5), namespace="shop", service="catalog")

    # -- output ----------------------------------------------------------------------------
    def write(self) -> Path:
        root = self.root
        (root / "pods").mkdir(parents=True, exist_ok=True)
        for name, lines in self.pods.items():
            (root / "pods" / name).write_text("".join(text + "\n" for _, text in sorted(lines, key=lambda x: x[0])))
        (root / "events.json").write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": self.events}, indent=1))
        (root / "journal.jsonl").write_text("".join(json.dumps(r) + "\n" for r in sorted(self.journal, key=lambda r: int(r["__REALTIME_TIMESTAMP"]))))
        (root / "alerts.json").write_text(json.dumps({"version": "4", "status": "firing", "receiver": "oncall", "alerts": self.alerts}, indent=1))
        (root / "metrics.json").write_text(json.dumps({"status": "success", "data": {"resultType": "matrix", "result": self.series}}))
        if self.commits:
            out = []
            for sha, t, subject, files in sorted(self.commits, key=lambda c: c[1], reverse=True):
                out += [f"commit {sha}", "Author: Dev <dev@example.com>", f"Date:   {t.strftime('%Y-%m-%dT%H:%M:%S+00:00')}", "", f"    {subject}", ""]
                out += [f"M\t{f}" for f in files] + [""]
            (root / "git-log.txt").write_text("\n".join(out))
        if self.histories:
            out = []
            for resource, causes in self.histories.items():
                out += [resource, "REVISION  CHANGE-CAUSE"]
                out += [f"{n:<10}{cause or '<none>'}" for n, cause in enumerate(causes, 1)]
                out.append("")
            (root / "rollout-history.txt").write_text("\n".join(out))
        for app, ns, t, rev in self.syncs:
            doc = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": app, "namespace": "argocd"},
                   "spec": {"destination": {"namespace": ns}, "source": {"repoURL": "https://git.example.com/gitops.git", "path": f"apps/{app}"}},
                   "status": {"history": [{"id": 7, "revision": rev, "deployStartedAt": iso(t - timedelta(seconds=5)), "deployedAt": iso(t),
                                           "source": {"repoURL": "https://git.example.com/gitops.git", "path": f"apps/{app}"}}]}}
            (root / f"argocd-{app}.json").write_text(json.dumps(doc, indent=1))
        return root
