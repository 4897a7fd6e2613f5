"""The journald collector with the real journalctl on real journal files, built from journal
export format by systemd-journal-remote."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from collect_helpers import collect, manifest, triage

from opslens.collectors.base import Window
from opslens.collectors.settings import CollectSettings, JournalSource

JOURNAL_REMOTE = "/lib/systemd/systemd-journal-remote"
BOOT = "4f1c0a9e2b7d4c3a8e6f5d4c3b2a1908"


@pytest.fixture
def journal_file(tmp_path: Path) -> tuple[Path, float]:
    """node-1's journal: kubelet and containerd entries over the last 2 hours."""
    missing = [b for b in (JOURNAL_REMOTE, shutil.which("journalctl")) if not b or not Path(b).exists()]
    if missing:
        if os.environ.get("OPSLENS_REQUIRE_COLLECTOR_BINARIES") == "1":
            pytest.fail("OPSLENS_REQUIRE_COLLECTOR_BINARIES=1 but journalctl/systemd-journal-remote are missing")
        pytest.skip("journalctl or systemd-journal-remote not installed (Debian systemd, systemd-journal-remote)")
    now = time.time()
    entries = [
        (now - 7200, "6", "containerd.service", "containerd", "loading plugin io.containerd.grpc.v1.cri"),
        (now - 600, "3", "kubelet.service", "kubelet", 'E1207 10:00:00.000000    812 kubelet.go:2412] "Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"checkout\\" with CrashLoopBackOff"'),
        (now - 590, "4", "kubelet.service", "kubelet", 'W1207 10:00:10.000000    812 eviction_manager.go:381] "Eviction manager: attempting to reclaim" resourceName="memory"'),
        (now - 300, "6", "containerd.service", "containerd", "shim disconnected id=3f2a"),
    ]
    blocks = [
        f"__REALTIME_TIMESTAMP={int(t * 1e6)}\n__MONOTONIC_TIMESTAMP={1000000 + i}\n_BOOT_ID={BOOT}\n_HOSTNAME=node-1\n"
        f"PRIORITY={prio}\n_SYSTEMD_UNIT={unit}\nSYSLOG_IDENTIFIER={ident}\n_PID=812\nMESSAGE={msg}\n"
        for i, (t, prio, unit, ident, msg) in enumerate(entries)
    ]
    export = tmp_path / "node-1.export"
    export.write_text("\n".join(blocks) + "\n")
    out = tmp_path / "node-1.journal"
    subprocess.run([JOURNAL_REMOTE, f"--output={out}", str(export)], check=True, capture_output=True)
    return out, now


def test_journal_file_is_read_over_the_window_for_the_journald_reader(journal_file: tuple[Path, float], tmp_path: Path) -> None:
    path, now = journal_file
    bundle = tmp_path / "b"
    collect(bundle, ["journald"], window=Window(now - 3600, now), journal_files=[str(path)])
    lines = (bundle / "journal/files.json").read_text().splitlines()
    messages = [json.loads(line)["MESSAGE"] for line in lines]
    assert len(messages) == 3 and "loading plugin" not in " ".join(messages)  # 2 h old: outside the window
    report = triage(bundle)
    assert report.stats.readers["journald"] == 3


def test_units_priority_and_the_line_cap(journal_file: tuple[Path, float], tmp_path: Path) -> None:
    path, now = journal_file
    settings = CollectSettings(journal=JournalSource(files=[str(path)], units=["kubelet.service"], max_lines=1))
    bundle = tmp_path / "b"
    collect(bundle, ["journald"], settings, window=Window(now - 3600, now))
    lines = (bundle / "journal/files.json").read_text().splitlines()
    assert [json.loads(line)["MESSAGE"].split()[0] for line in lines] == ["W1207"]  # the newest kubelet entry
    source = manifest(bundle)["sources"]["journald"]
    assert "--unit=kubelet.service" in source["queries"][0]["query"]
    assert source["cut"][0]["reason"].startswith("line cap of 1 reached")


def test_journal_directory(journal_file: tuple[Path, float], tmp_path: Path) -> None:
    path, now = journal_file
    bundle = tmp_path / "b"
    collect(bundle, ["journald"], window=Window(now - 3600, now), journal_dirs=[str(path.parent)])
    assert len((bundle / "journal/dir-1.json").read_text().splitlines()) == 3


def test_a_missing_journal_file_fails_the_source_in_one_line(tmp_path: Path, journal_file: tuple[Path, float]) -> None:
    result = collect(tmp_path / "b", ["journald"], journal_files=[str(tmp_path / "absent.journal")])
    outcome = result.outcomes[0]
    assert outcome.status == "failed"
    assert outcome.detail == "journalctl (files): Failed to open files: No such file or directory"


def test_syslog_files_are_copied_from_a_line_start_within_the_cap(tmp_path: Path) -> None:
    syslog = tmp_path / "syslog"
    syslog.write_text("".join(f"Dec  7 10:{i:02d}:00 node-1 kernel: line {i}\n" for i in range(60)))
    settings = CollectSettings(journal=JournalSource(syslog_files=[str(syslog)], max_bytes=200))
    bundle = tmp_path / "b"
    collect(bundle, ["journald"], settings)
    copied = (bundle / "journal/syslog/1-syslog").read_text()
    assert copied.startswith("Dec  7 10:") and copied.endswith("line 59\n") and len(copied) <= 200
    assert manifest(bundle)["sources"]["journald"]["cut"][0]["what"] == str(syslog)
