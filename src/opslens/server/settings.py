"""`ServerSettings`: everything `opslens serve` is configured with, and the bind check.

Precedence as everywhere in opslens: CLI flags > environment > config file `[server]` >
defaults. Tokens come from `[server.tokens]` (name = token), `OPSLENS_API_TOKENS`
(`name=token,name2=token2`) and `OPSLENS_API_TOKEN` (named `default`); Alertmanager may have
its own token (`alertmanager_token`, env `OPSLENS_ALERTMANAGER_TOKEN`, named `alertmanager`).
"""

from __future__ import annotations

import ipaddress
import json
import os
from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from opslens.errors import ConfigError

__all__ = [
    "ServerSettings", "check_bind", "is_loopback", "load_settings", "parse_token_list",
    "settings_from_json", "settings_to_json",
]

_MB = 1024 * 1024


class ServerSettings(BaseModel):
    """The `[server]` table of the config file, plus what the environment and flags add."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    tokens: dict[str, SecretStr] = Field(default_factory=dict)
    alertmanager_token: SecretStr | None = None
    webhook_max_bytes: int = Field(default=5 * _MB, gt=0)
    upload_max_bytes: int = Field(default=50 * _MB, gt=0)
    # Uploads above this are triaged by the worker: 202 and a job id instead of the report.
    inline_max_bytes: int = Field(default=8 * _MB, ge=0)
    spool_dir: str | None = None  # None: $XDG_DATA_HOME/opslens/spool
    correlation_window: timedelta = timedelta(minutes=30)
    mitigate_after: timedelta = timedelta(minutes=10)
    # Correlation scope: for each role (cluster, namespace, service), the alert label names
    # tried in order, e.g. {"cluster": ["k8s_cluster"], "service": ["service", "app"]}.
    scope_labels: dict[str, list[str]] = Field(default_factory=lambda: {
        "cluster": ["cluster"], "namespace": ["namespace", "exported_namespace"],
        "service": ["service"]})
    job_timeout: timedelta = timedelta(seconds=300)
    job_retries: int = Field(default=3, ge=0)
    worker: bool = True
    # HTTP processes. More than one shares the CPU of an alert storm across cores; the triage
    # worker stays one process beside them.
    workers: int = Field(default=1, ge=1, le=64)
    # Signs the web UI's session cookies and CSRF tokens. None: a secret made at startup (then
    # a restart logs everyone out); set it for several replicas behind one address.
    session_secret: SecretStr | None = None
    # The background triage's narrative model, as `opslens triage --llm` (the [llm] config
    # table says where Ollama or the OpenAI-compatible endpoint is).
    llm: Literal["none", "auto", "ollama", "openai"] = "auto"
    model: str | None = None
    db: str | None = None  # None: the store's own resolution (OPSLENS_DATABASE_URL, [store] url)
    # Live collectors the background triage runs for an incident (as `opslens collect` does,
    # set up by the [collect] table, in the namespaces its alerts name), added to its alerts.
    # Empty: the alerts alone.
    collect: list[str] = Field(default_factory=list)
    # How far before the incident's first alert the collectors look back.
    collect_lookback: timedelta = timedelta(hours=1)

    def named_tokens(self) -> dict[str, str]:
        """Every accepted token by name (the Alertmanager one as `alertmanager`)."""
        named = {name: token.get_secret_value() for name, token in self.tokens.items()}
        if self.alertmanager_token is not None:
            named["alertmanager"] = self.alertmanager_token.get_secret_value()
        return {name: token for name, token in named.items() if token}

    def has_token(self) -> bool:
        return bool(self.named_tokens())


def parse_token_list(text: str, source: str = "OPSLENS_API_TOKENS") -> dict[str, str]:
    """`name=token,name2=token2` as a dict; ConfigError (naming no token) on a bad item."""
    found: dict[str, str] = {}
    for index, item in enumerate(part.strip() for part in text.split(",")):
        if not item:
            continue
        name, sep, token = item.partition("=")
        if not sep or not name.strip() or not token.strip():
            raise ConfigError(f"{source}: item {index + 1} is not name=token")
        found[name.strip()] = token.strip()
    return found


def load_settings(**overrides: object) -> ServerSettings:
    """Config `[server]`, then the environment, then `overrides` (flags; None values ignored)."""
    from opslens.config import section

    settings = section("server", ServerSettings)
    tokens = {name: token.get_secret_value() for name, token in settings.tokens.items()}
    tokens.update(parse_token_list(os.environ.get("OPSLENS_API_TOKENS", "")))
    if single := os.environ.get("OPSLENS_API_TOKEN", "").strip():
        tokens["default"] = single
    update: dict[str, object] = {"tokens": tokens}
    if am := os.environ.get("OPSLENS_ALERTMANAGER_TOKEN", "").strip():
        update["alertmanager_token"] = am
    if secret := os.environ.get("OPSLENS_SESSION_SECRET", "").strip():
        update["session_secret"] = secret
    update.update({key: value for key, value in overrides.items() if value is not None})
    try:
        return ServerSettings.model_validate({**settings.model_dump(), **update})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"server setting {where}: {first['msg']}") from None


def is_loopback(host: str) -> bool:
    """True for `localhost` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(settings: ServerSettings) -> None:
    """ConfigError (one line) for a non-loopback host when no API token is configured."""
    if not is_loopback(settings.host) and not settings.has_token():
        raise ConfigError(
            f"refusing to listen on {settings.host}: no API token is configured "
            "(set OPSLENS_API_TOKEN or [server.tokens], or bind to 127.0.0.1)"
        )


def settings_to_json(settings: ServerSettings) -> str:
    """The settings with their secrets in clear, for the server's own HTTP processes (handed
    over in their environment, which only the same user can read)."""
    data = settings.model_dump(mode="json", exclude={"tokens", "alertmanager_token",
                                                      "session_secret"})
    data["tokens"] = {name: token.get_secret_value() for name, token in settings.tokens.items()}
    for key in ("alertmanager_token", "session_secret"):
        value = getattr(settings, key)
        data[key] = value.get_secret_value() if value is not None else None
    return json.dumps(data)


def settings_from_json(text: str) -> ServerSettings:
    """`settings_to_json` read back."""
    return ServerSettings.model_validate_json(text)
