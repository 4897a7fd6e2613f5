"""Load the declarative tool knowledge (packaged YAML + the user's `[guard]` table) into specs.

A tool is a tree of nodes: the root is the program, children are subcommands. Each node may
carry a label, ordered rules (`before` rules are final and skip handlers; `rules` are tried
deepest node first) and a handler name for tools whose argument is itself a command or a
statement. The schema is documented in `rules/README.md`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from opslens.guard.labels import Label
from opslens.yaml_loader import SAFE_LOADER

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
    "flags",
    "any_flags",
}
_TOOL_KEYS = _NODE_KEYS | {"aliases", "patterns", "cluster_short", "help_flags", "default_deny"}
_COND_KEYS = {
    "flag",
    "no_flag",
    "flag_regex",
    "flag_value",
    "positional",
    "no_positional",
    "positionals",
    "min_positionals",
    "max_positionals",
    "arg",
    "dashdash",
    "any",
    "not",
}


class RuleError(ValueError):
    """A rule file or user rule does not follow the schema; the message names where."""


@dataclass(frozen=True, slots=True)
class FlagValue:
    """Condition on the value given to one of `flags`."""

    flags: frozenset[str]
    match: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Condition:
    """All set fields must hold for the condition to match."""

    flag: frozenset[str] = frozenset()
    no_flag: frozenset[str] = frozenset()
    flag_regex: re.Pattern[str] | None = None
    flag_value: FlagValue | None = None
    positional: re.Pattern[str] | None = None
    no_positional: re.Pattern[str] | None = None
    positionals: int | None = None
    min_positionals: int | None = None
    max_positionals: int | None = None
    arg: re.Pattern[str] | None = None
    dashdash: bool | None = None
    any_of: tuple[Condition, ...] = ()
    negated: Condition | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """If `when` holds, the command gets `label` for `reason`."""

    when: Condition
    label: Label
    reason: str


@dataclass(frozen=True, slots=True)
class VerbScan:
    """gcloud/az style: the first positional that is a known verb decides."""

    verbs: Mapping[str, tuple[Label, str]]
    patterns: tuple[tuple[re.Pattern[str], Label, str], ...]
    paths: tuple[tuple[tuple[str, ...], Label, str], ...]
    ambiguous_groups: frozenset[str]


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
    flags: frozenset[str] = frozenset()
    any_flags: str | None = None

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


def _regex(value: Any, where: str) -> re.Pattern[str]:
    if not isinstance(value, str):
        raise RuleError(f"{where}: expected a regular expression string")
    try:
        return re.compile(value)
    except re.error as exc:
        raise RuleError(f"{where}: bad regular expression: {exc}") from exc


def _label(value: Any, where: str) -> Label:
    try:
        return Label.parse(value)
    except ValueError as exc:
        raise RuleError(f"{where}: {exc}") from exc


def _strings(value: Any, where: str) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    raise RuleError(f"{where}: expected a string or a list of strings")


def parse_condition(raw: Any, where: str) -> Condition:
    """Build a `Condition` from its mapping form."""
    if not isinstance(raw, Mapping):
        raise RuleError(f"{where}: a condition must be a mapping")
    unknown = set(raw) - _COND_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown condition key(s) {sorted(unknown)}")
    values: dict[str, Any] = {}
    for key in ("flag", "no_flag"):
        if key in raw:
            values[key] = _strings(raw[key], f"{where}.{key}")
    for key in ("flag_regex", "positional", "no_positional", "arg"):
        if key in raw:
            values[key] = _regex(raw[key], f"{where}.{key}")
    for key in ("positionals", "min_positionals", "max_positionals"):
        if key in raw:
            if not isinstance(raw[key], int):
                raise RuleError(f"{where}.{key}: expected an integer")
            values[key] = raw[key]
    if "dashdash" in raw:
        values["dashdash"] = bool(raw["dashdash"])
    if "flag_value" in raw:
        fv = raw["flag_value"]
        if not isinstance(fv, Mapping) or "flag" not in fv or "match" not in fv:
            raise RuleError(f"{where}.flag_value: needs `flag` and `match`")
        values["flag_value"] = FlagValue(
            _strings(fv["flag"], f"{where}.flag_value.flag"),
            _regex(fv["match"], f"{where}.flag_value.match"),
        )
    if "any" in raw:
        if not isinstance(raw["any"], list):
            raise RuleError(f"{where}.any: expected a list of conditions")
        values["any_of"] = tuple(
            parse_condition(c, f"{where}.any[{i}]") for i, c in enumerate(raw["any"])
        )
    if "not" in raw:
        values["negated"] = parse_condition(raw["not"], f"{where}.not")
    return Condition(**values)


def _rules(raw: Any, where: str, default_reason: str) -> tuple[Rule, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise RuleError(f"{where}: expected a list of rules")
    out = []
    for i, item in enumerate(raw):
        here = f"{where}[{i}]"
        if not isinstance(item, Mapping) or "when" not in item or "label" not in item:
            raise RuleError(f"{here}: a rule needs `when` and `label`")
        label = _label(item["label"], f"{here}.label")
        reason = str(item.get("reason") or default_reason)
        out.append(Rule(parse_condition(item["when"], f"{here}.when"), label, reason))
    return tuple(out)


def _verb_scan(raw: Any, where: str) -> VerbScan:
    if not isinstance(raw, Mapping):
        raise RuleError(f"{where}: expected a mapping")
    verbs: dict[str, tuple[Label, str]] = {}
    for label_name, words in (raw.get("verbs") or {}).items():
        label = _label(label_name, f"{where}.verbs")
        for word in _strings(words, f"{where}.verbs.{label_name}"):
            verbs[word] = (label, f"`{word}` {_DEFAULT_REASON[label]}")
    patterns = []
    for i, item in enumerate(raw.get("patterns") or []):
        label = _label(item.get("label"), f"{where}.patterns[{i}]")
        reason = str(item.get("reason") or _DEFAULT_REASON[label])
        patterns.append((_regex(item.get("match"), f"{where}.patterns[{i}]"), label, reason))
    paths = []
    for i, item in enumerate(raw.get("paths") or []):
        words = tuple(str(item.get("words", "")).split())
        label = _label(item.get("label"), f"{where}.paths[{i}]")
        paths.append((words, label, str(item.get("reason") or _DEFAULT_REASON[label])))
    paths.sort(key=lambda p: -len(p[0]))
    groups = _strings(raw.get("ambiguous_groups") or [], f"{where}.ambiguous_groups")
    return VerbScan(verbs, tuple(patterns), tuple(paths), groups)


_DEFAULT_REASON = {
    Label.READ_ONLY: "only observes state",
    Label.SENSITIVE_READ: "prints secret values",
    Label.UNKNOWN: "opslens cannot tell what it does",
    Label.MUTATING: "changes state",
    Label.DESTRUCTIVE: "deletes data or has a large blast radius",
}


def default_reason(label: Label) -> str:
    """The generic one-line reason for a label."""
    return _DEFAULT_REASON[label]


def _flags(raw: Mapping[str, Any], where: str) -> tuple[frozenset[str], frozenset[str]]:
    """`flags` entries as (names, names taking a value); a trailing `=` marks a value."""
    names = _strings(raw.get("flags") or [], f"{where}.flags")
    bad = sorted(n for n in names if not n.startswith("-") or n.rstrip("=") in ("-", "--"))
    if bad:
        raise RuleError(f"{where}.flags: not option names: {bad}")
    valued = frozenset(n[:-1] for n in names if n.endswith("="))
    return frozenset(n.rstrip("=") for n in names), valued


def _any_flags(raw: Mapping[str, Any], where: str) -> str | None:
    """The reason why every option of this command is read-only (None when not claimed)."""
    value = raw.get("any_flags")
    if value is None or value is False:
        return None
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{where}.any_flags: give the reason every option is read-only")
    return value.strip()


def parse_node(name: str, raw: Any, where: str, keys: set[str] = _NODE_KEYS) -> Node:
    """Build a `Node` from its YAML form: a label string, `[label, reason]` or a mapping."""
    if isinstance(raw, str):
        return Node(name=name, label=_label(raw, where))
    if isinstance(raw, list) and len(raw) >= 2 and all(isinstance(v, str) for v in raw):
        # `[label, reason]`; a reason with commas written unquoted arrives split: rejoin it
        return Node(name=name, label=_label(raw[0], where), reason=", ".join(raw[1:]))
    if not isinstance(raw, Mapping):
        raise RuleError(f"{where}: expected a label, [label, reason] or a mapping")
    unknown = set(raw) - keys - {"<<"}
    if unknown:
        raise RuleError(f"{where}: unknown key(s) {sorted(unknown)}")
    label = _label(raw["label"], f"{where}.label") if "label" in raw else None
    sub = {}
    for sub_name, sub_raw in (raw.get("sub") or {}).items():
        for alias in str(sub_name).split("|"):
            sub[alias] = parse_node(alias, sub_raw, f"{where}.sub.{sub_name}")
    patterns = []
    for i, item in enumerate(raw.get("sub_patterns") or []):
        if not isinstance(item, Mapping) or "match" not in item:
            raise RuleError(f"{where}.sub_patterns[{i}]: needs `match`")
        body = {k: v for k, v in item.items() if k != "match"}
        node = parse_node(name, body, f"{where}.sub_patterns[{i}]")
        patterns.append((_regex(item["match"], f"{where}.sub_patterns[{i}].match"), node))
    reason_base = default_reason(label) if label else "matched a rule"
    flags, valued = _flags(raw, where)
    options = _strings(raw.get("options_with_value") or [], f"{where}.options")
    return Node(
        name=name,
        label=label,
        reason=raw.get("reason"),
        sub=sub,
        sub_patterns=tuple(patterns),
        any_sub=parse_node("*", raw["any_sub"], f"{where}.any_sub") if "any_sub" in raw else None,
        prefix_match=bool(raw.get("prefix_match", False)),
        options_with_value=options | valued,
        before=_rules(raw.get("before"), f"{where}.before", reason_base),
        rules=_rules(raw.get("rules"), f"{where}.rules", reason_base),
        unmatched=_label(raw["unmatched"], f"{where}.unmatched") if "unmatched" in raw else None,
        empty=_label(raw["empty"], f"{where}.empty") if "empty" in raw else None,
        handler=raw.get("handler"),
        args=dict(raw.get("args") or {}),
        verb_scan=_verb_scan(raw["verb_scan"], f"{where}.verb_scan")
        if "verb_scan" in raw
        else None,
        options_end_at_positional=bool(raw.get("options_end_at_positional", False)),
        flags=flags,
        any_flags=_any_flags(raw, where),
    )


def parse_tool(name: str, raw: Any, where: str) -> ToolSpec:
    """Build a `ToolSpec` from its YAML mapping (or a bare label)."""
    if not isinstance(raw, Mapping):
        return ToolSpec(name=name, root=parse_node(name, raw, where))
    root = parse_node(name, raw, where, _TOOL_KEYS)
    help_flags = {"--help"} | set(_strings(raw.get("help_flags") or [], f"{where}.help_flags"))
    return ToolSpec(
        name=name,
        root=root,
        aliases=tuple(_strings(raw.get("aliases") or [], f"{where}.aliases")),
        patterns=tuple(_regex(p, f"{where}.patterns") for p in raw.get("patterns") or []),
        cluster_short=bool(raw.get("cluster_short", False)),
        help_flags=frozenset(help_flags),
        default_deny=bool(raw.get("default_deny", False)),
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
