"""`opslens runbooks index DIR...` and `opslens runbooks search ...`."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from opslens.cli.app import app
from opslens.cli.console import fail, info, warn
from opslens.runbooks import RunbookIndex, query_from_alert, query_from_text
from opslens.runbooks.config import load_config, open_index
from opslens.runbooks.index import SearchResult
from opslens.runbooks.inputs import iter_alert_rows, load_alert, result_record

runbooks_app = typer.Typer(
    help="Index a team's runbooks and find the one that applies to an alert.",
    no_args_is_help=True,
)
app.add_typer(runbooks_app, name="runbooks")


class OutputFormat(StrEnum):
    """How results are printed."""

    TEXT = "text"
    JSON = "json"


DbOption = Annotated[
    Path | None, typer.Option("--db", help="Index file (default: the opslens data directory).")
]
EmbeddingsOption = Annotated[
    str | None,
    typer.Option("--embeddings", help="'ollama:MODEL', 'sentence-transformers:MODEL' or 'none'."),
]


@runbooks_app.command("index")
def index_command(
    dirs: Annotated[
        list[Path] | None,
        typer.Argument(help="Folders of Markdown, reST or text runbooks (default: config dirs)."),
    ] = None,
    db: DbOption = None,
    embeddings: EmbeddingsOption = None,
) -> None:
    """Build or incrementally refresh the runbook index (only changed files are re-read)."""
    folders = dirs or load_config().dirs
    if not folders:
        fail("give runbook folders: `opslens runbooks index DIR...` (or set [runbooks] dirs)")
    with open_index(db_path=db, embeddings=embeddings) as idx:
        stats = idx.refresh(folders)
        _print_warnings(idx)
        typer.echo(
            f"{stats.scanned} files: {stats.added} added, {stats.updated} updated, "
            f"{stats.removed} removed, {stats.unchanged + stats.touched} unchanged"
            f"{f', {stats.skipped} skipped (too large)' if stats.skipped else ''} "
            f"in {stats.seconds:.2f}s ({idx.document_count()} searchable) -> {idx.store.path}"
        )


@runbooks_app.command("search")
def search_command(
    text: Annotated[str | None, typer.Argument(help="Free text: a symptom or hypothesis.")] = None,
    alert: Annotated[
        Path | None, typer.Option("--alert", help="JSON file: one alert or a webhook payload.")
    ] = None,
    alerts_jsonl: Annotated[
        Path | None,
        typer.Option("--alerts-jsonl", help="JSONL file, one row with an `alert` per line."),
    ] = None,
    k: Annotated[int, typer.Option("-k", "--top", min=1, help="Results per query.")] = 3,
    output: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.TEXT
    ),
    dirs: Annotated[
        list[Path] | None,
        typer.Option("--dir", help="Refresh and search only these runbook folders."),
    ] = None,
    threshold: Annotated[
        float | None, typer.Option("--threshold", min=0.0, max=1.0, help="Abstention threshold.")
    ] = None,
    db: DbOption = None,
    embeddings: EmbeddingsOption = None,
) -> None:
    """Rank runbooks for free text, an alert file, or a JSONL file of alerts."""
    given = [x for x in (text, alert, alerts_jsonl) if x is not None]
    if len(given) != 1:
        fail("give exactly one of TEXT, --alert FILE or --alerts-jsonl FILE")
    roots = dirs or load_config().dirs or None
    with open_index(db_path=db, embeddings=embeddings, threshold=threshold) as idx:
        if roots:
            idx.refresh(roots)
        if idx.document_count() == 0:
            fail("no runbooks indexed yet: run `opslens runbooks index DIR` or pass --dir DIR")
        scope = roots if dirs else None
        if alerts_jsonl is not None:
            _search_many(idx, alerts_jsonl, k, scope)
        else:
            query = query_from_alert(load_alert(alert)) if alert else query_from_text(text or "")
            _print_result(idx.search_detailed(query, k, roots=scope), output)
        _print_warnings(idx)


def _search_many(idx: RunbookIndex, path: Path, k: int, roots: list[Path] | None) -> None:
    """One JSON line out per row in, same order, carrying the row's `id` when it has one."""
    for row, alert in iter_alert_rows(path):
        result = idx.search_detailed(query_from_alert(alert), k, roots=roots)
        record = {"id": row["id"]} if "id" in row else {}
        record.update(result_record(result))
        typer.echo(json.dumps(record))


def _print_result(result: SearchResult, output: OutputFormat) -> None:
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(result_record(result, full=True), indent=2))
        return
    if result.abstained:
        info(f"no runbook matches well enough (best score {result.best_score:.2f} "
             f"< threshold {result.threshold:.2f})")
        return
    for rank, hit in enumerate(result.hits, start=1):
        where = " > ".join(hit.heading_path) or hit.section or "(top)"
        typer.echo(f"{rank}. {hit.path}:{hit.line}  [{where}]  score {hit.score:.2f}")
        for line in hit.excerpt.splitlines():
            typer.echo(f"     {line}")


def _print_warnings(idx: RunbookIndex) -> None:
    for message in idx.warnings:
        warn(message)
