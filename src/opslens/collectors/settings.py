"""Where the sources are and how much to take from them: the `[collect]` config table, with
flags laid over it (flags > environment > file > defaults, as everywhere in opslens).

Secrets are never values in the file: a token or password is named by the environment variable
or the file that holds it (`bearer_token_env`, `bearer_token_file`, `password_env`,
`password_file`), read when a request is made, and never written to the bundle or a log.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from opslens.collectors.errors import CollectError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HttpAuth(_Strict):
    """Auth and TLS for one HTTP API."""

    bearer_token_env: str | None = None
    bearer_token_file: str | None = None
    username: str | None = None
    password_env: str | None = None
    password_file: str | None = None
    ca_file: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    insecure_skip_verify: bool = False

    def bearer_token(self) -> str | None:
        """The token, read from its variable or file now (never stored in settings)."""
        return _secret(self.bearer_token_env, self.bearer_token_file, "bearer token")

    def password(self) -> str | None:
        return _secret(self.password_env, self.password_file, "password")


class HttpSource(HttpAuth):
    """An HTTP API to read: its base URL, auth, timeout and output cap."""

    url: str | None = None
    timeout: float = Field(10.0, gt=0)
    max_bytes: int = Field(16 * 1024 * 1024, gt=0)


class PrometheusSource(HttpSource):
    #: A YAML file of named PromQL (`name: expr`) added to the default RED/USE set.
    queries_file: str | None = None
    #: Replaces the default set instead of extending it.
    replace_default_queries: bool = False
    #: Resolution of query_range, seconds; default: the window / 250, at least 15 s.
    step: float | None = Field(None, gt=0)
    #: The `${service}` of the queries (a regex); `.+` when unset.
    service: str | None = None
    #: Firing alerts whose expression's series are fetched, at most.
    max_alert_series: int = Field(20, ge=0)


class LokiSource(HttpSource):
    #: LogQL of each namespace; `${namespace}` is replaced by the namespace.
    query: str = '{namespace="${namespace}"}'
    limit: int = Field(5000, gt=0)


class ArgoCDSource(HttpSource):
    #: Application names to read; all the token can see when empty.
    applications: list[str] = []
    project: str | None = None


class KubernetesSource(_Strict):
    kubeconfig: str | None = None
    context: str | None = None
    namespaces: list[str] = []
    all_namespaces: bool = False
    selector: str | None = None
    timeout: float = Field(15.0, gt=0)
    page_size: int = Field(500, gt=0)
    #: Objects of one kind kept, at most (further pages are not fetched).
    max_items: int = Field(20000, gt=0)
    #: Containers whose logs are fetched, at most (the unhealthy ones, most restarted first).
    max_log_containers: int = Field(20, ge=0)
    log_tail_lines: int = Field(300, gt=0)
    log_max_bytes: int = Field(512 * 1024, gt=0)
    max_bytes: int = Field(64 * 1024 * 1024, gt=0)


class JournalSource(_Strict):
    #: Read this host's journal (`journalctl` with no --file/--directory).
    local: bool = False
    files: list[str] = []
    directories: list[str] = []
    units: list[str] = []
    priority: str | None = None
    max_lines: int = Field(50000, gt=0)
    max_bytes: int = Field(64 * 1024 * 1024, gt=0)
    timeout: float = Field(30.0, gt=0)
    #: Plain syslog files copied into the bundle (their last `max_bytes`).
    syslog_files: list[str] = []


class CollectSettings(_Strict):
    """The `[collect]` table."""

    #: The window, counted back from `until` (a duration such as 1h, 30m, 2d).
    since: str = "1h"
    kubernetes: KubernetesSource = KubernetesSource()
    journal: JournalSource = JournalSource()
    prometheus: PrometheusSource = PrometheusSource()
    alertmanager: HttpSource = HttpSource()
    loki: LokiSource = LokiSource()
    argocd: ArgoCDSource = ArgoCDSource()


def load_settings() -> CollectSettings:
    """The `[collect]` table of the config file (defaults when absent)."""
    from opslens.config import section

    return section("collect", CollectSettings)


def _secret(env: str | None, file: str | None, what: str) -> str | None:
    if env:
        value = os.environ.get(env)
        if value is None:
            raise CollectError(f"{what}: environment variable {env} is not set")
        return value.strip()
    if file:
        try:
            return Path(file).expanduser().read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise CollectError(f"{what}: cannot read {file}: {exc.strerror or exc}") from exc
    return None


def with_flags(
    settings: CollectSettings,
    *,
    kubeconfig: str | None = None,
    context: str | None = None,
    namespaces: list[str] | None = None,
    all_namespaces: bool = False,
    selector: str | None = None,
    prometheus: str | None = None,
    alertmanager: str | None = None,
    loki: str | None = None,
    argocd: str | None = None,
    journal: bool = False,
    journal_files: list[str] | None = None,
    journal_dirs: list[str] | None = None,
) -> CollectSettings:
    """`settings` with the command-line flags laid over them (a flag given wins)."""
    k8s = settings.kubernetes.model_copy(update=_given(
        kubeconfig=kubeconfig, context=context, namespaces=namespaces or None,
        all_namespaces=all_namespaces or None, selector=selector,
    ))
    journal_conf = settings.journal.model_copy(update=_given(
        local=journal or None, files=journal_files or None, directories=journal_dirs or None,
    ))
    update: dict[str, object] = {"kubernetes": k8s, "journal": journal_conf}
    for name, url in (("prometheus", prometheus), ("alertmanager", alertmanager), ("loki", loki), ("argocd", argocd)):
        if url:
            update[name] = getattr(settings, name).model_copy(update={"url": url})
    return settings.model_copy(update=update)


def _given(**values: object) -> dict[str, object]:
    return {k: v for k, v in values.items() if v is not None}
