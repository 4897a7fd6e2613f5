"""Background noise is what recurs before the incident; one burst long before it is not.

Pasted inputs often disagree on the clock (a journal printed in local time without a zone next
to a status line in EDT), so a fatal line can land hours before the onset another input sets.
It still belongs to the incident. A warning that repeats minute after minute all morning is
background, and does not become the cause.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from opslens.pipeline import TriageOptions, run_triage
from opslens.report.models import Report

ONSET = datetime(2025, 4, 5, 9, 33, 40, tzinfo=UTC)


def _stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _triage(tmp_path: Path, files: dict[str, str]) -> Report:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    report = run_triage(TriageOptions(paths=[str(tmp_path)])).report
    assert report is not None
    return report


def test_one_fatal_burst_hours_before_the_onset_is_still_the_cause(tmp_path: Path) -> None:
    # The status block knows its zone (EDT); the journal's short lines do not and read as UTC,
    # four hours before the onset the status block sets.
    status = (
        "● kubelet.service - kubelet: The Kubernetes Node Agent\n"
        "   Loaded: loaded (/usr/lib/systemd/system/kubelet.service; enabled; vendor preset: disabled)\n"
        "   Active: activating (auto-restart) (Result: exit-code) since Sat 2025-04-05 05:33:40 EDT; 7s ago\n"
        "  Process: 4759 ExecStart=/usr/bin/kubelet (code=exited, status=255)\n"
        " Main PID: 4759 (code=exited, status=255)\n"
        "\n"
        "Apr 05 05:33:40 node-7 systemd[1]: kubelet.service: main process exited, code=exited, status=255/n/a\n"
        "Apr 05 05:33:40 node-7 systemd[1]: Unit kubelet.service entered failed state.\n"
    )
    journal = (
        "Apr 05 05:33:40 node-7 systemd[1]: kubelet.service: main process exited, code=exited, status=255/n/a\n"
        "Apr 05 05:33:40 node-7 kubelet[4759]: F0405 05:33:40.511159    4759 server.go:274] failed to run Kubelet: "
        'misconfiguration: kubelet cgroup driver: "cgroupfs" is different from docker cgroup driver: "systemd"\n'
        "Apr 05 05:33:40 node-7 systemd[1]: Unit kubelet.service entered failed state.\n"
        "Apr 05 05:33:40 node-7 systemd[1]: kubelet.service failed.\n"
    )
    report = _triage(tmp_path, {"1-status.txt": status, "2-journal.txt": journal})
    assert report.hypotheses and report.hypotheses[0].category == "node-failure"
    cited = {e.id: e.text for e in report.evidence}
    assert any("cgroup driver" in cited.get(i, "") for i in report.hypotheses[0].evidence), report.hypotheses[0].evidence


def test_a_warning_repeating_all_morning_is_background(tmp_path: Path) -> None:
    start = ONSET - timedelta(hours=3)
    noise = "".join(f"{_stamp(start + timedelta(minutes=m))} ERROR cache: dial tcp 10.0.4.4:6379: connect: connection refused\n"
                    for m in range(0, 200))
    crash = "".join(f"{_stamp(ONSET + timedelta(seconds=20 * i))} ERROR payments: write /var/lib/payments/journal/0042.seg: no space left on device\n"
                    for i in range(8))
    report = _triage(tmp_path, {"cache.log": noise, "payments.log": crash})
    assert report.hypotheses and report.hypotheses[0].category == "disk-pressure"
    assert "db-connectivity" not in [h.category for h in report.hypotheses[:1]]
