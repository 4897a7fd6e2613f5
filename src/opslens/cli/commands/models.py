"""`opslens models [--probe]`: which model servers are reachable and what they serve."""

from __future__ import annotations

import typer

from opslens.cli.app import app


@app.command()
def models(
    probe: bool = typer.Option(
        False, "--probe", help="Time a tiny generation: round trip and tokens/s."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Show each configured LLM provider: reachable or not, version, models, loaded models."""
    from opslens.llm.settings import load_settings
    from opslens.llm.status import describe

    reports = describe(load_settings(), probe=probe)
    if json_out:
        import dataclasses
        import json

        typer.echo(json.dumps([dataclasses.asdict(r) for r in reports], indent=2))
        return
    for report in reports:
        for line in _lines(report):
            typer.echo(line)


def _lines(report) -> list[str]:  # noqa: ANN001
    s = report.status
    if not s.reachable:
        return [f"{s.provider}  {s.endpoint}  unreachable: {s.error}", ""]
    head = f"{s.provider}  {s.endpoint}  reachable" + (
        f", version {s.version}" if s.version else ""
    )
    lines = [head + (f" (error: {s.error})" if s.error else "")]
    lines += [
        f"  model   {m.name}" + _extra(m.detail, _gib(m.size), _ctx(m.context_length))
        for m in s.models
    ] or ["  no models"]
    for m in s.loaded:
        share = (
            f"{100 * m.size_vram / m.size:.0f}% in VRAM"
            if m.size and m.size_vram is not None
            else None
        )
        until = f"until {m.expires_at}" if m.expires_at else None
        lines.append(
            f"  loaded  {m.name}" + _extra(_gib(m.size), share, _ctx(m.context_length), until)
        )
    if report.probe is not None:
        p = report.probe
        if p.error:
            lines.append(f"  probe   {p.model}: {p.error}")
        else:
            speed = f"{p.tokens_per_s:.1f} tokens/s" if p.tokens_per_s else "tokens/s unknown"
            lines.append(
                f"  probe   {p.model}: round trip {p.round_trip_s:.2f}s, first token {p.first_token_s or 0:.2f}s, {speed}"
            )
    return [*lines, ""]


def _extra(*parts: str | None) -> str:
    shown = [p for p in parts if p]
    return f"  ({', '.join(shown)})" if shown else ""


def _gib(size: int | None) -> str | None:
    return f"{size / 2**30:.1f} GiB" if size else None


def _ctx(tokens: int | None) -> str | None:
    return f"context {tokens}" if tokens else None
