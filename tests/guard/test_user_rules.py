"""User rules from a real config.toml in a temporary XDG_CONFIG_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest

from opslens import config
from opslens.errors import ConfigError
from opslens.guard import CommandGuard, Label

CONFIG = """
[guard]
pii = true

[guard.commands]
"kubectl neat" = "read_only"
"deployctl" = "mutating"
"deployctl status" = "read_only"
"rm" = "read_only"

[guard.tools.acmectl]
aliases = ["acme"]
empty = "read_only"
sub = { status = "read_only", deploy = "mutating", purge = ["destructive", "wipes the tenant"] }

[guard.secret_patterns]
acme-token = "\\\\b(acme_[a-z0-9]{12})\\\\b"
"""


@pytest.fixture
def user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "opslens" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("OPSLENS_CONFIG", raising=False)
    config.load.cache_clear()
    yield path
    config.load.cache_clear()


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("kubectl neat get pod x", Label.READ_ONLY),
        ("deployctl rollout prod", Label.MUTATING),
        ("deployctl status", Label.READ_ONLY),
        ("acmectl status", Label.READ_ONLY),
        ("acme purge tenant-1", Label.DESTRUCTIVE),
        ("acmectl frobnicate", Label.UNKNOWN),
        ("kubectl delete pod x", Label.DESTRUCTIVE),
    ],
)
def test_user_rules_extend_and_override(user_config: Path, command: str, expected: Label) -> None:
    guard = CommandGuard()
    assert guard.classify(command).label is expected


def test_user_override_still_combines_with_the_rest(user_config: Path) -> None:
    guard = CommandGuard()
    verdict = guard.classify("deployctl status && kubectl delete ns x")
    assert verdict.label is Label.DESTRUCTIVE


def test_guard_config_feeds_the_redactor(user_config: Path) -> None:
    from opslens.guard.config import load_guard_config

    settings = load_guard_config()
    assert settings.pii is True
    assert settings.secret_patterns["acme-token"]


def test_invalid_user_rule_is_a_one_line_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "opslens" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[guard.commands]\n"x" = "harmless"\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    config.load.cache_clear()
    try:
        with pytest.raises(ConfigError) as info:
            CommandGuard()
        assert "\n" not in str(info.value)
    finally:
        config.load.cache_clear()


def test_invalid_user_tool_names_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "opslens" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[guard.tools.bad]\nsub = { x = "maybe" }\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    config.load.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"bad\.sub\.x"):
            CommandGuard()
    finally:
        config.load.cache_clear()
