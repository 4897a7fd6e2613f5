"""`opslens version`."""

from __future__ import annotations

import typer

from opslens import __version__
from opslens.cli.app import app


@app.command()
def version() -> None:
    """Print the opslens version."""
    typer.echo(__version__)
