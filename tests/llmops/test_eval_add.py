"""A team's own incident becomes an evaluation case: feedback on a wrong hypothesis is a
candidate; once resolved, `eval add` writes its kept inputs and truth, and the case scores."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from opslens.cli import _load_commands, app
from opslens.llmops.datasets import TRUTH_SCHEMA, builtin_dir


def run(*args: str) -> tuple[int, str, str]:
    _load_commands()
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_resolved_incident_becomes_a_case_that_scores(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    case = str(builtin_dir() / "oom-ledger")
    assert run("triage", case, "--llm", "none", "--keep-inputs", "--db", db)[0] == 0
    assert run("incidents", "feedback", "INC-0001", "--score", "1", "--hypothesis", "1",
               "--comment", "blamed the batch job, it was the heap limit: a red herring", "--db", db)[0] == 0
    code, out, _ = run("eval", "candidates", "--db", db)
    assert code == 0 and "INC-0001  score 1 on 1  (open, not resolved yet)" in out
    assert "red herring" in out
    dataset = tmp_path / "ours"
    code, _, err = run("eval", "add", "INC-0001", "--dataset", str(dataset), "--db", db)
    assert code == 2 and "INC-0001: not resolved with a root cause" in err
    assert run("incidents", "resolve", "INC-0001", "--category", "oom", "--culprit",
               "Deployment/finance/ledger-worker", "--summary", "batch size too big", "--db", db)[0] == 0
    code, _, err = run("eval", "add", "INC-0001", "--dataset", str(dataset), "--db", db)
    assert code == 0, err
    truth = json.loads((dataset / "inc-0001.truth.json").read_text())
    jsonschema.validate(truth, TRUTH_SCHEMA)
    assert truth["category"] == "oom"
    assert truth["culprit"] == {"kind": "Deployment", "namespace": "finance", "name": "ledger-worker"}
    assert truth["key_evidence"]
    assert sorted(p.name for p in (dataset / "inc-0001").rglob("*") if p.is_file()) == sorted(
        p.name for p in Path(case).rglob("*") if p.is_file())
    code, out, _ = run("eval", str(dataset), "--format", "json")
    (result,) = json.loads(out)["runs"]
    assert [(c["scenario"], c["passed"]) for c in result["cases"]] == [("inc-0001", True)]
    # adding it twice is refused
    code, _, err = run("eval", "add", "INC-0001", "--dataset", str(dataset), "--db", db)
    assert code == 2 and "a case of that name exists already" in err


def test_an_incident_without_kept_inputs_cannot_be_added(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    assert run("triage", str(builtin_dir() / "oom-ledger"), "--llm", "none", "--save", "--db", db)[0] == 0
    assert run("incidents", "resolve", "INC-0001", "--category", "oom", "--summary", "x", "--db", db)[0] == 0
    code, _, err = run("eval", "add", "INC-0001", "--dataset", str(tmp_path / "d"), "--db", db)
    assert code == 2 and "its inputs were not kept: triage it with --keep-inputs" in err
