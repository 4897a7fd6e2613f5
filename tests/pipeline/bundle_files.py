"""One small file of every supported input format, written the way the real tools write them."""

from __future__ import annotations

import json
from pathlib import Path

T = "2025-03-14T10:{:02d}:{:02d}Z"


def _t(m: int, s: int = 0) -> str:
    return T.format(m, s)


def write_every_format(root: Path) -> dict[str, str]:
    """Write the files under `root`; returns {file name: reader expected to read it}."""
    root.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}

    def put(name: str, text: str, reader: str) -> None:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        files[name] = reader

    put("events.json", json.dumps({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "Event", "type": "Warning", "reason": "BackOff", "count": 5,
         "message": "Back-off restarting failed container api in pod api-7d9f8c6b5-x2x9q_shop(1b2c)",
         "firstTimestamp": _t(5), "lastTimestamp": _t(9), "involvedObject": {"kind": "Pod", "name": "api-7d9f8c6b5-x2x9q", "namespace": "shop"},
         "metadata": {"name": "api.1", "namespace": "shop"}, "source": {"component": "kubelet"}}]}, indent=2), "k8s-events")
    put("events-v1.json", json.dumps({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "events.k8s.io/v1", "kind": "Event", "type": "Warning", "reason": "FailedScheduling",
         "note": "0/3 nodes are available: 3 Insufficient memory.", "eventTime": "2025-03-14T10:06:00.000000Z",
         "regarding": {"kind": "Pod", "name": "api-7d9f8c6b5-q1w2e", "namespace": "shop"}, "reportingController": "default-scheduler",
         "metadata": {"name": "api.2", "namespace": "shop"}}]}, indent=2), "k8s-events")
    put("pods/shop_api-7d9f8c6b5-x2x9q_api.log", "".join(
        json.dumps({"ts": _t(m), "level": "error" if m > 4 else "info", "msg": "request failed" if m > 4 else "request ok", "status": 500 if m > 4 else 200}) + "\n"
        for m in range(10)), "textlog")
    put("var/log/pods/shop_web-5c8d7f9b6-k2m4p_0d6a3e59-71b4-4c2f-a8e3-5b90c1f7d246/nginx/0.log", "".join(
        f"2025-03-14T10:{m:02d}:00.123456789Z stdout F 10.0.0.{m} - - [14/Mar/2025:10:{m:02d}:00 +0000] \"GET / HTTP/1.1\" {502 if m > 5 else 200} 512 \"-\" \"curl/8.0\"\n"
        for m in range(10)), "textlog")
    put("kube-system_controller-6d8f9-abcde_manager.log", "".join(
        f"E0314 10:{m:02d}:01.000000       1 reconciler.go:88] \"Reconcile failed\" err=\"timeout\"\n" for m in range(5)), "textlog")
    put("worker.log", "2025-03-14 10:05:00,123 - worker - ERROR - job failed\nTraceback (most recent call last):\n"
        '  File "/app/w.py", line 3, in run\n    x()\nKeyError: \'id\'\n2025-03-14 10:06:00,000 - worker - INFO - job ok\n', "textlog")
    put("journal.jsonl", "".join(json.dumps({"__REALTIME_TIMESTAMP": str((1741946400 + 60 * m) * 10**6), "PRIORITY": "3", "_HOSTNAME": "node-1",
        "SYSLOG_IDENTIFIER": "kubelet", "_SYSTEMD_UNIT": "kubelet.service", "MESSAGE": f"E0314 10:{m:02d}:00.000000 1042 kubelet.go:1] \"PLEG is not healthy\""}) + "\n"
        for m in range(5)), "journald")
    put("syslog", "".join(f"Mar 14 10:{m:02d}:00 node-1 kernel: [1234.{m:06d}] EXT4-fs error (device sda1): bad block\n" for m in range(5)), "syslog")
    put("dmesg.txt", "[    0.000000] Linux version 6.1.0\n[12345.678901] Out of memory: Killed process 4242 (java)\n", "dmesg")
    put("alerts.json", json.dumps({"version": "4", "status": "firing", "receiver": "x", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {},
        "externalURL": "http://am", "groupKey": "{}", "truncatedAlerts": 0, "alerts": [
            {"status": "firing", "labels": {"alertname": "KubePodCrashLooping", "namespace": "shop", "pod": "api-7d9f8c6b5-x2x9q", "severity": "warning"},
             "annotations": {"summary": "Pod is crash looping."}, "startsAt": _t(7), "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "0123456789abcdef"}]}, indent=2), "alertmanager")
    put("alerts-v2.json", json.dumps([{"labels": {"alertname": "HighErrorRate", "namespace": "shop", "service": "api"},
        "annotations": {"summary": "5xx above 5%"}, "startsAt": _t(6), "endsAt": _t(59), "updatedAt": _t(8), "fingerprint": "fedcba9876543210",
        "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}, "receivers": [{"name": "x"}]}], indent=2), "alertmanager")
    put("metrics.json", json.dumps({"status": "success", "data": {"resultType": "matrix", "result": [
        {"metric": {"__name__": "http_requests_total", "code": "500", "service": "api"},
         "values": [[1741946400 + 30 * i, str(i * (1 if i < 10 else 20))] for i in range(20)]}]}}), "prometheus")
    put("loki.json", json.dumps({"status": "success", "data": {"resultType": "streams", "result": [
        {"stream": {"namespace": "shop", "pod": "api-7d9f8c6b5-x2x9q", "container": "api"},
         "values": [[str((1741946700 + m) * 10**9), json.dumps({"level": "error", "msg": "db timeout"})] for m in range(3)]}]}}), "loki")
    put("argocd-app.json", json.dumps({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "api", "namespace": "argocd"},
        "spec": {"destination": {"namespace": "shop"}, "source": {"repoURL": "https://git.example/x.git", "path": "apps/api"}},
        "status": {"history": [{"id": 3, "revision": "9f572f512e474037978df1c477fd267aa9cfd961", "deployedAt": _t(4), "deployStartedAt": _t(3, 50),
                                "source": {"repoURL": "https://git.example/x.git", "path": "apps/api"}}]}}, indent=2), "argocd")
    put("rollout-history.txt", "deployment.apps/api \nREVISION  CHANGE-CAUSE\n1         <none>\n2         kubectl set image deployment/api api=registry/api:1.2.3\n", "rollout-history")
    put("git-log.txt", "commit 4be1c0f7a2d94e35b8c1d0e6f7a8b9c0d1e2f3a4\nAuthor: Dev <dev@example.com>\nDate:   Fri Mar 14 10:02:00 2025 +0000\n\n"
        "    api: lower connection pool size\n\nM\tapps/api/values.yaml\n", "git-log")
    return files
