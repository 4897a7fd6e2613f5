"""`opslens db upgrade|current|export|import|prune`: the incident store's database itself."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from opslens.cli.app import app
from opslens.cli.console import fail, info
from opslens.cli.store_access import DbOption, age_option, one_line_errors, opened

db_app = typer.Typer(
    help="The incident store's database: migrate, back up (JSON lines), restore, prune.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade_command(db: DbOption = None) -> None:
    """Apply pending migrations (opening the store does this too)."""
    from opslens.store import resolve_url, upgrade

    with one_line_errors():
        url = resolve_url(db)
        revision = upgrade(url)
    from opslens.store.engine import safe_url

    typer.echo(f"{safe_url(url)} at revision {revision}")


@db_app.command("current")
def current_command(db: DbOption = None) -> None:
    """Print the applied migration revision (`none` for an empty database)."""
    from opslens.store import current_revision, resolve_url

    with one_line_errors():
        url = resolve_url(db)
        revision = current_revision(url)
    from opslens.store.engine import safe_url

    typer.echo(f"{safe_url(url)} at revision {revision or 'none'}")


@db_app.command("export")
def export_command(
    output: Annotated[
        Path | None, typer.Argument(metavar="[FILE]", help="Where to write (default: stdout).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Write every table as JSON lines (a backup, or a move to another database)."""
    with opened(db) as store:
        if output is None:
            lines = store.export_jsonl(sys.stdout)
        else:
            try:
                with output.open("w", encoding="utf-8") as fh:
                    lines = store.export_jsonl(fh)
            except OSError as exc:
                fail(f"{output}: cannot write: {exc.strerror or exc}")
    info(f"exported {_rows(lines)}")


@db_app.command("import")
def import_command(
    source: Annotated[
        Path, typer.Argument(metavar="FILE", help="A file written by `opslens db export`.")
    ],
    db: DbOption = None,
) -> None:
    """Load an export into an empty database, keeping references and ids."""
    try:
        fh = source.open(encoding="utf-8")
    except OSError as exc:
        fail(f"{source}: cannot read: {exc.strerror or exc}")
    with fh, opened(db) as store:
        rows = store.import_jsonl(fh)
    info(f"imported {_rows(rows)}")


@db_app.command("prune")
def prune_command(
    older_than: Annotated[
        str,
        typer.Option(
            "--older-than", metavar="AGE", help="Age of the report versions to prune, e.g. 90d."
        ),
    ],
    db: DbOption = None,
) -> None:
    """Drop report bodies and kept inputs older than AGE; incidents, notes and root causes stay."""
    with one_line_errors():
        age = age_option(older_than, "--older-than")
    with opened(db) as store:
        pruned = store.prune(age)
    info(f"pruned {pruned:,} report versions older than {older_than}")


def _rows(count: int) -> str:
    return f"{count:,} row" + ("" if count == 1 else "s")
