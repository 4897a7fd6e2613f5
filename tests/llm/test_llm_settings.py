"""Configuration: OLLAMA_HOST as Ollama parses it, and CLI > environment > file precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from opslens import config
from opslens.errors import ConfigError
from opslens.llm.settings import Mode, Task, load_settings, parse_ollama_host


@pytest.mark.parametrize(
    ("value", "url"),
    [
        ("", "http://127.0.0.1:11434"),
        ("127.0.0.1:11435", "http://127.0.0.1:11435"),
        ("example.com", "http://example.com:11434"),
        ("example.com:1234", "http://example.com:1234"),
        ("http://example.com", "http://example.com:80"),
        ("https://example.com", "https://example.com:443"),
        ("https://example.com:8443/ollama", "https://example.com:8443/ollama"),
        ('  "10.1.2.3:5000" ', "http://10.1.2.3:5000"),
        ("0.0.0.0", "http://127.0.0.1:11434"),
        ("0.0.0.0:11434", "http://127.0.0.1:11434"),
        (":11500", "http://127.0.0.1:11500"),
        ("[::1]:11434", "http://[::1]:11434"),
        ("::1", "http://[::1]:11434"),
        ("[::]:9000", "http://[::1]:9000"),
        ("example.com:port", "http://example.com:11434"),
        ("example.com:99999", "http://example.com:11434"),
        ("ollama.com", "https://ollama.com:443"),
    ],
)
def test_ollama_host_is_parsed_as_ollama_does(value: str, url: str) -> None:
    assert parse_ollama_host(value) == url


def write(path: Path, text: str) -> None:
    path.write_text(text)
    config.load.cache_clear()


def test_precedence_cli_over_env_over_file(
    isolated_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        isolated_config,
        '[llm]\nmodel = "from-file"\nollama_host = "10.0.0.1:1"\nopenai_base_url = "http://file/v1"\n',
    )
    settings = load_settings()
    assert (settings.model, settings.ollama_url, settings.openai_base_url) == (
        "from-file",
        "http://10.0.0.1:1",
        "http://file/v1",
    )
    monkeypatch.setenv("OLLAMA_HOST", "10.0.0.2:2")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://env/v1/")
    monkeypatch.setenv("OPSLENS_LLM_MODEL", "from-env")
    settings = load_settings()
    assert (settings.model, settings.ollama_url, settings.openai_base_url) == (
        "from-env",
        "http://10.0.0.2:2",
        "http://env/v1",
    )
    assert load_settings(model="from-cli").model == "from-cli"


def test_auto_defers_to_a_provider_named_in_the_file(isolated_config: Path) -> None:
    write(isolated_config, '[llm]\nprovider = "openai"\n')
    assert load_settings(mode="auto").mode is Mode.OPENAI
    assert load_settings(mode="ollama").mode is Mode.OLLAMA


def test_routes_prices_and_prompt_versions(isolated_config: Path) -> None:
    write(
        isolated_config,
        '[llm]\nroutes.summarize = ["qwen2.5:7b", {model = "gpt-4o-mini", provider = "openai"}]\n'
        '[llm.prices."gpt-4o-mini"]\ninput = 0.15\noutput = 0.6\n[prompts]\ntriage_summary = "v1"\n',
    )
    settings = load_settings()
    route = settings.routes[Task.SUMMARIZE]
    assert [(t.provider, t.model) for t in route] == [
        (None, "qwen2.5:7b"),
        ("openai", "gpt-4o-mini"),
    ]
    assert settings.prices["gpt-4o-mini"].output == 0.6
    assert settings.prompt_versions == {"triage_summary": "v1"}


def test_invalid_config_is_a_one_line_config_error(isolated_config: Path) -> None:
    write(isolated_config, '[llm]\nretries = "many"\n')
    with pytest.raises(ConfigError, match=r"\[llm.retries\]"):
        load_settings()
