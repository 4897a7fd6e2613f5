"""`opslens models` and `opslens prompts`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from servers import FakeOllama, FakeOpenAI, ScriptedServer
from typer.testing import CliRunner

import opslens.cli.commands.models  # noqa: F401  (registers the command)
import opslens.cli.commands.prompts  # noqa: F401
from opslens.cli.app import app
from opslens.llm.prompts import load_prompt

runner = CliRunner()


def test_prompts_list_marks_the_active_version() -> None:
    result = runner.invoke(app, ["prompts", "list"])
    assert result.exit_code == 0
    assert any(line.startswith("* triage_summary@v1") for line in result.stdout.splitlines())


def test_prompts_show_prints_the_file_and_its_hash() -> None:
    result = runner.invoke(app, ["prompts", "show", "triage_summary@v1", "--schema"])
    prompt = load_prompt("triage_summary@v1")
    assert result.exit_code == 0
    assert f"sha256:{prompt.sha256}" in result.stdout
    assert prompt.text in result.stdout and '"open_questions"' in result.stdout


def test_prompts_show_unknown_is_a_one_line_error() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("opslens")), "prompts", "show", "nope"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: unknown prompt 'nope'; known: triage_summary"
    ]


def test_models_lists_pulled_and_loaded_models(ollama: FakeOllama) -> None:
    ollama.loaded = [
        {
            "name": "qwen2.5:3b",
            "size": 4_294_967_296,
            "size_vram": 2_147_483_648,
            "context_length": 8192,
            "expires_at": "2025-06-10T09:00:00Z",
        }
    ]
    result = runner.invoke(app, ["models"])
    assert result.exit_code == 0
    out = result.stdout
    assert f"ollama  127.0.0.1:{ollama.server.port}  reachable, version 0.9.6" in out
    assert "model   qwen2.5:3b" in out
    assert (
        "loaded  qwen2.5:3b  (4.0 GiB, 50% in VRAM, context 8192, until 2025-06-10T09:00:00Z)"
        in out
    )


def test_models_probe_measures_speed(ollama: FakeOllama) -> None:
    ollama.default_answer = "ready"
    result = runner.invoke(app, ["models", "--probe", "--json"])
    (report,) = json.loads(result.stdout)
    probe = report["probe"]
    assert probe["model"] == "qwen2.5:3b" and probe["error"] is None
    assert probe["tokens_per_s"] == pytest.approx(
        1 / 0.730888746, rel=1e-3
    )  # eval_count / eval_duration


def test_models_shows_unreachable_and_openai(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "127.0.0.1:1")
    monkeypatch.setenv("OPENAI_BASE_URL", f"{server.url}/v1")
    FakeOpenAI(server, ["qwen2.5:3b", "llama3.1:8b"])
    result = runner.invoke(app, ["models"])
    assert "ollama  127.0.0.1:1  unreachable" in result.stdout
    assert f"openai  127.0.0.1:{server.port}/v1  reachable" in result.stdout
    assert "model   llama3.1:8b" in result.stdout
