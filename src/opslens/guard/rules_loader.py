"""Load the declarative tool knowledge (packaged YAML + the user's `[guard]` table) into specs.

A tool is a tree of nodes: the root is the program, children are subcommands. Each node may
carry a label, ordered rules (`before` rules are final and skip handlers; `rules` are tried
deepest node first) and a handler name for tools whose argument is itself a command or a
statement. The schema is documented in `rules/README.md`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

import yaml

from opslens.guard.labels import Label
from opslens.guard.rule_conditions import (
    Condition,
    FlagValue,
    Rule,
    RuleError,
    VerbScan,
    check_keys,
    condition_names,
    default_reason,
    label_of,
    parse_condition,
    parse_rules,
    parse_verb_scan,
    regex,
    strings,
)
from opslens.yaml_loader import SAFE_LOADER

__all__ = [
    "Condition",
    "FlagValue",
    "Node",
    "Rule",
    "RuleError",
    "RuleSet",
    "ToolSpec",
    "VerbScan",
    "build_ruleset",
    "default_reason",
    "load_packaged_specs",
    "parse_condition",
    "parse_node",
    "parse_tool",
    "parse_tools",
]

_NODE_KEYS = {
    "label",
    "reason",
    "sub",
    "sub_patterns",
    "any_sub",
    "prefix_match",
    "options_with_value",
    "before",
    "rules",
    "unmatched",
    "empty",
    "handler",
    "args",
    "verb_scan",
    "options_end_at_positional",
    "options_after_first_positional",
    "flags",
    "any_flags",
    "numeric_flags",
    "shadows",
    "cluster_short",
}
_TOOL_KEYS = _NODE_KEYS | {"aliases", "patterns", "help_flags", "default_deny"}


@dataclass(frozen=True, slots=True)
class Node:
    """One program or subcommand."""

    name: str
    label: Label | None = None
    reason: str | None = None
    sub: Mapping[str, Node] = field(default_factory=dict)
    sub_patterns: tuple[tuple[re.Pattern[str], Node], ...] = ()
    any_sub: Node | None = None
    prefix_match: bool = False
    options_with_value: frozenset[str] = frozenset()
    before: tuple[Rule, ...] = ()
    rules: tuple[Rule, ...] = ()
    unmatched: Label | None = None
    empty: Label | None = None
    handler: str | None = None
    args: Mapping[str, Any] = field(default_factory=dict)
    verb_scan: VerbScan | None = None
    options_end_at_positional: bool = False
    # OpenSSH reads options after the host too (`ssh host -R 9000:x:80 cmd`), up to the first
    # word that is no option: those are the tool's own, not the remote command's
    options_after_first_positional: bool = False
    flags: frozenset[str] = frozenset()
    any_flags: str | None = None
    numeric_flags: bool = False
    cluster_short: bool = False
    shadows: frozenset[str] = frozenset()
    # option names this node knows (flags, options_with_value, shadows, names in its rules):
    # such a token is read whole, never split into a short option plus an attached value
    named: frozenset[str] = frozenset()
    # ancestors' value-taking options that take no value from here down (`shadows`, and
    # options this node lists in `flags` without `=`)
    unvalued: frozenset[str] = frozenset()

    @property
    def has_children(self) -> bool:
        """True when positionals after this node name subcommands."""
        return bool(self.sub or self.sub_patterns or self.any_sub)


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A program the guard knows, with its aliases and node tree."""

    name: str
    root: Node
    aliases: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    cluster_short: bool = False
    help_flags: frozenset[str] = frozenset({"--help"})
    default_deny: bool = False


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Every known tool by name and alias, plus name patterns (`mkfs.*`)."""

    tools: Mapping[str, ToolSpec]
    patterns: tuple[tuple[re.Pattern[str], ToolSpec], ...]

    def lookup(self, program: str) -> ToolSpec | None:
        """The spec for a program basename, or None when unknown."""
        spec = self.tools.get(program)
        if spec is not None:
            return spec
        for pattern, candidate in self.patterns:
            if pattern.fullmatch(program):
                return candidate
        return None


def _flags(raw: Mapping[str, Any], where: str) -> tuple[frozenset[str], frozenset[str]]:
    """`flags` entries as (names, names taking a value); a trailing `=` marks a value."""
    entries = raw.get("flags")
    if not entries:
        return frozenset(), frozenset()
    names = strings(entries, f"{where}.flags")
    bare = frozenset(n.rstrip("=") for n in names)
    bad = sorted(n for n in bare if n[:1] != "-" or n in ("-", "--"))
    if bad:
        raise RuleError(f"{where}.flags: not option names: {bad}")
    return bare, frozenset(n[:-1] for n in names if n[-1] == "=")


def _bool(raw: Mapping[str, Any], key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise RuleError(f"{where}.{key}: expected true or false")
    return value


def _any_flags(raw: Mapping[str, Any], where: str) -> str | None:
    """The reason why every option of this command is read-only (None when not claimed)."""
    value = raw.get("any_flags")
    if value is None or value is False:
        return None
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{where}.any_flags: give the reason every option is read-only")
    return value.strip()


def _handler(raw: Mapping[str, Any], where: str) -> tuple[str | None, dict[str, Any]]:
    """The node's handler name and its `args`, both checked against the registered handlers."""
    # imported here: handlers.py imports matching.py, which imports this module
    from opslens.guard.handlers import HANDLER_ARGS

    name, args = raw.get("handler"), raw.get("args") or {}
    if name is None:
        if args:
            raise RuleError(f"{where}.args: `args` without a `handler`")
        return None, {}
    if name not in HANDLER_ARGS:
        raise RuleError(
            f"{where}.handler: unknown handler {name!r} ({', '.join(sorted(HANDLER_ARGS))})"
        )
    check_keys(args, set(HANDLER_ARGS[name]), f"{where}.args", f"args of handler {name}")
    return name, dict(args)


