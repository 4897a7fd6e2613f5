"""Evaluation datasets: the published truth schema fits the dev scenarios and the built-in
dataset; a bad dataset is a one-line error naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from opslens.cli import _load_commands, app
from opslens.errors import InputError
from opslens.llmops.datasets import TRUTH_SCHEMA, builtin_dir, find_cases


def _truths(root: Path) -> list[Path]:
    return sorted(root.glob("*.truth.json"))


def test_the_truth_schema_fits_the_dev_scenarios_and_the_builtin_dataset(shared_data: Path) -> None:
    paths = _truths(shared_data / "scenarios-dev") + _truths(builtin_dir())
    assert len(paths) == 8 + 3
    for path in paths:
        jsonschema.validate(json.loads(path.read_text()), TRUTH_SCHEMA)


def test_schema_truth_prints_the_schema() -> None:
    _load_commands()
    result = CliRunner().invoke(app, ["schema", "truth"])
    assert result.exit_code == 0 and json.loads(result.stdout) == TRUTH_SCHEMA


def test_the_builtin_dataset_is_what_its_generator_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from opslens.llmops.builtin import make

    monkeypatch.setattr(make, "OUT", tmp_path)
    make.main()
    shipped = {p.relative_to(builtin_dir()): p.read_bytes() for p in builtin_dir().rglob("*") if p.is_file()}
    made = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert made == shipped


@pytest.mark.parametrize(("truth", "problem"), [
    ("{not json", "cannot read the truth"),
    ('{"category": "oom"}', "truth lacks culprit, key_evidence"),
])
def test_a_bad_truth_is_one_line_naming_the_file(tmp_path: Path, truth: str, problem: str) -> None:
    (tmp_path / "case-a").mkdir()
    (tmp_path / "case-a.truth.json").write_text(truth)
    _load_commands()
    result = CliRunner().invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert str(tmp_path / "case-a.truth.json") in line and problem in line


def test_a_directory_without_cases_says_so(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no cases"):
        find_cases(tmp_path)
