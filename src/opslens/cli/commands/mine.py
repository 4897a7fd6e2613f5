"""`opslens mine FILE`: reduce a log file to templates. Thin: options -> miner -> output."""

from __future__ import annotations

import enum
import itertools
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import typer

from opslens.cli.app import app
from opslens.errors import ConfigError, InputError

if TYPE_CHECKING:
    from opslens.analysis.mining import TemplateInfo
    from opslens.analysis.mining.lines import MinedLines
    from opslens.analysis.mining.logformat import LogFormat

_CHUNK = 8192  # rows per write of --per-line output


class MineFormat(enum.StrEnum):
    markdown = "markdown"
    json = "json"


@app.command()
def mine(
    file: str = typer.Argument(..., help="Log file to mine, or - for stdin."),
    log_format: str | None = typer.Option(
        None, "--log-format", help="LogPAI format such as '<Date> <Time> <Level> <Component>: <Content>'; only <Content> is mined."
    ),
    per_line: Path | None = typer.Option(None, "--per-line", help="Also write one JSON row per input line, in order, to this file."),
    top: int = typer.Option(50, "--top", min=0, help="Show the N most frequent templates (0 = all)."),
    fmt: MineFormat = typer.Option(MineFormat.markdown, "--format", "-f", help="Output format."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Processes for a big file (0 = two when a core is idle, 1 = one)."),
) -> None:
    """Mine log templates: millions of lines become a few hundred counted patterns."""
    # Imported here so that `opslens --help` and other commands do not pay for the miner.
    from opslens.analysis.mining.logformat import compile_format

    compiled = None
    if log_format is not None:
        try:
            compiled = compile_format(log_format)
        except ValueError as exc:
            raise ConfigError(f"--log-format: {exc}") from None
    result = _mine(file, compiled, jobs)
    if result.unmatched:
        from opslens.cli.console import warn

        warn(f"{file}: {result.unmatched} of {result.lines} lines do not fit --log-format (first: line "
             f"{result.first_unmatched}); they were mined whole")
    miner = result.miner
    infos = miner.templates(with_params=False)
    if per_line is not None:
        _write_per_line(per_line, result)
    shown = infos if top == 0 else infos[:top]
    if fmt is MineFormat.json:
        _print_json([miner.info(t.key) for t in shown], result.lines, len(infos), file)
    else:
        _print_markdown(shown, result.lines, len(infos))


def _mine(file: str, log_format: LogFormat | None, jobs: int) -> MinedLines:
    """Mine stdin or a file; without a format, a leading timestamp/level header is detected on
    the first lines and cut off every line."""
    from opslens.analysis.mining.files import default_jobs, mine_file
    from opslens.analysis.mining.headers import HeaderStripper
    from opslens.analysis.mining.lines import mine_lines

    if file == "-":
        head = _head(sys.stdin) if log_format is None else []
        headers = HeaderStripper.detect(head) if head else None
        return mine_lines(itertools.chain(head, sys.stdin), log_format=log_format, headers=headers)
    path = Path(file)
    if not path.is_file():
        raise InputError(file, "no such file" if not path.exists() else "not a regular file")
    try:
        headers = None
        if log_format is None:
            with path.open(encoding="utf-8", errors="replace") as fh:
                headers = HeaderStripper.detect(_head(fh))
        return mine_file(path, log_format=log_format, headers=headers, jobs=jobs or default_jobs())
    except OSError as exc:
        raise InputError(file, exc.strerror or "cannot be read") from None


def _head(fh: TextIO) -> list[str]:
    return [line for _, line in zip(range(200), fh, strict=False)]


def _write_per_line(path: Path, result: MinedLines) -> None:
    """One row per input line, in order: {"line": n, "template_id": ..., "template": ...}."""
    import json

    miner = result.miner
    suffix: dict[int, str] = {}
    for key in set(result.keys):
        template = miner.template(key)
        suffix[key] = f', "template_id": "{miner.template_id(key)}", "template": {json.dumps(template)}}}\n'
    keys = result.keys
    try:
        with path.open("w", encoding="utf-8") as out:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                out.write("".join([f'{{"line": {n}{suffix[k]}' for n, k in enumerate(chunk, start + 1)]))
    except OSError as exc:
        raise InputError(str(path), exc.strerror or "cannot be written") from None


def _print_markdown(infos: list[TemplateInfo], lines: int, total: int) -> None:
    from opslens.events import iso

    out = [f"# Templates: {total} from {lines} lines", "", "| # | count | first seen | last seen | template |",
           "|---:|---:|---|---|---|"]
    for i, t in enumerate(infos, 1):
        cell = t.template.replace("|", "\\|")
        out.append(f"| {i} | {t.count} | {iso(t.first_seen) or ''} | {iso(t.last_seen) or ''} | `{cell}` |")
    if len(infos) < total:
        out += ["", f"({total - len(infos)} more; use --top 0 for all)"]
    typer.echo("\n".join(out))


def _print_json(infos: list[TemplateInfo], lines: int, total: int, origin: str) -> None:
    import json

    from opslens.events import iso

    doc = {
        "lines": lines,
        "templates_total": total,
        "templates": [
            {
                "id": t.id,
                "template": t.template,
                "count": t.count,
                "first_seen": iso(t.first_seen),
                "last_seen": iso(t.last_seen),
                "examples": [{"origin": f"{origin}:{e.origin}", "text": e.text} for e in t.examples],
                "params": [list(p) for p in t.params],
            }
            for t in infos
        ],
    }
    typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
