"""Reports and manifests for the store tests, and the worker the parallel-save test spawns
(a module of its own so that `multiprocessing` with spawn can import it in the child)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from opslens.report.models import Report
from opslens.store import InputFile, InputManifest

BASE = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def make_report(
    category: str = "oom",
    namespace: str = "payments",
    name: str = "api",
    alert: str = "KubePodCrashLooping",
    onset_minutes: int = 30,
    summary: str | None = None,
    evidence_text: str = "Back-off restarting failed container api",
) -> Report:
    """A small but complete report: one hypothesis with evidence, one firing alert."""
    onset = BASE + timedelta(minutes=onset_minutes)
    entity = {"kind": "Deployment", "namespace": namespace, "name": name}
    data: dict[str, Any] = {
        "generated_at": (onset + timedelta(minutes=30)).isoformat(),
        "window": {"start": BASE.isoformat(), "end": (onset + timedelta(hours=1)).isoformat()},
        "onset": onset.isoformat(),
        "summary": summary or f"{category} in {namespace}/{name}",
        "hypotheses": [
            {"category": category, "confidence": 0.8, "title": f"{category}: {namespace}/{name}",
             "entity": entity, "evidence": ["E1"]},
        ],
        "evidence": [
            {"id": "E1", "kind": "event", "source": "k8s-events.json:3", "text": evidence_text,
             "ts": onset.isoformat(), "entity": entity},
        ],
        "timeline": [{"ts": onset.isoformat(), "text": "first restart", "evidence": ["E1"]}],
        "alerts": [
            {"alertname": alert, "status": "firing", "severity": "critical",
             "namespace": namespace, "first_seen": (onset + timedelta(minutes=4)).isoformat()},
        ],
    }
    return Report.model_validate(data)


def make_manifest(name: str = "k8s-events.json", size: int = 120) -> InputManifest:
    return InputManifest(files=[InputFile(name, size, "0" * 64)], stats={"events": 3})


def save_many(url: str, count: int, tag: str) -> list[str]:
    """Child process body of the parallel-save test: `count` saves, each its own transaction."""
    from opslens.store import open_store

    refs = []
    with open_store(url) as store:
        for i in range(count):
            saved = store.save_report(make_report(name=f"{tag}-{i}"), make_manifest())
            refs.append(saved.ref)
    return refs
