"""`opslens guard classify ...` and `opslens guard redact ...`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from opslens.cli.app import app
from opslens.cli.console import info
from opslens.errors import InputError

guard_app = typer.Typer(
    help="Classify commands by danger and redact secrets.", no_args_is_help=True
)
app.add_typer(guard_app, name="guard")


def _open(path: str) -> TextIO:
    if path == "-":
        return sys.stdin
    try:
        return Path(path).open(encoding="utf-8", errors="replace", newline="")
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from exc


def _rows(path: str, field: str) -> Iterator[dict[str, Any]]:
    with _open(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(path, f"not valid JSON ({exc.msg})", number) from exc
            if not isinstance(row, dict) or not isinstance(row.get(field), str):
                raise InputError(path, f"row has no string `{field}` field", number)
            yield row


def _emit(row: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


@guard_app.command("classify")
def classify_command(
    command: Annotated[
        list[str] | None, typer.Argument(help="The command to classify (quote it).")
    ] = None,
    jsonl: Annotated[
        str | None, typer.Option("--jsonl", help="Rows with a `cmd` field ('-' for stdin).")
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="With --jsonl, also add `reason` and `part`.")
    ] = False,
) -> None:
    """Print {cmd, label, reason, part} for a command, or label every row of a JSONL file."""
    from opslens.guard import CommandGuard

    if (command is None) == (jsonl is None):
        raise typer.BadParameter("give either a COMMAND or --jsonl FILE")
    guard = CommandGuard()
    if jsonl is None:
        text = " ".join(command or [])
        _emit({"cmd": text, **guard.classify(text).as_dict()})
        return
    for row in _rows(jsonl, "cmd"):
        verdict = guard.classify(row["cmd"])
        extra = verdict.as_dict() if explain else {"label": verdict.label.value}
        _emit({**row, **extra})


@guard_app.command("redact")
def redact_command(
    path: Annotated[str, typer.Argument(help="File to redact ('-' for stdin).")] = "-",
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="Rows with a `line` field; adds `redacted`.")
    ] = False,
    pii: Annotated[
        bool | None, typer.Option("--pii/--no-pii", help="Also mask e-mail and IP addresses.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
) -> None:
    """Write the text with secrets replaced by stable placeholders, line for line."""
    from opslens.guard import Redactor
    from opslens.guard.config import load_guard_config

    config = load_guard_config()
    redactor = Redactor(
        pii=config.pii if pii is None else pii, extra_patterns=config.secret_patterns
    )
    if jsonl:
        for row in _rows(path, "line"):
            _emit({**row, "redacted": redactor.redact(row["line"])})
    else:
        with _open(path) as handle:
            for line in redactor.redact_lines(handle):
                sys.stdout.write(line)
    sys.stdout.flush()
    if not quiet:
        counts = redactor.counts
        summary = ", ".join(f"{kind}={n}" for kind, n in sorted(counts.items())) or "nothing"
        info(f"redacted {sum(counts.values())} value(s): {summary}")
