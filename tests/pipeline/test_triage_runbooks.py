"""`opslens triage --runbooks DIR` adds the matching runbook sections to the report."""

from __future__ import annotations

import json
from pathlib import Path

from tests.pipeline.test_triage_cli import run
from tests.runbooks.runbooks_corpus import write_corpus


def test_runbooks_are_matched_to_alerts_and_hypotheses(tmp_path: Path) -> None:
    runbooks = write_corpus(tmp_path / "runbooks")
    bundle = Path(__file__).resolve().parents[2] / "examples" / "cert-expiry"
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    proc = run("triage", str(bundle), "--format", "json", "--llm", "none", "--runbooks", str(runbooks), env=env)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    refs = report["runbooks"]
    assert refs, "expected at least one runbook match"
    assert all(r["path"] and r["section"] and 0 < r["score"] <= 1 for r in refs)
    assert any(r["for"].startswith("hypothesis cert-expiry") for r in refs), refs
    assert (tmp_path / "data" / "opslens").is_dir()  # the index lives in the data directory


def test_missing_runbook_dir_is_one_warning_not_a_failure(tmp_path: Path) -> None:
    bundle = Path(__file__).resolve().parents[2] / "examples" / "cert-expiry"
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    proc = run("triage", str(bundle), "--format", "json", "--llm", "none", "--runbooks", str(tmp_path / "nope"), env=env)
    assert proc.returncode == 0
    assert sum("runbook directory not found" in line for line in proc.stderr.splitlines()) == 1
    assert json.loads(proc.stdout)["runbooks"] == []
