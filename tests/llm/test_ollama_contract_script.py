"""bench/ollama_contract.py, the by-hand check against a real Ollama, run here against the
protocol-faithful local server: it passes where the server keeps the contract and says FAIL
(exit 1) where it does not."""

from __future__ import annotations

import pytest
from servers import FakeOllama

from bench.ollama_contract import main


def test_the_contract_holds_against_a_faithful_server(ollama: FakeOllama, capsys: pytest.CaptureFixture[str]) -> None:
    ollama.default_answer = '{"answer": "blue"}'
    assert main([f"127.0.0.1:{ollama.server.port}"]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out
    assert "ok   a model that is not pulled is a MODEL_NOT_FOUND error naming the pull command" in out
    assert "structured answer:" in out and "tokens/s generated" in out


def test_an_answer_that_breaks_the_schema_is_a_failure(ollama: FakeOllama, capsys: pytest.CaptureFixture[str]) -> None:
    ollama.default_answer = "The sky is blue."
    assert main([f"127.0.0.1:{ollama.server.port}", "--model", "qwen2.5:3b"]) == 1
    assert "FAIL a schema-constrained answer is JSON with the field" in capsys.readouterr().out
