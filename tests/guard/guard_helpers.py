"""What the guard tests share (imported by name: `from guard_helpers import R, S, ...`; a
module of its own because `conftest` is ambiguous when several test folders run)."""

from __future__ import annotations

from hypothesis import strategies as st

from opslens.guard import CommandGuard, Label
from opslens.guard.matching import resolve

#: The five labels, short, for tables of (command, expected label).
R, S, U, M, D = (
    Label.READ_ONLY,
    Label.SENSITIVE_READ,
    Label.UNKNOWN,
    Label.MUTATING,
    Label.DESTRUCTIVE,
)

#: Names for made-up long options (`--<name>`).
FLAG_NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=20).filter(
    lambda s: not s.startswith("-")
)


def declared_flags(guard: CommandGuard, tool: str, args: list[str]) -> frozenset[str] | None:
    """The options the nodes on the path of `tool args` vouch for (with the help flags), or
    None when one of them vouches for every option (`any_flags`)."""
    spec = guard.rules.lookup(tool)
    assert spec is not None
    res = resolve(spec, args)
    if any(node.any_flags for node in res.path):
        return None
    return spec.help_flags.union(*(node.flags for node in res.path))


def undeclared_flag_label(guard: CommandGuard, tool: str, args: list[str], name: str, value: bool) -> Label | None:
    """The label of `tool args --name[=x]` when no node on the path declares `--name`; None
    when it is declared (then there is nothing to check)."""
    declared = declared_flags(guard, tool, args)
    flag = f"--{name}"
    if declared is None or flag in declared:
        return None
    return guard.classify_argv([tool, *args, f"{flag}=x" if value else flag]).label
