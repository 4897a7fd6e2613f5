"""The app's probes and the `opslens serve` command, over real HTTP and a real process."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from server_helpers import closed_port

from opslens.errors import ConfigError
from opslens.server import ServerSettings, check_bind, load_settings
from opslens.store import Store
from opslens.store.engine import connect_engine


def test_healthz_answers_200(base_url: str) -> None:
    assert httpx.get(base_url + "/healthz").json() == {"status": "ok"}


def test_readyz_is_200_when_the_database_answers(base_url: str) -> None:
    response = httpx.get(base_url + "/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "up"


def test_readyz_is_503_and_healthz_still_200_when_the_database_is_down(
    serve: Callable[..., str], settings: ServerSettings
) -> None:
    down = Store(connect_engine(
        f"postgresql+psycopg://opslens@127.0.0.1:{closed_port()}/opslens?connect_timeout=2"
    ))
    base = serve(settings, down)
    assert httpx.get(base + "/readyz", timeout=20).status_code == 503
    assert httpx.get(base + "/healthz").status_code == 200
    down.close()


def test_openapi_describes_the_webhook(base_url: str) -> None:
    spec = httpx.get(base_url + "/openapi.json").json()
    assert "/api/v1/alerts/alertmanager" in spec["paths"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_hosts_need_no_token(host: str) -> None:
    check_bind(ServerSettings(host=host))


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "example.com"])
def test_other_hosts_need_a_token(host: str) -> None:
    with pytest.raises(ConfigError, match="refusing to listen"):
        check_bind(ServerSettings(host=host))
    check_bind(ServerSettings(host=host, tokens={"ops": "t"}))


def test_tokens_come_from_the_environment_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPSLENS_API_TOKENS", "grafana=tok1, ci=tok2")
    monkeypatch.setenv("OPSLENS_API_TOKEN", "tok0")
    monkeypatch.setenv("OPSLENS_ALERTMANAGER_TOKEN", "tok3")
    assert load_settings().named_tokens() == {
        "grafana": "tok1", "ci": "tok2", "default": "tok0", "alertmanager": "tok3"
    }


def test_a_malformed_token_list_names_the_item_not_the_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPSLENS_API_TOKENS", "ok=tok1,justasecretvalue")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "item 2" in str(caught.value)
    assert "justasecretvalue" not in str(caught.value)


def _opslens(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "opslens", "serve", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPSLENS_API")}
    env["OPSLENS_DATABASE_URL"] = f"sqlite:///{tmp_path / 'served.db'}"
    return env


def test_serve_refuses_a_non_loopback_host_without_a_token(tmp_path: Path) -> None:
    process = _opslens("--host", "0.0.0.0", env=_env(tmp_path))
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "refusing to listen on 0.0.0.0" in lines[0]


def test_serve_runs_on_loopback_and_answers(tmp_path: Path) -> None:
    port = closed_port()
    process = _opslens("--port", str(port), "--no-worker", env=_env(tmp_path))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/readyz")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        assert response.status_code == 200
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert (tmp_path / "served.db").exists()


def test_serve_on_loopback_without_a_token_makes_one_for_the_run(tmp_path: Path) -> None:
    """No token configured: the API still needs one; it is in a private file, not the log."""
    port = closed_port()
    env = {**_env(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    process = _opslens("--port", str(port), "--no-worker", env=env)
    token_file = tmp_path / "data" / "opslens" / "serve-token"
    try:
        _wait_ready(port, process)
        token = token_file.read_text().strip()
        url = f"http://127.0.0.1:{port}/api/v1/incidents"
        assert httpx.get(url).status_code == 401
        assert httpx.get(url, headers={"Authorization": "Bearer nope"}).status_code == 401
        answer = httpx.get(url, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert len(token) >= 32 and token not in out + err
    assert str(token_file) in err


def test_serve_names_a_bad_setting_in_one_line(tmp_path: Path) -> None:
    process = _opslens("--llm", "gpt", env=_env(tmp_path))
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    (line,) = err.strip().splitlines()
    assert "llm" in line and "Traceback" not in err


def _wait_ready(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/readyz")
            return
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.1)


def test_the_readme_server_config_example_is_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re
    import textwrap

    from opslens import config
    from opslens.server import load_settings

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    (block,) = re.findall(r"```toml\n( *\[server\]\n.*?)```", readme, re.DOTALL)
    path = tmp_path / "config.toml"
    path.write_text(textwrap.dedent(block))
    monkeypatch.setenv("OPSLENS_CONFIG", str(path))
    config.load.cache_clear()
    settings = load_settings()
    assert settings.correlation_window.total_seconds() == 1800
    assert settings.scope_labels["service"] == ["service", "app"]
    assert settings.llm == "ollama"
