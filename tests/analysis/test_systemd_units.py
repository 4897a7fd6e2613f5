"""A unit systemd cannot even exec (`status=203/EXEC`, `Failed at step EXEC spawning`) points at a
program, directory or user the host does not have: its configuration. Pastes are our own, in the
shapes `systemctl status` and the journal print."""

from __future__ import annotations

from pathlib import Path

import pytest

from opslens.pipeline import TriageOptions, run_triage

STATUS = """\
× ledger-sync.service - Ledger sync
     Loaded: loaded (/etc/systemd/system/ledger-sync.service; enabled; vendor preset: enabled)
     Active: failed (Result: exit-code) since Tue 2025-02-11 08:02:11 UTC; 4s ago
    Process: 41822 ExecStart=/opt/ledger/bin/ledger-sync --config /etc/ledger/sync.toml (code=exited, status=203/EXEC)
   Main PID: 41822 (code=exited, status=203/EXEC)
"""
JOURNAL = """\
Feb 11 08:02:11 web-07 systemd[1]: Started Ledger sync.
Feb 11 08:02:11 web-07 systemd[41822]: ledger-sync.service: Failed at step CHDIR spawning /opt/ledger/bin/ledger-sync: No such file or directory
Feb 11 08:02:11 web-07 systemd[1]: ledger-sync.service: Main process exited, code=exited, status=200/CHDIR
Feb 11 08:02:11 web-07 systemd[1]: ledger-sync.service: Failed with result 'exit-code'.
"""
RUNTIME_FAILURE = """\
Feb 11 08:02:11 app-3 systemd[1]: Started Billing export.
Feb 11 08:02:12 app-3 systemd[1]: billing-export.service: Main process exited, code=exited, status=1/FAILURE
Feb 11 08:02:12 app-3 systemd[1]: billing-export.service: Failed with result 'exit-code'.
"""


@pytest.mark.parametrize("text", [STATUS, JOURNAL])
def test_a_unit_that_cannot_be_executed_is_a_config_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "unit.txt").write_text(text, encoding="utf-8")
    report = run_triage(TriageOptions(paths=[str(tmp_path)])).report
    assert report is not None and report.hypotheses
    assert report.hypotheses[0].category == "config-error"


def test_a_program_that_ran_and_failed_is_not_blamed_on_the_unit(tmp_path: Path) -> None:
    (tmp_path / "unit.txt").write_text(RUNTIME_FAILURE, encoding="utf-8")
    report = run_triage(TriageOptions(paths=[str(tmp_path)])).report
    assert report is not None
    assert "config-error" not in [h.category for h in report.hypotheses[:1]]
