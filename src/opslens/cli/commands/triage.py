"""`opslens triage PATH...`: the main job. Thin: options -> triage pipeline -> render."""

from __future__ import annotations

import enum
from pathlib import Path

import typer

from opslens.cli.app import app
from opslens.cli.console import err, fail, info, warn
from opslens.cli.timeopts import parse_time, parse_tz


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
    paths: list[str] = typer.Argument(..., help="Files, directories, archives (.tar.gz, .tgz, .zip, .gz) or - for stdin."),
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
) -> None:
    """Triage an incident from native tool outputs and print a grounded incident brief."""
    from opslens.pipeline import TriageOptions, run_triage
    from opslens.sources.ingest import Skipped

    zone = parse_tz(tz)
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

    def on_skip(s: Skipped) -> None:
        warn(f"{s.source}: {s.reason}")

    with _progress() as progress:
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
