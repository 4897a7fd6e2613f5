"""`opslens triage PATH...`: the main job. Thin: options -> triage pipeline -> render."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

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
from opslens.cli.console import err, fail, info, warn
from opslens.cli.store_access import DbOption
from opslens.cli.timeopts import parse_time, parse_tz

if TYPE_CHECKING:
    from opslens.report.models import Report
    from opslens.store import Store


class OutputFormat(enum.StrEnum):
    markdown = "markdown"
    json = "json"


class LLMChoice(enum.StrEnum):
    none = "none"
    auto = "auto"
    ollama = "ollama"
    openai = "openai"


@app.command()
def triage(
    paths: list[str] = typer.Argument(None, help="Files, directories, archives (.tar.gz, .tgz, .zip, .gz) or - for stdin (optional with --live)."),
    fmt: OutputFormat = typer.Option(OutputFormat.markdown, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to FILE instead of stdout."),
    since: str | None = typer.Option(None, help="Ignore events before T (ISO 8601, or a duration like 2h meaning 2h ago)."),
    until: str | None = typer.Option(None, help="Ignore events after T (same forms as --since)."),
    tz: str = typer.Option("UTC", help="Time zone for timestamps that carry none (e.g. Europe/Berlin)."),
    now: str | None = typer.Option(None, "--now", help="When pasted output (kubectl describe, get events) was taken: relative ages count back from it. Default: the newest time in the inputs, marked inferred."),
    llm: LLMChoice = typer.Option(LLMChoice.auto, help="Model for the narrative: none, auto (Ollama if reachable), ollama, openai."),
    model: str | None = typer.Option(None, help="Model name (e.g. qwen2.5:3b); default from config."),
    runbooks: list[Path] = typer.Option([], "--runbooks", help="Runbook directory to recommend from (repeatable)."),
    status_update: bool = typer.Option(False, "--status-update", help="Print only a short stakeholder update."),
    save: bool = typer.Option(False, "--save", help="Save the report in the incident store (prints the reference on stderr)."),
    incident: str | None = typer.Option(None, "--incident", metavar="REF", help="Save as a new version of incident REF (implies --save)."),
    db: DbOption = None,
    keep_inputs: bool = typer.Option(False, "--keep-inputs", help="Also store the (redacted) input texts (implies --save)."),
    live: bool = typer.Option(False, "--live", help="Collect the configured sources now (read-only, as opslens collect does) and triage them with PATHS."),
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
    """Triage an incident from native tool outputs and print a grounded incident brief."""
    from opslens.pipeline import TriageOptions, run_triage
    from opslens.sources.ingest import Skipped

    zone = parse_tz(tz)
    paths = paths or []
    if not paths and not live:
        fail("give the files to triage (PATHS), or --live to collect them now")
    flags = SourceFlags(kubeconfig, context, namespace, all_namespaces, selector, prometheus, alertmanager, loki, argocd,
                        journal, journal_file, journal_dir)
    plan = build_plan(flags, since, until, zone) if live else None
    options = TriageOptions(
        paths=paths,
        tz=zone,
        since=parse_time(since, zone, "--since"),
        until=parse_time(until, zone, "--until"),
        now=parse_time(now, zone, "--now"),
        llm=llm.value,
        model=model,
        runbook_dirs=[str(p) for p in runbooks],
    )

    save = save or incident is not None or keep_inputs
    from opslens.llmops.recorder import CallLog

    calls = CallLog()  # every model call, recorded with the report
    telemetry = _telemetry(options.llm)
    options.observer = calls if telemetry is None else _both(calls, telemetry)
    budget = _daily_budget(options.llm)
    if db is not None and not save:
        warn("--db has no effect without --save")

    def on_skip(s: Skipped) -> None:
        warn(f"{s.source}: {s.reason}")

    # Opened before the triage (a bad URL or reference fails before a long run), saved into after.
    with _target(db, incident, save or budget is not None) as store:
        if store is not None and budget is not None:
            from opslens.llmops.budget import budget_notice

            notice = budget_notice(store, budget)
            if notice:
                info(notice)
                options.llm = "none"
        stdin = None
        if store is not None and "-" in paths:
            from opslens.cli.manifest import capture_stdin

            stdin = capture_stdin()
        with _progress() as progress:
            if plan is not None:
                from opslens.pipeline import collect_and_triage

                outcome = collect_and_triage(options, plan, on_skip=on_skip, on_progress=progress, on_source=report_source)
            else:
                outcome = run_triage(options, on_skip=on_skip, on_progress=progress)
        for notice in outcome.notices:
            info(notice)
        if outcome.report is None:
            fail(outcome.error or "no usable input")
        report = outcome.report
        if status_update:
            text = (report.status_update or report.summary) + "\n"
        elif fmt is OutputFormat.json:
            text = report.model_dump_json(indent=2, by_alias=True, exclude_none=False) + "\n"
        else:
            from opslens.report.markdown import render_markdown

            text = render_markdown(report)
        if output is not None:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as exc:
                fail(f"{output}: cannot write report: {exc.strerror or exc}")
        else:
            typer.echo(text, nl=False)
        if store is not None and save:
            _save(store, report, paths, stdin, incident=incident, keep_inputs=keep_inputs,
                  llm_calls=calls.records())
        elif store is not None:
            calls.write_to(store)  # a budget counts every call, saved triage or not


def _telemetry(llm: str):  # noqa: ANN202 (GenAIExporter | None, whose module loads lazily)
    """The OTLP GenAI exporter when an endpoint is configured and a model may be asked (its
    meter provider exports what is pending when the process exits)."""
    if llm == "none":
        return None
    from opslens.cli.store_access import one_line_errors
    from opslens.llmops.otel import configured_endpoint, exporter_from_config

    if configured_endpoint() is None:
        return None
    with one_line_errors():
        return exporter_from_config()


def _both(*observers):  # noqa: ANN002, ANN202
    from opslens.llmops.observers import Fanout

    return Fanout(*observers)


def _daily_budget(llm: str) -> int | None:
    """`[llm] daily_token_budget` when a model may be asked (then the store is opened)."""
    if llm == "none":
        return None
    from opslens.llmops.budget import daily_budget

    return daily_budget()


@contextmanager
def _target(db: str | None, incident: str | None, save: bool) -> Iterator[Store | None]:
    """The store to save into (opened and migrated, the incident checked when one is named),
    or None without --save. One store for the check and the save."""
    if not save:
        yield None
        return
    from opslens.cli.store_access import one_line_errors
    from opslens.store import open_store

    with one_line_errors():
        store = open_store(db)
    with store:
        if incident is not None:
            with one_line_errors():
                store.get_incident(incident)
        yield store


def _save(store: Store, report: Report, paths: list[str], stdin: bytes | None, *, incident: str | None, keep_inputs: bool, llm_calls: list | None = None) -> None:
    """Store the report; the reference and similar past incidents go to stderr."""
    from opslens.cli.manifest import build_manifest
    from opslens.cli.store_access import one_line_errors

    built = build_manifest(paths, report, stdin=stdin, keep=keep_inputs)
    for name in built.not_kept:
        warn(f"{name}: text not kept (over the size cap of kept inputs); its name, size and sha256 are")
    with one_line_errors():
        saved = store.save_report(report, built.manifest, incident_ref=incident, inputs=built.inputs, llm_calls=llm_calls)
    err.print(f"saved {saved.ref} (version {saved.version})", markup=False)
    if saved.similar:
        err.print("similar past incidents:", markup=False)
    for s in saved.similar:
        err.print(s.describe(lead="  ", nest="    - "), markup=False)


class _progress:
    """A transient event counter on stderr, only when stderr is a terminal."""

    def __enter__(self):  # noqa: ANN204
        self._live = None
        if err.is_terminal:
            from rich.progress import Progress, SpinnerColumn, TextColumn

            self._live = Progress(SpinnerColumn(), TextColumn("ingesting: {task.completed:,} events"), console=err, transient=True)
            self._live.start()
            self._task = self._live.add_task("ingest", total=None)
        return self

    def __call__(self, events: int) -> None:
        if self._live is not None:
            self._live.update(self._task, completed=events)

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.stop()
