"""The Typer application that every command module registers itself on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="opslens",
    help="Turn logs, events, alerts, metrics and change history into a grounded incident brief.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root() -> None:
    """opslens: a local-first incident assistant (read-only, private by default)."""