def parse_node(name: str, raw: Any, where: str, keys: set[str] = _NODE_KEYS) -> Node:
    """Build a `Node` from its YAML form: a label string, `[label, reason]` or a mapping."""
    if isinstance(raw, str):
        return Node(name=name, label=label_of(raw, where))
    if isinstance(raw, list) and len(raw) >= 2 and all(isinstance(v, str) for v in raw):
        # `[label, reason]`; a reason with commas written unquoted arrives split: rejoin it
        return Node(name=name, label=label_of(raw[0], where), reason=", ".join(raw[1:]))
    if not isinstance(raw, Mapping):
        raise RuleError(f"{where}: expected a label, [label, reason] or a mapping")
    check_keys(raw, keys, where, "a tool" if keys is _TOOL_KEYS else "a node")
    label = label_of(raw["label"], f"{where}.label") if "label" in raw else None
    sub = {}
    for sub_name, sub_raw in (raw.get("sub") or {}).items():
        first, *others = str(sub_name).split("|")
        # `log|show|diff: {...}` is one node under several names: parsed once, shared
        sub[first] = parse_node(first, sub_raw, f"{where}.sub.{sub_name}")
        for alias in others:
            sub[alias] = replace(sub[first], name=alias)
    patterns = []
    for i, item in enumerate(raw.get("sub_patterns") or []):
        if not isinstance(item, Mapping) or "match" not in item:
            raise RuleError(f"{where}.sub_patterns[{i}]: needs `match`")
        body = {k: v for k, v in item.items() if k != "match"}
        node = parse_node(name, body, f"{where}.sub_patterns[{i}]")
        patterns.append((regex(item["match"], f"{where}.sub_patterns[{i}].match"), node))
    reason_base = default_reason(label) if label else "matched a rule"
    handler, args = _handler(raw, where)
    flags, valued = _flags(raw, where)
    options = strings(raw.get("options_with_value") or [], f"{where}.options") | valued
    shadows = strings(raw.get("shadows") or [], f"{where}.shadows")
    if any(n[:1] != "-" or n in ("-", "--") or n.endswith("=") for n in shadows):
        raise RuleError(f"{where}.shadows: not option names: {sorted(shadows)}")
    before = parse_rules(raw.get("before"), f"{where}.before", reason_base)
    rules = parse_rules(raw.get("rules"), f"{where}.rules", reason_base)
    named = flags | options | shadows
    for rule in (*before, *rules):
        named |= condition_names(rule.when)
    return Node(
        name=name,
        label=label,
        reason=raw.get("reason"),
        sub=sub,
        sub_patterns=tuple(patterns),
        any_sub=parse_node("*", raw["any_sub"], f"{where}.any_sub") if "any_sub" in raw else None,
        prefix_match=bool(raw.get("prefix_match", False)),
        options_with_value=options,
        before=before,
        rules=rules,
        unmatched=label_of(raw["unmatched"], f"{where}.unmatched") if "unmatched" in raw else None,
        empty=label_of(raw["empty"], f"{where}.empty") if "empty" in raw else None,
        handler=handler,
        args=args,
        verb_scan=parse_verb_scan(raw["verb_scan"], f"{where}.verb_scan")
        if "verb_scan" in raw
        else None,
        options_end_at_positional=bool(raw.get("options_end_at_positional", False)),
        options_after_first_positional=_bool(raw, "options_after_first_positional", where),
        flags=flags,
        any_flags=_any_flags(raw, where),
        numeric_flags=_bool(raw, "numeric_flags", where),
        cluster_short=_bool(raw, "cluster_short", where),
        shadows=shadows,
        named=named,
        unvalued=(shadows | flags) - options,
    )


