"""The rule part of the guard's schema: conditions, rules, verb scans, and the checks every
rule-file value goes through (unknown keys, labels, regexes, string lists).

Split from rules_loader.py, which builds tools and nodes from these parts. A key the schema
does not know is an error naming where it is: a typo must never be silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from opslens.guard.labels import Label

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
_RULE_KEYS = {"when", "label", "reason"}
_FLAG_VALUE_KEYS = {"flag", "match"}
_VERB_SCAN_KEYS = {"verbs", "patterns", "paths", "ambiguous_groups"}
_VERB_PATTERN_KEYS = {"match", "label", "reason"}
_VERB_PATH_KEYS = {"words", "label", "reason"}


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


def check_keys(raw: Any, allowed: set[str], where: str, what: str) -> Mapping[str, Any]:
    """`raw` as a mapping with no key outside `allowed` (a typo must never be ignored)."""
    if not isinstance(raw, Mapping):
        raise RuleError(f"{where}: {what} must be a mapping")
    unknown = set(raw) - allowed - {"<<"}
    if unknown:
        raise RuleError(
            f"{where}: unknown key(s) {sorted(map(str, unknown))} in {what}"
            f" (allowed: {', '.join(sorted(allowed))})"
        )
    return raw


def regex(value: Any, where: str) -> re.Pattern[str]:
    """A compiled regular expression, or a RuleError naming `where`."""
    if not isinstance(value, str):
        raise RuleError(f"{where}: expected a regular expression string")
    try:
        return re.compile(value)
    except re.error as exc:
        raise RuleError(f"{where}: bad regular expression: {exc}") from exc


_LABELS = {label.value: label for label in Label}


def label_of(value: Any, where: str) -> Label:
    """A `Label` from its name, or a RuleError naming `where`."""
    found = _LABELS.get(value) if isinstance(value, str) else None
    if found is not None:  # the common exact spelling, without Label.parse's scan
        return found
    try:
        return Label.parse(value)
    except ValueError as exc:
        raise RuleError(f"{where}: {exc}") from exc


def strings(value: Any, where: str) -> frozenset[str]:
    """A string or a list of strings as a set, or a RuleError naming `where`."""
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    raise RuleError(f"{where}: expected a string or a list of strings")


def parse_condition(raw: Any, where: str) -> Condition:
    """Build a `Condition` from its mapping form."""
    raw = check_keys(raw, _COND_KEYS, where, "a condition")
    values: dict[str, Any] = {}
    for key in ("flag", "no_flag"):
        if key in raw:
            values[key] = strings(raw[key], f"{where}.{key}")
    for key in ("flag_regex", "positional", "no_positional", "arg"):
        if key in raw:
            values[key] = regex(raw[key], f"{where}.{key}")
    for key in ("positionals", "min_positionals", "max_positionals"):
        if key in raw:
            if not isinstance(raw[key], int):
                raise RuleError(f"{where}.{key}: expected an integer")
            values[key] = raw[key]
    if "dashdash" in raw:
        values["dashdash"] = bool(raw["dashdash"])
    if "flag_value" in raw:
        fv = check_keys(raw["flag_value"], _FLAG_VALUE_KEYS, f"{where}.flag_value", "flag_value")
        if "flag" not in fv or "match" not in fv:
            raise RuleError(f"{where}.flag_value: needs `flag` and `match`")
        values["flag_value"] = FlagValue(
            strings(fv["flag"], f"{where}.flag_value.flag"),
            regex(fv["match"], f"{where}.flag_value.match"),
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


def parse_rules(raw: Any, where: str, default_reason: str) -> tuple[Rule, ...]:
    """A `rules:`/`before:` list; each rule has `when`, `label` and an optional `reason`."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise RuleError(f"{where}: expected a list of rules")
    out = []
    for i, item in enumerate(raw):
        here = f"{where}[{i}]"
        item = check_keys(item, _RULE_KEYS, here, "a rule")
        if "when" not in item or "label" not in item:
            raise RuleError(f"{here}: a rule needs `when` and `label`")
        label = label_of(item["label"], f"{here}.label")
        reason = str(item.get("reason") or default_reason)
        out.append(Rule(parse_condition(item["when"], f"{here}.when"), label, reason))
    return tuple(out)


def parse_verb_scan(raw: Any, where: str) -> VerbScan:
    """A gcloud/az style `verb_scan` mapping."""
    raw = check_keys(raw, _VERB_SCAN_KEYS, where, "verb_scan")
    verbs: dict[str, tuple[Label, str]] = {}
    for label_name, words in (raw.get("verbs") or {}).items():
        label = label_of(label_name, f"{where}.verbs")
        for word in strings(words, f"{where}.verbs.{label_name}"):
            verbs[word] = (label, f"`{word}` {_DEFAULT_REASON[label]}")
    patterns = []
    for i, item in enumerate(raw.get("patterns") or []):
        item = check_keys(item, _VERB_PATTERN_KEYS, f"{where}.patterns[{i}]", "a verb pattern")
        label = label_of(item.get("label"), f"{where}.patterns[{i}]")
        reason = str(item.get("reason") or _DEFAULT_REASON[label])
        patterns.append((regex(item.get("match"), f"{where}.patterns[{i}]"), label, reason))
    paths = []
    for i, item in enumerate(raw.get("paths") or []):
        item = check_keys(item, _VERB_PATH_KEYS, f"{where}.paths[{i}]", "a verb path")
        words = tuple(str(item.get("words", "")).split())
        label = label_of(item.get("label"), f"{where}.paths[{i}]")
        paths.append((words, label, str(item.get("reason") or _DEFAULT_REASON[label])))
    paths.sort(key=lambda p: -len(p[0]))
    groups = strings(raw.get("ambiguous_groups") or [], f"{where}.ambiguous_groups")
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


def condition_names(cond: Condition) -> frozenset[str]:
    """Every option name a condition tests (`flag`, `no_flag`, `flag_value`), nested too."""
    names = cond.flag | cond.no_flag | (cond.flag_value.flags if cond.flag_value else frozenset())
    for inner in (*cond.any_of, *((cond.negated,) if cond.negated else ())):
        names |= condition_names(inner)
    return names
