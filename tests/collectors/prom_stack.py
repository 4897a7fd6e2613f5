"""Real Prometheus and Alertmanager (the Debian binaries) on 127.0.0.1 for the collector tests:
Prometheus scrapes an exporter the test serves, evaluates a rule that fires, and notifies
Alertmanager."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from quiet_http import QuietServer

#: What the exporter serves: checkout answers half its requests with 500s.
METRICS = """\
# HELP http_requests_total Requests served.
# TYPE http_requests_total counter
http_requests_total{namespace="shop",service="checkout",code="200"} %(ok)d
http_requests_total{namespace="shop",service="checkout",code="500"} %(bad)d
http_requests_total{namespace="shop",service="frontend",code="200"} %(ok)d
"""
RULES = """\
groups:
- name: shop
  interval: 1s
  rules:
  - alert: CheckoutErrorRate
    expr: sum by (namespace, service) (rate(http_requests_total{service="checkout",code=~"5.."}[1m])) > 1
    labels: {severity: critical}
    annotations: {summary: "checkout answers 5xx"}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Exporter(BaseHTTPRequestHandler):
    started = time.time()

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        elapsed = int((time.time() - self.started) * 10)
        body = (METRICS % {"ok": 100 * elapsed, "bad": 50 * elapsed}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@dataclass
class PromStack:
    prometheus: str
    alertmanager: str
    procs: list[subprocess.Popen[bytes]]
    exporter: ThreadingHTTPServer

    def stop(self) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        self.exporter.shutdown()
        self.exporter.server_close()


def missing_binaries() -> list[str]:
    return [b for b in ("prometheus", "prometheus-alertmanager") if shutil.which(b) is None]


def start(tmp: Path) -> PromStack:
    exporter = QuietServer(("127.0.0.1", 0), _Exporter)
    threading.Thread(target=exporter.serve_forever, daemon=True).start()
    am_port, am_cluster, prom_port = free_port(), free_port(), free_port()
    (tmp / "am.yml").write_text("route: {receiver: none, group_wait: 1s}\nreceivers: [{name: none}]\n")
    (tmp / "rules.yml").write_text(RULES)
    (tmp / "prometheus.yml").write_text(json.dumps({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(tmp / "rules.yml")],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{am_port}"]}]}]},
        "scrape_configs": [{"job_name": "shop", "static_configs": [{"targets": [f"127.0.0.1:{exporter.server_address[1]}"]}]}],
    }))
    log = (tmp / "stack.log").open("wb")
    procs = [
        subprocess.Popen(["prometheus-alertmanager", f"--config.file={tmp / 'am.yml'}", f"--storage.path={tmp / 'am'}",
                          f"--web.listen-address=127.0.0.1:{am_port}", f"--cluster.listen-address=127.0.0.1:{am_cluster}"],
                         stdout=log, stderr=log),
        subprocess.Popen(["prometheus", f"--config.file={tmp / 'prometheus.yml'}", f"--storage.tsdb.path={tmp / 'data'}",
                          f"--web.listen-address=127.0.0.1:{prom_port}"], stdout=log, stderr=log),
    ]
    stack = PromStack(f"http://127.0.0.1:{prom_port}", f"http://127.0.0.1:{am_port}", procs, exporter)
    try:
        _wait(lambda: _firing(stack.prometheus) and _am_alerts(stack.alertmanager), 60, tmp / "stack.log")
        # A few more scrapes, so a window ending a couple of seconds ago holds the firing series.
        time.sleep(4)
    except BaseException:
        stack.stop()
        raise
    return stack


def _get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - 127.0.0.1 only
        return json.loads(r.read())


def _firing(base: str) -> bool:
    try:
        alerts = _get(base + "/api/v1/alerts")["data"]["alerts"]  # type: ignore[index]
    except OSError:
        return False
    return any(a["state"] == "firing" for a in alerts)


def _am_alerts(base: str) -> bool:
    try:
        return bool(_get(base + "/api/v2/alerts"))
    except OSError:
        return False


def _wait(ready, seconds: float, log: Path) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.5)
    raise RuntimeError(f"Prometheus/Alertmanager not ready in {seconds} s; log: {log.read_text()[-2000:]}")
