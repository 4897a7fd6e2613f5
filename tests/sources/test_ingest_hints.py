"""Ingest: year-less files are read last and dated from the latest event of the others."""

from __future__ import annotations

import json
from pathlib import Path

from structured_helpers import at

from opslens.sources.ingest import Ingest


def _bundle(tmp_path: Path) -> list[str]:
    event = {
        "kind": "Event",
        "apiVersion": "v1",
        "metadata": {"name": "web.1", "namespace": "shop"},
        "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "shop"},
        "reason": "BackOff",
        "message": "Back-off restarting failed container",
        "type": "Warning",
        "firstTimestamp": "2025-01-02T02:30:00Z",
        "lastTimestamp": "2025-01-02T03:00:00Z",
    }
    (tmp_path / "events.json").write_text(json.dumps(event), encoding="utf-8")
    (tmp_path / "syslog").write_text(
        "Dec 31 23:58:00 node-1 kubelet[1187]: before midnight\n"
        "Jan  2 02:00:00 node-1 kubelet[1187]: the day after\n",
        encoding="utf-8",
    )
    return [str(tmp_path)]


def test_a_syslog_file_across_new_year_is_dated_from_the_other_inputs(tmp_path: Path) -> None:
    ingest = Ingest()
    times = {e.message: e.time for e in ingest.events(_bundle(tmp_path)) if e.source == "syslog"}
    assert times == {
        "before midnight": at("2024-12-31T23:58:00Z"),
        "the day after": at("2025-01-02T02:00:00Z"),
    }


def test_hints_are_the_latest_event_read_so_far(tmp_path: Path) -> None:
    ingest = Ingest()
    first, deferred = ingest.plan(_bundle(tmp_path))
    assert [p.reader.name for p in deferred] == ["syslog"]
    for prepared in first:
        list(ingest.read(prepared, year_hint=None))
    assert ingest.time_hint() == at("2025-01-02T02:30:00Z")  # the Event's time: its first
    assert ingest.year_hint() == 2025
    (before, _) = ingest.read(deferred[0], ingest.year_hint(), ingest.time_hint())
    assert before.time == at("2024-12-31T23:58:00Z")
