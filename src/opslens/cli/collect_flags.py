"""The source flags `opslens collect` and `opslens triage --live` share, and what they build:
collector settings (flags over the `[collect]` table) and the collection window."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import tzinfo
from typing import Annotated

import typer
from rich.markup import escape

from opslens.cli.console import err
from opslens.cli.timeopts import parse_time

KubeconfigOpt = Annotated[str | None, typer.Option("--kubeconfig", metavar="PATH", help="Kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or the pod's service account).")]
ContextOpt = Annotated[str | None, typer.Option("--context", help="Kubeconfig context (default: the current one).")]
NamespaceOpt = Annotated[list[str], typer.Option("--namespace", "-n", help="Namespace to collect (repeatable; default: the context's).")]
AllNamespacesOpt = Annotated[bool, typer.Option("--all-namespaces", "-A", help="Collect every namespace.")]
SelectorOpt = Annotated[str | None, typer.Option("--selector", "-l", help="Label selector for pods and workloads (e.g. app=web).")]
PrometheusOpt = Annotated[str | None, typer.Option("--prometheus", metavar="URL", help="Prometheus base URL.")]
AlertmanagerOpt = Annotated[str | None, typer.Option("--alertmanager", metavar="URL", help="Alertmanager base URL.")]
LokiOpt = Annotated[str | None, typer.Option("--loki", metavar="URL", help="Loki base URL.")]
ArgoCDOpt = Annotated[str | None, typer.Option("--argocd", metavar="URL", help="Argo CD API server URL (token from the collect.argocd config table).")]
JournalOpt = Annotated[bool, typer.Option("--journal", help="Read this host's journal with journalctl.")]
JournalFileOpt = Annotated[list[str], typer.Option("--journal-file", metavar="PATH", help="Journal file for journalctl --file (repeatable).")]
JournalDirOpt = Annotated[list[str], typer.Option("--journal-dir", metavar="DIR", help="Journal directory for journalctl --directory (repeatable).")]


@dataclass
class SourceFlags:
    kubeconfig: str | None = None
    context: str | None = None
    namespaces: list[str] | None = None
    all_namespaces: bool = False
    selector: str | None = None
    prometheus: str | None = None
    alertmanager: str | None = None
    loki: str | None = None
    argocd: str | None = None
    journal: bool = False
    journal_files: list[str] | None = None
    journal_dirs: list[str] | None = None


def build_plan(flags: SourceFlags, since: str | None, until: str | None, tz: tzinfo):  # noqa: ANN201 - (settings, window)
    """Collector settings and the window [since, until] (since defaults to [collect] since)."""
    from opslens.collectors.base import Window
    from opslens.collectors.settings import load_settings, with_flags

    settings = with_flags(load_settings(), **vars(flags))
    end = parse_time(until, tz, "--until") or time.time()
    start = parse_time(since or settings.since, tz, "--since")
    if start is None or start >= end:
        raise typer.BadParameter("--since must be before --until")
    return settings, Window(start, end)


def report_source(outcome) -> None:  # noqa: ANN001 - collectors.SourceOutcome (imported lazily)
    """One progress line per source on stderr."""
    mark = {"ok": "[green]ok[/green]", "failed": "[red]failed[/red]", "skipped": "[dim]skipped[/dim]"}[outcome.status]
    figures = f" ({outcome.files} files, {outcome.requests} requests, {outcome.seconds:.1f} s)" if outcome.status == "ok" else ""
    detail = f": {escape(outcome.detail)}" if outcome.detail else ""
    err.print(f"{outcome.source} {mark}{detail}{figures}", markup=True)
