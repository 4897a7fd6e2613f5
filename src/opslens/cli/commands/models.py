"""`opslens models [--probe]`: which model servers are reachable and what they serve."""

from __future__ import annotations

import typer

from opslens.cli.app import app
from opslens.cli.console import warn
from opslens.cli.store_access import DbOption


@app.command()
def models(
    probe: bool = typer.Option(
        False, "--probe", help="Time a tiny generation: round trip and tokens/s."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
    db: DbOption = None,
) -> None:
    """Show each configured LLM provider: reachable or not, version, models, loaded models,
    recent tokens/s; models whose digest changed since last seen are recorded and named."""
    from opslens.llm.settings import load_settings
    from opslens.llm.status import describe

    reports = describe(load_settings(), probe=probe)
    changed, speeds = _runtime(reports, db)
    if json_out:
        import dataclasses
        import json

        shown = [dataclasses.asdict(r) for r in reports]
        for entry in shown:
            entry["recent_tokens_per_s"] = {m: round(v, 1) for (p, m), v in speeds.items()
                                            if p == entry["status"]["provider"]}
            entry["digest_changed"] = [c.model for c in changed
                                       if c.provider == entry["status"]["provider"]]
        typer.echo(json.dumps(shown, indent=2))
        return
    for report in reports:
        for line in _lines(report, speeds):
            typer.echo(line)
    for change in changed:
        warn(change.describe())


def _runtime(reports, db: str | None):  # noqa: ANN001, ANN202
    """Digests noted (and the changed ones), recent tokens/s; nothing when the store fails."""
    from opslens.errors import OpslensError
    from opslens.llmops.runtime import recent_speeds, record_digests
    from opslens.store import open_store

    try:
        with open_store(db) as store:
            return record_digests(store, reports), recent_speeds(store)
    except OpslensError as exc:
        warn(f"model history not recorded: {exc}")
        return [], {}


def _lines(report, speeds: dict[tuple[str, str], float]) -> list[str]:  # noqa: ANN001
    s = report.status
    if not s.reachable:
        return [f"{s.provider}  {s.endpoint}  unreachable: {s.error}", ""]
    head = f"{s.provider}  {s.endpoint}  reachable" + (
        f", version {s.version}" if s.version else ""
    )
    lines = [head + (f" (error: {s.error})" if s.error else "")]
    lines += [
        f"  model   {m.name}"
        + _extra(m.detail, _gib(m.size), _ctx(m.context_length), _speed(speeds.get((s.provider, m.name))))
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


def _speed(tokens_per_s: float | None) -> str | None:
    return f"recently {tokens_per_s:.1f} tokens/s" if tokens_per_s else None


def _extra(*parts: str | None) -> str:
    shown = [p for p in parts if p]
    return f"  ({', '.join(shown)})" if shown else ""


def _gib(size: int | None) -> str | None:
    return f"{size / 2**30:.1f} GiB" if size else None


def _ctx(tokens: int | None) -> str | None:
    return f"context {tokens}" if tokens else None
