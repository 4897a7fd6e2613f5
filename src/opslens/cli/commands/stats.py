"""`opslens stats [--since 7d]`: model calls, cost, feedback, eval pass rates and swapped
models from the store. Thin: options -> `opslens.llmops.stats` -> text or JSON."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from opslens.cli.app import app
from opslens.cli.store_access import DbOption, opened, time_option


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


@app.command()
def stats(
    since: Annotated[str | None, typer.Option("--since", metavar="T", help="Calls at or after T (ISO 8601, or 7d = 7 days ago).")] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.TABLE,
    db: DbOption = None,
) -> None:
    """LLM calls, tokens, latency, errors and cost per model and prompt version; feedback;
    the latest evaluation pass rates; models whose digest changed."""
    from opslens.llmops.stats import collect, render

    start = time_option(since, "--since")
    with opened(db) as store:
        figures = collect(store, start)
    if fmt is Format.JSON:
        typer.echo(json.dumps(figures, indent=2))
    else:
        typer.echo(render(figures), nl=False)
