"""`opslens schema report`: print the published JSON schema of the report."""

from __future__ import annotations

import enum
import json

import typer

from opslens.cli.app import app


class SchemaName(enum.StrEnum):
    report = "report"
    truth = "truth"  # an evaluation case's ground truth (`opslens eval`)


@app.command()
def schema(name: SchemaName = typer.Argument(SchemaName.report, help="Which schema to print.")) -> None:
    """Print a published JSON schema: the report contract, or an evaluation case's truth."""
    if name is SchemaName.truth:
        from opslens.llmops.datasets import TRUTH_SCHEMA

        typer.echo(json.dumps(TRUTH_SCHEMA, indent=2))
        return
    from opslens.report.models import report_schema

    typer.echo(json.dumps(report_schema(), indent=2))
