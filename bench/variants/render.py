"""Write a `Bundle` to disk in the native formats, plus its truth and paste files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.variants import clock
from bench.variants.bundle import Bundle, PodLog

ZERO_TIME = "0001-01-01T00:00:00Z"


def _event_key(ev: dict) -> tuple[str, str]:
    return (ev.get("lastTimestamp") or ev.get("eventTime") or "", ev["metadata"]["name"])


def render_log(log: PodLog, rng_seed: int) -> str:
    """A container log: CRI lines (`<RFC3339Nano> <stream> F <line>`) or the app's own lines."""
    out: list[str] = []
    for t, _, stream, text in sorted(log.entries, key=lambda e: (e[0], e[1])):
        lines = text.split("\n")
        if not log.cri:
            out.extend(lines)
            continue
        base = int(round((t % 1) * 1e9)) % 1_000_000_000
        for k, line in enumerate(lines):
            nanos = min(999_999_999, base + k * (17_000 + (rng_seed + k * 7919) % 9000))
            out.append(f"{clock.rfc3339_nano(t, nanos)} {stream} F {line}")
    return "\n".join(out) + "\n" if out else ""


def write_bundle(b: Bundle, out_dir: Path) -> Path:
    """Write `b` as out_dir/<name>/ with <name>.truth.json and <name>.paste.txt beside it."""
    if b.truth is None:
        raise ValueError(f"{b.name}: variant set no truth")
    d = out_dir / b.name
    if d.exists():
        shutil.rmtree(d)
    (d / "pods").mkdir(parents=True)
    events = sorted(b.events, key=_event_key)
    doc = {"apiVersion": "v1", "items": events, "kind": "List", "metadata": {"resourceVersion": ""}}
    (d / "k8s-events.json").write_text(json.dumps(doc, indent=4) + "\n")
    for k, (name, log) in enumerate(sorted(b.logs.items())):
        text = render_log(log, k * 104729)
        if text:
            (d / "pods" / name).write_text(text)
    journal = sorted(b.journal, key=lambda e: (e[0], e[1]))
    (d / "journal.jsonl").write_text("".join(json.dumps(e, separators=(",", ":")) + "\n" for _, _, e in journal))
    _write_alerts(b, d)
    metrics = {"status": "success", "data": {"resultType": "matrix", "result": b.series}}
    (d / "metrics.json").write_text(json.dumps(metrics, separators=(",", ":")) + "\n")
    for name, text in sorted(b.files.items()):
        (d / name).write_text(text)
    (out_dir / f"{b.name}.truth.json").write_text(json.dumps(b.truth.as_dict(), indent=2) + "\n")
    (out_dir / f"{b.name}.paste.txt").write_text(b.paste.rstrip("\n") + "\n")
    return d


def _write_alerts(b: Bundle, d: Path) -> None:
    alerts = sorted(b.alerts, key=lambda a: a["startsAt"])
    common = {"prometheus": "monitoring/kube-prometheus-stack-prometheus"}
    payload = {
        "receiver": "sre-pager", "status": "firing", "alerts": alerts,
        "groupLabels": {}, "commonLabels": common, "commonAnnotations": {},
        "externalURL": "http://alertmanager-kube-prometheus-stack-alertmanager-0:9093",
        "version": "4", "groupKey": "{}:{}", "truncatedAlerts": 0,
    }
    (d / "alerts.json").write_text(json.dumps(payload, indent=2) + "\n")
