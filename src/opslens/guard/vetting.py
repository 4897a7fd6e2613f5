"""Re-check what a model returns before anyone sees it: commands and evidence citations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from opslens.guard.labels import Classification


class VettedCommand(NamedTuple):
    """A command proposed by a model, with the guard's verdict on it."""

    cmd: str
    classification: Classification


class CommandVetting(NamedTuple):
    """`checks` are safe to present as validation steps; `avoid` need approval (with reasons)."""

    checks: tuple[VettedCommand, ...]
    avoid: tuple[VettedCommand, ...]


class CitationCheck(NamedTuple):
    """Evidence ids a model cited: those that exist in the report, and those dropped."""

    valid: tuple[str, ...]
    dropped: tuple[str, ...]


def vet_commands(cmds: Iterable[str], guard: object | None = None) -> CommandVetting:
    """Split proposed commands into read-only checks and everything else (order kept).

    `guard` is a `CommandGuard` (default: the process-wide guard with the user's config).
    Empty strings are dropped; duplicates are kept once.
    """
    from opslens.guard.classify import CommandGuard, default_guard

    active = guard if isinstance(guard, CommandGuard) else default_guard()
    checks: list[VettedCommand] = []
    avoid: list[VettedCommand] = []
    seen: set[str] = set()
    for cmd in cmds:
        text = (cmd or "").strip()
        if not text or text in seen:
            continue
        seen.add(text)
        verdict = active.classify(text)
        (checks if verdict.is_safe else avoid).append(VettedCommand(text, verdict))
    return CommandVetting(tuple(checks), tuple(avoid))


def check_citations(cited_ids: Iterable[str], known_ids: Iterable[str]) -> CitationCheck:
    """Keep cited evidence ids that exist in the report; drop invented ones (order kept)."""
    known = {str(k) for k in known_ids}
    valid: list[str] = []
    dropped: list[str] = []
    for cited in cited_ids:
        key = str(cited).strip()
        target = valid if key in known else dropped
        if key not in target:
            target.append(key)
    return CitationCheck(tuple(valid), tuple(dropped))
