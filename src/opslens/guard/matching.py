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


@dataclass(slots=True)
class _Options:
    """What the option parser knows at the current node: value-taking and named options."""

    with_value: frozenset[str]
    named: list[frozenset[str]]
    cluster: bool

    def is_named(self, token: str) -> bool:
        return any(token in names for names in self.named)

    def descend(self, child: Node) -> None:
        """Enter a subcommand: its options (and its meaning of a reused name) apply below."""
        self.cluster = self.cluster or child.cluster_short
        if child.unvalued:
            self.with_value = self.with_value - child.unvalued
        if child.options_with_value:
            self.with_value = self.with_value | child.options_with_value
        if child.named:
            self.named.append(child.named)

    def value(self, nxt: str | None) -> bool:
        """Whether `nxt` is the value of a value-taking option (getopt/pflag take the next
        word whatever it is). For safety a word that is itself an option this tool names, a
        `--long` option or `--` stays an option: a wrongly declared value must not hide one."""
        if nxt is None or nxt == "--":
            return False
        if not _is_option(nxt) or nxt.lstrip("-").isdigit():
            return True
        if nxt.startswith("--") or self.is_named(nxt.partition("=")[0]):
            return False
        return not (self.cluster and self.is_named(nxt[:2]))

    def split(self, token: str, nxt: str | None) -> tuple[list[Flag], bool]:
        """Flags in `token`; the bool says whether `nxt` was consumed as a value."""
        name, eq, value = token.partition("=")
        if eq and (token.startswith("--") or not self.cluster or self.is_named(name)):
            return [Flag(name, value)], False
        if name in self.with_value:
            if self.value(nxt):
                return [Flag(name, nxt)], True
            return [Flag(name, None)], False
        if token.startswith("--") or self.is_named(token):
            # a single-dash long option (`ip -brief`) is read whole before any split
            return [Flag(token, None)], False
        if self.cluster:
            return self._split_cluster(token, nxt)
        if len(token) > 2 and token[:2] in self.with_value:
            return [Flag(token[:2], token[2:])], False
        return [Flag(token, None)], False

    def _split_cluster(self, token: str, nxt: str | None) -> tuple[list[Flag], bool]:
        if token[1:].isdigit():
            return [Flag(token, None)], False
        flags: list[Flag] = []
        letters = token[1:]
        for index, letter in enumerate(letters):
            name = "-" + letter
            if name in self.with_value:
                attached = letters[index + 1 :]
                if attached:
                    return [*flags, Flag(name, attached.lstrip("="))], False
                if self.value(nxt):
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
    options = _Options(
        tool.root.options_with_value, [tool.help_flags, tool.root.named], tool.cluster_short
    )
    descending = True
    index = 0

    def take_option(at: int) -> int:
        """Read the option at `at` (and its value, when it takes the next word); the next index."""
        flags, consumed = options.split(args[at], args[at + 1] if at + 1 < len(args) else None)
        res.flags.extend(flags)
        return at + (2 if consumed else 1)

    while index < len(args):
        token = args[index]
        if token == "--":
            res.dashdash = True
            res.after_dashdash = args[index + 1 :]
            break
        if _is_option(token):
            index = take_option(index)
            continue
        if res.leaf.options_end_at_positional:
            if not res.leaf.options_after_first_positional:
                res.rest = args[index:]
                break
            index += 1  # the host: its options may follow it, up to the first other word
            while index < len(args) and args[index] != "--" and _is_option(args[index]):
                index = take_option(index)
            res.rest = [token, *args[index:]]
            break
        if descending and res.leaf.has_children and res.leaf.verb_scan is None:
            child = _child(res.leaf, token)
            if child is not None:
                res.path.append(child)
                res.words.append(token)
                options.descend(child)
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


def known_flags(res: Resolution) -> frozenset[str]:
    """Options known to keep the resolved command read-only: help flags and the `flags` of
    the path, root to leaf, where a node's `shadows` drop an ancestor's option of that name."""
    known = res.tool.help_flags
    for node in res.path:
        if node.shadows:
            known = known - node.shadows
        if node.flags:
            known = known | node.flags
    return known


def _is_count(name: str) -> bool:
    return len(name) > 1 and name[1:].isdigit()


def unearned_flag(res: Resolution) -> str | None:
    """Default-deny: why a read-only verdict is not earned, or None when every flag is known.

    A flag is known when it is in `known_flags`, or it is a count (`-20`) and a node on the
    path has `numeric_flags`. A node with `any_flags` vouches for every option at it and
    below. Tools without `default_deny` are not checked (their flag lists are not written yet).
    """
    if not res.tool.default_deny or any(node.any_flags for node in res.path):
        return None
    known = known_flags(res)
    counts = any(node.numeric_flags for node in res.path)
    for flag in res.flags:
        if flag.name not in known and not (counts and _is_count(flag.name)):
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
