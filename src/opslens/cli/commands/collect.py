"""`opslens collect [SOURCES...] -o DIR|FILE.tgz`: read the configured sources live (read-only)
into a bundle that `opslens triage` reads, now or later."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import typer

from opslens.cli.app import app
from opslens.cli.collect_flags import (
    AlertmanagerOpt,
    AllNamespacesOpt,
    ArgoCDOpt,
    ContextOpt,
    JournalDirOpt,
    JournalFileOpt,
    JournalOpt,
    KubeconfigOpt,
    LokiOpt,
    NamespaceOpt,
    PrometheusOpt,
    SelectorOpt,
    SourceFlags,
    build_plan,
    report_source,
)
from opslens.cli.console import fail, info
from opslens.cli.timeopts import parse_tz


@app.command()
def collect(
    sources: list[str] = typer.Argument(None, help="Sources to read (default: every configured one): kubernetes, journald, prometheus, alertmanager, loki, argocd."),
    output: Path = typer.Option(..., "--output", "-o", help="Bundle directory to create, or FILE.tgz."),
    since: str | None = typer.Option(None, help="Start of the window (a duration such as 1h, or a time); default: the since of the collect config table, 1h."),
    until: str | None = typer.Option(None, help="End of the window (default: now)."),
    tz: str = typer.Option("UTC", help="Time zone for --since/--until without one."),
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    namespace: NamespaceOpt = [],  # noqa: B006 - typer reads the default, never mutated
    all_namespaces: AllNamespacesOpt = False,
    selector: SelectorOpt = None,
    prometheus: PrometheusOpt = None,
    alertmanager: AlertmanagerOpt = None,
    loki: LokiOpt = None,
    argocd: ArgoCDOpt = None,
    journal: JournalOpt = False,
    journal_file: JournalFileOpt = [],  # noqa: B006
    journal_dir: JournalDirOpt = [],  # noqa: B006
) -> None:
    """Collect live, read-only: Kubernetes, journald, Prometheus, Alertmanager, Loki, Argo CD."""
    from opslens.collectors import CollectError, collect_bundle

    flags = SourceFlags(kubeconfig, context, namespace, all_namespaces, selector, prometheus, alertmanager, loki, argocd,
                        journal, journal_file, journal_dir)
    settings, window = build_plan(flags, since, until, parse_tz(tz))
    packed = output.name.endswith((".tgz", ".tar.gz"))
    if output.exists() and (packed or any(output.iterdir())):
        fail(f"{output}: already exists{'' if packed else ' and is not empty'}")
    target = Path(tempfile.mkdtemp(prefix="opslens-collect-")) if packed else output
    try:
        result = collect_bundle(settings, target, window, sources or None, on_source=report_source)
        if packed:
            result.bundle.pack(output)
    except CollectError as exc:
        fail(str(exc))
    finally:
        if packed:
            shutil.rmtree(target, ignore_errors=True)
    if not any(o.status == "ok" for o in result.outcomes):
        fail(f"no source could be collected; see {output}", code=1)
    info(f"bundle {output}: {result.ledger.total_requests} requests in {result.seconds:.1f} s; triage it with: opslens triage {output}")
