"""Resolve an argv against a tool's node tree and evaluate rule conditions.

Options are parsed the way real CLIs do: `--name=value`, `--name value` for options known to
take a value, attached short values (`-oyaml`), getopt clusters (`-rf`) for tools that use
them, and `--` ending option parsing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from opslens.guard.labels import Label
from opslens.guard.rules_loader import Condition, Node, ToolSpec


@dataclass(frozen=True, slots=True)
class Flag:
    """One option occurrence: its name and the value given to it, if any."""

    name: str
    value: str | None


@dataclass(slots=True)
class Resolution:
    """Where an argv lands in a tool's tree and what its options and positionals are."""

    tool: ToolSpec
    path: list[Node]
    words: list[str]
    flags: list[Flag] = field(default_factory=list)
    positionals: list[str] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)
    after_dashdash: list[str] = field(default_factory=list)
    dashdash: bool = False
    unmatched_word: str | None = None

    @property
    def leaf(self) -> Node:
        """The deepest node reached."""
        return self.path[-1]

    @property
    def command_name(self) -> str:
        """`kubectl rollout restart` style name of the resolved node."""
        return " ".join(self.words)


def _is_option(token: str) -> bool:
    return len(token) > 1 and token.startswith("-") and token != "--"


def _split_option(
    token: str, nxt: str | None, with_value: frozenset[str], cluster: bool
) -> tuple[list[Flag], bool]:
    """Flags in `token`; the bool says whether `nxt` was consumed as a value."""
    if token.startswith("--") or not cluster:
        name, eq, value = token.partition("=")
        if eq:
            return [Flag(name, value)], False
        if name in with_value:
            if nxt is not None and (not _is_option(nxt) or nxt.lstrip("-").isdigit()):
                return [Flag(name, nxt)], True
            return [Flag(name, None)], False
        if not token.startswith("--") and len(token) > 2 and token[:2] in with_value:
            return [Flag(token[:2], token[2:])], False
        return [Flag(name, None)], False
    return _split_cluster(token, nxt, with_value)


def _split_cluster(
    token: str, nxt: str | None, with_value: frozenset[str]
) -> tuple[list[Flag], bool]:
    if token[1:].isdigit():
        return [Flag(token, None)], False
    flags: list[Flag] = []
    letters = token[1:]
    for index, letter in enumerate(letters):
        name = "-" + letter
        if name in with_value:
            attached = letters[index + 1 :]
            if attached:
                return [*flags, Flag(name, attached.lstrip("="))], False
            if nxt is not None and (not _is_option(nxt) or nxt.lstrip("-").isdigit()):
                return [*flags, Flag(name, nxt)], True
            return [*flags, Flag(name, None)], False
        flags.append(Flag(name, None))
    return flags, False


def _child(node: Node, word: str) -> Node | None:
    found = node.sub.get(word)
    if found is not None:
        return found
    if node.prefix_match and word:
        for name, child in node.sub.items():
            if name.startswith(word):
                return child
    for pattern, child in node.sub_patterns:
        if pattern.search(word):
            return child
    return node.any_sub


def resolve(tool: ToolSpec, args: list[str]) -> Resolution:
    """Walk `args` down the tool's tree, collecting flags and positionals on the way.

    For nodes with `options_end_at_positional` (wrappers such as `sudo`, `xargs`, `ssh`),
    everything from the first positional on is left in `rest` for the handler.
    """
    res = Resolution(tool=tool, path=[tool.root], words=[tool.name])
    with_value = frozenset(tool.root.options_with_value)
    descending = True
    index = 0
    while index < len(args):
        token = args[index]
        nxt = args[index + 1] if index + 1 < len(args) else None
        if token == "--":
            res.dashdash = True
            res.after_dashdash = args[index + 1 :]
            break
        if _is_option(token):
            flags, consumed = _split_option(token, nxt, with_value, tool.cluster_short)
            res.flags.extend(flags)
            index += 2 if consumed else 1
            continue
        if res.leaf.options_end_at_positional:
            res.rest = args[index:]
            break
        if descending and res.leaf.has_children and res.leaf.verb_scan is None:
            child = _child(res.leaf, token)
            if child is not None:
                res.path.append(child)
                res.words.append(token)
                with_value = with_value | child.options_with_value
                index += 1
                continue
            res.unmatched_word = token
        descending = False
        res.positionals.append(token)
        index += 1
    return res


def _flag_present(res: Resolution, names: frozenset[str]) -> bool:
    return any(flag.name in names for flag in res.flags)


def condition_holds(cond: Condition, res: Resolution) -> bool:
    """True when every set field of `cond` holds for the resolved invocation."""
    positionals = res.positionals + res.after_dashdash
    checks = (
        (cond.flag, lambda: _flag_present(res, cond.flag)),
        (cond.no_flag, lambda: not _flag_present(res, cond.no_flag)),
        (cond.flag_regex, lambda: any(cond.flag_regex.search(f.name) for f in res.flags)),
        (cond.flag_value, lambda: _flag_value_holds(cond, res)),
        (cond.positional, lambda: any(cond.positional.search(p) for p in positionals)),
        (cond.no_positional, lambda: not any(cond.no_positional.search(p) for p in positionals)),
        (cond.arg, lambda: _any_arg(cond, res)),
        (cond.any_of, lambda: any(condition_holds(c, res) for c in cond.any_of)),
        (cond.negated, lambda: not condition_holds(cond.negated, res)),
    )
    for configured, check in checks:
        if configured and not check():
            return False
    count = len(positionals)
    if cond.positionals is not None and count != cond.positionals:
        return False
    if cond.min_positionals is not None and count < cond.min_positionals:
        return False
    if cond.max_positionals is not None and count > cond.max_positionals:
        return False
    return cond.dashdash is None or cond.dashdash == res.dashdash


def _flag_value_holds(cond: Condition, res: Resolution) -> bool:
    fv = cond.flag_value
    assert fv is not None
    return any(
        f.name in fv.flags and f.value is not None and fv.match.search(f.value) for f in res.flags
    )


def _any_arg(cond: Condition, res: Resolution) -> bool:
    assert cond.arg is not None
    tokens = [f.name if f.value is None else f"{f.name}={f.value}" for f in res.flags]
    tokens += res.words[1:] + res.positionals + res.after_dashdash
    return any(cond.arg.search(t) for t in tokens)


def unearned_flag(res: Resolution) -> str | None:
    """Default-deny: why a read-only verdict is not earned, or None when every flag is known.

    A flag is known when a node on the resolved path (root to leaf) lists it in `flags`, or it
    is a help flag. A node with `any_flags` vouches for every option at it and below. Tools
    without `default_deny` are not checked (their flag lists are not written yet).
    """
    if not res.tool.default_deny or any(node.any_flags for node in res.path):
        return None
    known = res.tool.help_flags.union(*(node.flags for node in res.path))
    for flag in res.flags:
        if flag.name not in known:
            return f"unknown flag {flag.name} for {res.command_name}"
    return None


def node_label(res: Resolution) -> tuple[Label, str | None]:
    """The label of the resolved node when no rule matched, with its reason if configured."""
    leaf = res.leaf
    if res.unmatched_word is not None:
        return (leaf.unmatched or Label.UNKNOWN), f"unknown subcommand `{res.unmatched_word}`"
    if leaf.has_children and not res.positionals and leaf.empty is not None:
        return leaf.empty, leaf.reason
    if leaf.label is not None:
        return leaf.label, leaf.reason
    if leaf.empty is not None and not res.positionals:
        return leaf.empty, leaf.reason
    return Label.UNKNOWN, "no rule decides this form"
