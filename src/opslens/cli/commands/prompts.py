"""`opslens prompts list` and `opslens prompts show NAME[@VERSION]`."""

from __future__ import annotations

import json

import typer

from opslens.cli.app import app

prompts_app = typer.Typer(
    help="The versioned prompts opslens sends to models.", no_args_is_help=True
)
app.add_typer(prompts_app, name="prompts")


@prompts_app.command("list")
def list_command() -> None:
    """List every prompt and version; `*` marks the active one."""
    from opslens.llm.prompts import list_prompts, load_prompt
    from opslens.llm.settings import load_settings

    active = load_settings().prompt_versions
    for prompt in list_prompts():
        mark = "*" if load_prompt(prompt.name, active).version == prompt.version else " "
        typer.echo(
            f"{mark} {prompt.ref:<24} {prompt.sha256[:12]}  {prompt.purpose.splitlines()[0]}"
        )


@prompts_app.command("show")
def show_command(
    ref: str = typer.Argument(
        ..., metavar="NAME[@VERSION]", help="e.g. triage_summary or triage_summary@v1"
    ),
    schema: bool = typer.Option(
        False, "--schema", help="Also print the expected output JSON schema."
    ),
) -> None:
    """Print a prompt file (header and body) and its content hash."""
    from opslens.llm.output import schema_named
    from opslens.llm.prompts import load_prompt
    from opslens.llm.settings import load_settings

    prompt = load_prompt(ref, load_settings().prompt_versions)
    typer.echo(f"# {prompt.ref}  sha256:{prompt.sha256}")
    typer.echo(prompt.text, nl=not prompt.text.endswith("\n"))
    if schema:
        typer.echo(f"# output schema {prompt.output_schema}")
        typer.echo(json.dumps(schema_named(prompt.output_schema)[0], indent=2))
