"""Fixtures for the LLM layer: protocol-faithful local servers, reports, isolated config."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from llm_helpers import TEST_CONFIG, make_report
from servers import FakeOllama, FakeOpenAI, ScriptedServer

from opslens import config
from opslens.report.models import Report


@pytest.fixture(autouse=True)
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own config file and no inherited LLM environment."""
    path = tmp_path / "config.toml"
    path.write_text(TEST_CONFIG)
    monkeypatch.setenv("OPSLENS_CONFIG", str(path))
    # model calls and digests are recorded in the store: never the user's own
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("OPSLENS_DATABASE_URL", raising=False)
    for var in (
        "OLLAMA_HOST",
        "OPENAI_BASE_URL",
        "OPENAI_API_KEY",
        "OPSLENS_LLM_MODEL",
        "TIKTOKEN_CACHE_DIR",
    ):
        monkeypatch.delenv(var, raising=False)
    config.load.cache_clear()
    yield path
    config.load.cache_clear()


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as srv:
        yield srv


@pytest.fixture
def ollama(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> FakeOllama:
    """A fake Ollama with qwen2.5:3b pulled, announced through OLLAMA_HOST."""
    monkeypatch.setenv("OLLAMA_HOST", f"127.0.0.1:{server.port}")
    return FakeOllama(server)


@pytest.fixture
def openai(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    """A fake OpenAI-compatible server, announced through OPENAI_BASE_URL."""
    monkeypatch.setenv("OPENAI_BASE_URL", f"{server.url}/v1")
    return FakeOpenAI(server)


@pytest.fixture
def guard():
    """The real guard; skips cleanly until `opslens.guard` provides its helpers."""
    from opslens.llm.guarding import GuardUnavailable, load_guard

    try:
        return load_guard()
    except GuardUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def report() -> Report:
    return make_report()
