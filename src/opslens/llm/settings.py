"""The `[llm]` configuration table and its resolution: CLI flags > environment > file > defaults.

`OLLAMA_HOST` is parsed exactly as Ollama's own `envconfig.Host()` does (host, host:port or
URL; default `http://127.0.0.1:11434`), so opslens talks to the same server `ollama` does.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, RootModel

from opslens import config

DEFAULT_OLLAMA_PORT = 11434
DEFAULT_OPENAI_BASE = "https://api.openai.com/v1"


class Mode(StrEnum):
    """What `--llm` asks for."""

    NONE = "none"
    AUTO = "auto"
    OLLAMA = "ollama"
    OPENAI = "openai"


class Task(StrEnum):
    """What a model is asked to do; each task has its own ordered model list."""

    SUMMARIZE = "summarize"
    EXPLAIN = "explain"
    CHAT = "chat"


class Price(BaseModel):
    """USD per million tokens."""

    model_config = ConfigDict(extra="forbid")
    input: float = Field(0.0, ge=0)
    output: float = Field(0.0, ge=0)


class RouteTarget(BaseModel):
    """One entry of a route: a model, optionally on a provider other than the default."""

    model_config = ConfigDict(extra="forbid")
    model: str
    provider: str | None = None


#: Small instruction-tuned models that run on a laptop, best first. Used only when the user
#: configured nothing; `auto` picks the first one that is pulled.
DEFAULT_ROUTE = ("qwen2.5:7b", "llama3.1:8b", "qwen2.5:3b", "llama3.2:3b", "mistral:7b")


class LLMConfig(BaseModel):
    """The `[llm]` table of `config.toml`."""

    model_config = ConfigDict(extra="forbid")

    provider: Mode = Mode.AUTO
    model: str | None = None
    ollama_host: str | None = None
    openai_base_url: str | None = None
    openai_api_key: str | None = Field(None, description="Prefer the OPENAI_API_KEY variable.")
    connect_timeout: float = Field(3.0, gt=0)
    first_token_timeout: float = Field(120.0, gt=0, description="Includes model load time.")
    total_timeout: float = Field(300.0, gt=0)
    probe_timeout: float = Field(0.5, gt=0, description="How long `auto` waits for Ollama.")
    retries: int = Field(2, ge=0, le=10)
    backoff: float = Field(0.5, ge=0)
    context: int | None = Field(None, gt=0, description="Context window to use (num_ctx).")
    default_context: int = Field(8192, gt=0)
    max_output_tokens: int = Field(1200, gt=0)
    temperature: float = Field(0.1, ge=0)
    seed: int | None = 7
    keep_alive: str | None = None
    json_schema: bool = Field(True, description="Ask OpenAI-compatible servers for json_schema.")
    routes: dict[Task, list[str | RouteTarget]] = Field(default_factory=dict)
    prices: dict[str, Price] = Field(default_factory=dict)
    daily_token_budget: int | None = Field(
        None, gt=0, description="Tokens in+out per UTC day; past it triage runs --llm none."
    )


class PromptVersions(RootModel[dict[str, str]]):
    """The `[prompts]` table: prompt name -> active version, e.g. `triage_summary = "v1"`."""

    root: dict[str, str] = Field(default_factory=dict)


@dataclass(frozen=True)
class Timeouts:
    connect: float
    first_token: float
    total: float


@dataclass(frozen=True)
class RetryPolicy:
    retries: int
    backoff: float
    max_backoff: float = 8.0


@dataclass(frozen=True)
class Settings:
    """Everything the LLM layer needs, resolved once per command."""

    mode: Mode
    model: str | None
    ollama_url: str
    openai_base_url: str
    openai_base_explicit: bool
    openai_api_key: str | None
    timeouts: Timeouts
    probe_timeout: float
    retry: RetryPolicy
    context: int | None
    default_context: int
    max_output_tokens: int
    temperature: float
    seed: int | None
    keep_alive: str | None
    json_schema: bool
    routes: dict[Task, tuple[RouteTarget, ...]] = field(default_factory=dict)
    prices: dict[str, Price] = field(default_factory=dict)
    prompt_versions: dict[str, str] = field(default_factory=dict)


def load_settings(
    *, mode: str | Mode | None = None, model: str | None = None, env: dict[str, str] | None = None
) -> Settings:
    """Resolve settings: CLI arguments > environment > config file > defaults."""
    env = os.environ if env is None else env
    file = config.section("llm", LLMConfig)
    prompts = config.section("prompts", PromptVersions)
    chosen = Mode(mode) if mode is not None else file.provider
    if chosen is Mode.AUTO and mode is not None and file.provider is not Mode.AUTO:
        chosen = file.provider  # `auto` defers to an explicit provider in the file
    base_env = _env(env, "OPENAI_BASE_URL")
    base = base_env or file.openai_base_url
    return Settings(
        mode=chosen,
        model=model or _env(env, "OPSLENS_LLM_MODEL") or file.model,
        ollama_url=_ollama_url(env, file),
        openai_base_url=(base or DEFAULT_OPENAI_BASE).rstrip("/"),
        openai_base_explicit=base is not None,
        openai_api_key=_env(env, "OPENAI_API_KEY") or file.openai_api_key,
        timeouts=Timeouts(file.connect_timeout, file.first_token_timeout, file.total_timeout),
        probe_timeout=file.probe_timeout,
        retry=RetryPolicy(file.retries, file.backoff),
        context=file.context,
        default_context=file.default_context,
        max_output_tokens=file.max_output_tokens,
        temperature=file.temperature,
        seed=file.seed,
        keep_alive=file.keep_alive,
        json_schema=file.json_schema,
        routes={task: tuple(_target(t) for t in items) for task, items in file.routes.items()},
        prices=dict(file.prices),
        prompt_versions=dict(prompts.root),
    )


def _target(item: str | RouteTarget) -> RouteTarget:
    return RouteTarget(model=item) if isinstance(item, str) else item


def _env(env: dict[str, str] | os._Environ[str], key: str) -> str | None:
    value = env.get(key, "").strip()
    return value or None


def _ollama_url(env: dict[str, str] | os._Environ[str], file: LLMConfig) -> str:
    raw = env.get("OLLAMA_HOST")
    if raw is None or not raw.strip():
        raw = file.ollama_host or ""
    return parse_ollama_host(raw)


def parse_ollama_host(value: str) -> str:
    """`OLLAMA_HOST` as Ollama reads it, returned as a connectable base URL.

    Mirrors `envconfig.Host()` + `ConnectableHost()`: quotes and spaces trimmed; no scheme
    means http; default port 11434 (80/443 when an http/https scheme is given without one);
    a path is kept; an invalid port falls back to the default; the unspecified addresses
    0.0.0.0 and :: (valid for binding, not for connecting) become loopback.
    """
    s = value.strip().strip("\"'").strip()
    default_port = str(DEFAULT_OLLAMA_PORT)
    scheme, sep, hostport = s.partition("://")
    if not sep:
        scheme, hostport = "http", s
        if s == "ollama.com":
            scheme, hostport = "https", "ollama.com:443"
    elif scheme == "http":
        default_port = "80"
    elif scheme == "https":
        default_port = "443"
    hostport, _, path = hostport.partition("/")
    split = _split_host_port(hostport)
    if split is None:
        host, port = "127.0.0.1", default_port
        bare = hostport.strip("[]")
        if _is_ip(bare):
            host = str(ipaddress.ip_address(bare))
        elif hostport:
            host = hostport
    else:
        host, port = split
    if not port.isdigit() or int(port) > 65535:
        port = default_port
    host = _connectable(host)
    shown = f"[{host}]" if ":" in host else host
    url = f"{scheme}://{shown}:{port}"
    return f"{url}/{path}".rstrip("/") if path else url


def _split_host_port(hostport: str) -> tuple[str, str] | None:
    """Go's `net.SplitHostPort`: needs a port; IPv6 hosts must be bracketed."""
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0 or not hostport[end + 1 :].startswith(":"):
            return None
        return hostport[1:end], hostport[end + 2 :]
    if hostport.count(":") != 1:
        return None
    host, port = hostport.split(":")
    return host, port


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _connectable(host: str) -> str:
    if host == "":
        return "127.0.0.1"  # Go dials ":port" on the local system
    if _is_ip(host) and ipaddress.ip_address(host).is_unspecified:
        return "127.0.0.1" if ipaddress.ip_address(host).version == 4 else "::1"
    return host
