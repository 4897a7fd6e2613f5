"""LLMOps from the command line against the fake Ollama: every call of a saved triage in the
store and in `opslens stats`; the daily token budget; digests and recent tokens/s in
`opslens models`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from servers import FakeOllama, pieces
from test_llmops_metrics import scripted_answer
from typer.testing import CliRunner

from opslens import config
from opslens.cli import _load_commands, app
from opslens.llmops.datasets import builtin_dir

pytestmark = pytest.mark.usefixtures("guard")
CASE = builtin_dir() / "oom-ledger"


def cli(*args: str) -> str:
    _load_commands()
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def configure(path: Path, extra: str) -> None:
    path.write_text(path.read_text().replace("[llm]", "[llm]\n" + extra, 1))
    config.load.cache_clear()


def test_every_attempt_of_a_saved_triage_reaches_stats(
    ollama: FakeOllama, isolated_config: Path, tmp_path: Path
) -> None:
    configure(isolated_config, 'routes = { summarize = ["missing:1b", "qwen2.5:3b"] }')
    ollama.default_answer = scripted_answer()
    db = f"sqlite:///{tmp_path / 's.db'}"
    cli("triage", str(CASE), "--llm", "ollama", "--save", "--db", db, "--format", "json")
    figures = json.loads(cli("stats", "--db", db, "--format", "json"))
    by_model = {c["model"]: c for c in figures["calls"]}
    assert by_model["missing:1b"]["calls"] == 1 and by_model["missing:1b"]["errors"] == 1
    served = by_model["qwen2.5:3b"]
    assert (served["calls"], served["errors"], served["tokens_in"]) == (1, 0, 1873)
    assert served["tokens_out"] == len(pieces(scripted_answer()))
    assert served["compute_s"] == pytest.approx(2.667, abs=0.001)
    assert figures["totals"]["calls"] == 2
    assert "2 calls, 1 errors" in cli("stats", "--db", db)


def test_the_daily_token_budget_switches_to_no_model(
    ollama: FakeOllama, isolated_config: Path, tmp_path: Path
) -> None:
    configure(isolated_config, "daily_token_budget = 1000")
    ollama.default_answer = scripted_answer()
    db = f"sqlite:///{tmp_path / 's.db'}"
    _load_commands()
    first = CliRunner().invoke(app, ["triage", str(CASE), "--llm", "ollama", "--model",
                                     "qwen2.5:3b", "--save", "--db", db, "--format", "json"])
    assert first.exit_code == 0 and json.loads(first.stdout)["llm"] is not None
    second = CliRunner().invoke(app, ["triage", str(CASE), "--llm", "ollama", "--model",
                                      "qwen2.5:3b", "--save", "--db", db, "--format", "json"])
    assert second.exit_code == 0
    assert json.loads(second.stdout)["llm"] is None
    used = 1873 + len(pieces(scripted_answer()))  # tokens in and out of the first triage
    assert f"daily token budget reached ({used:,} of 1,000 tokens today)" in second.stderr
    assert len(ollama.server.hits("/api/chat")) == 1


def test_models_records_digests_and_names_a_swapped_model(
    ollama: FakeOllama, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    ollama.default_answer = scripted_answer()
    cli("triage", str(CASE), "--llm", "ollama", "--model", "qwen2.5:3b", "--save", "--db", db)
    _load_commands()
    first = CliRunner().invoke(app, ["models", "--db", db])
    assert first.exit_code == 0 and "digest changed" not in first.stderr
    # eval_count tokens over Ollama's eval_duration of 0.730888746 s
    speed = len(pieces(scripted_answer())) / 0.730888746
    assert "qwen2 3.1B Q4_K_M" in first.stdout and f"recently {speed:.1f} tokens/s" in first.stdout
    ollama.digests["qwen2.5:3b"] = "9f8e7d6c5b4a" + "0" * 52
    second = CliRunner().invoke(app, ["models", "--db", db])
    assert "qwen2.5:3b: digest changed since last seen (now 9f8e7d6c5b4a)" in second.stderr
    figures = json.loads(cli("stats", "--db", db, "--format", "json"))
    assert [d["digest"][:12] for d in figures["digest_changes"]] == ["357c53fb659c", "9f8e7d6c5b4a"]
