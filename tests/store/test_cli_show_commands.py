"""`incidents show` classifies a stored report's commands again: a stored `read_only` label
is what the guard said when the report was saved, not a promise (rules change; a database row
can be edited, or imported from someone else's export)."""

from __future__ import annotations

import json
from pathlib import Path

from store_factories import make_manifest, make_report
from typer.testing import CliRunner

import opslens.cli.commands.incidents  # noqa: F401  (registers the commands)
from opslens.cli.app import app
from opslens.report.models import Command, SafetyLabel
from opslens.store import open_store

STORED_AS_READ_ONLY = {
    "kubectl get pods -n payments": "read_only",
    "kubectl delete namespace payments": "dropped",
    "kubectl get secret db -n payments -o yaml": "needs_approval",
    "frobnicate --all": "needs_approval",
}


def _saved(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'opslens.db'}"
    report = make_report().model_copy(update={"commands": [
        Command(cmd=cmd, purpose=f"check {i}", safety=SafetyLabel.READ_ONLY)
        for i, cmd in enumerate(STORED_AS_READ_ONLY)
    ]})
    with open_store(url) as store:
        store.save_report(report, make_manifest())
    return url


def _show(url: str, *extra: str) -> str:
    result = CliRunner().invoke(app, ["incidents", "show", "INC-0001", "--db", url, *extra])
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result.stdout


def test_markdown_shows_only_what_the_guard_calls_read_only_as_checks(tmp_path: Path) -> None:
    text = _show(_saved(tmp_path))
    checks = text.split("## Checks (read-only)")[1].split("\n#")[0]
    approval = text.split("## Needs approval (not read-only)")[1].split("\n#")[0]
    assert "kubectl get pods -n payments" in checks
    assert "kubectl delete" not in text
    for cmd, place in STORED_AS_READ_ONLY.items():
        if place == "needs_approval":
            assert cmd not in checks and cmd in approval, cmd


def test_json_carries_the_labels_of_today(tmp_path: Path) -> None:
    report = json.loads(_show(_saved(tmp_path), "--format", "json"))["report"]
    placed = {c["cmd"]: "read_only" for c in report["commands"]}
    placed |= {c["cmd"]: "needs_approval" for c in report["needs_approval"]}
    expected = {c: p for c, p in STORED_AS_READ_ONLY.items() if p != "dropped"}
    assert placed == expected
    assert {c["safety"] for c in report["needs_approval"]} == {"sensitive_read", "unknown"}