def parse_tool(name: str, raw: Any, where: str) -> ToolSpec:
    """Build a `ToolSpec` from its YAML mapping (or a bare label)."""
    if not isinstance(raw, Mapping):
        return ToolSpec(name=name, root=parse_node(name, raw, where))
    root = parse_node(name, raw, where, _TOOL_KEYS)
    help_flags = {"--help"} | set(strings(raw.get("help_flags") or [], f"{where}.help_flags"))
    return ToolSpec(
        name=name,
        root=root,
        aliases=tuple(strings(raw.get("aliases") or [], f"{where}.aliases")),
        patterns=tuple(regex(p, f"{where}.patterns") for p in raw.get("patterns") or []),
        cluster_short=root.cluster_short,
        help_flags=frozenset(help_flags),
        default_deny=_bool(raw, "default_deny", where),
    )


def parse_tools(raw: Any, where: str) -> dict[str, ToolSpec]:
    """Parse a `{tool: spec}` mapping."""
    if not isinstance(raw, Mapping):
        raise RuleError(f"{where}: expected a mapping of tool names")
    return {str(name): parse_tool(str(name), spec, f"{where}.{name}") for name, spec in raw.items()}


def _packaged_documents() -> Iterable[tuple[str, Any]]:
    folder = resources.files("opslens.guard").joinpath("rules")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            yield entry.name, yaml.load(entry.read_text(encoding="utf-8"), Loader=SAFE_LOADER)


def build_ruleset(specs: Iterable[ToolSpec]) -> RuleSet:
    """Index specs by name and alias; later specs replace earlier ones of the same name."""
    tools: dict[str, ToolSpec] = {}
    patterns: list[tuple[re.Pattern[str], ToolSpec]] = []
    for spec in specs:
        for name in (spec.name, *spec.aliases):
            tools[name] = spec
        patterns.extend((p, spec) for p in spec.patterns)
    return RuleSet(tools=tools, patterns=tuple(patterns))


def load_packaged_specs() -> list[ToolSpec]:
    """Every tool spec shipped in `opslens/guard/rules/*.yaml`, in file order."""
    specs: list[ToolSpec] = []
    for filename, document in _packaged_documents():
        if not isinstance(document, Mapping) or "tools" not in document:
            raise RuleError(f"rules/{filename}: expected a top-level `tools:` mapping")
        specs.extend(parse_tools(document["tools"], f"rules/{filename}").values())
    return specs
