"""Classify shell commands: parse, resolve each simple command against the rules, combine.

The label of a compound command is the most dangerous label of its parts. Anything opslens
cannot read (unknown program, dynamic program name, unparseable text) is `unknown`, which is
never presented as safe.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from opslens.errors import ConfigError
from opslens.guard.config import GuardConfig, load_guard_config
from opslens.guard.handlers import HANDLERS, Invocation
from opslens.guard.labels import Classification, Label, most_dangerous
from opslens.guard.matching import (
    Resolution,
    condition_holds,
    node_label,
    resolve,
    unearned_flag,
)
from opslens.guard.rules_loader import (
    RuleError,
    RuleSet,
    ToolSpec,
    VerbScan,
    build_ruleset,
    default_reason,
    load_packaged_specs,
    parse_tools,
)
from opslens.guard.shell import Opaque, SimpleCommand, Stdin, Write, parse

_BLOCK_DEVICE = re.compile(r"^/dev/(sd|hd|vd|xvd|nvme|mmcblk|disk|md|dm-|mapper/|loop|rdisk|sr)")
_SYSRQ = re.compile(r"^/proc/sysrq-trigger$|^/sys/power/state$")
_NO_COMMAND = Classification(Label.UNKNOWN, "no command found", "")
_PACKAGED: list[ToolSpec] | None = None


def _packaged_specs() -> list[ToolSpec]:
    global _PACKAGED
    if _PACKAGED is None:
        _PACKAGED = load_packaged_specs()
    return _PACKAGED


def _as_config(user_rules: GuardConfig | Mapping[str, Any] | None) -> GuardConfig:
    if user_rules is None:
        return load_guard_config()
    if isinstance(user_rules, GuardConfig):
        return user_rules
    return GuardConfig.model_validate(dict(user_rules))


class CommandGuard:
    """Classifies commands with the packaged rules plus the user's `[guard]` rules.

    `user_rules=None` reads the `[guard]` table of the config file; pass a `GuardConfig` (or
    its dict form, `{}` for none) to decide explicitly.
    """

    def __init__(self, user_rules: GuardConfig | Mapping[str, Any] | None = None) -> None:
        self.config = _as_config(user_rules)
        try:
            user_specs = parse_tools(self.config.tools, "[guard.tools]").values()
        except RuleError as exc:
            raise ConfigError(f"[guard.tools] {exc}") from exc
        self.rules: RuleSet = build_ruleset([*_packaged_specs(), *user_specs])
        self.overrides = sorted(
            ((tuple(k.split()), Label.parse(v)) for k, v in self.config.commands.items()),
            key=lambda item: -len(item[0]),
        )

    def classify(self, command: str) -> Classification:
        """Label, deciding part and reason for a shell command line."""
        return self.classify_text(command, depth=0)

    def classify_text(self, text: str, depth: int = 0) -> Classification:
        """Classify shell text (used recursively for `bash -c`, `ssh host '...'`, ...)."""
        parsed = parse(text, depth)
        verdicts = [self._item(item, depth) for item in parsed.items]
        best = most_dangerous(verdicts, _NO_COMMAND)
        if not parsed.exact and best.label < Label.UNKNOWN:
            return Classification(
                Label.UNKNOWN,
                f"could not parse the command safely; its parts look {best.label.value}",
                best.part or text.strip(),
            )
        return best

    def _item(self, item: SimpleCommand | Write | Opaque, depth: int) -> Classification:
        if isinstance(item, Write):
            return _write_verdict(item)
        if isinstance(item, Opaque):
            return Classification(Label.UNKNOWN, item.reason, item.text)
        if item.dynamic:
            return Classification(
                Label.UNKNOWN, "the program name is computed at run time", item.text
            )
        return self.classify_argv(item.argv, stdin=item.stdin, depth=depth, text=item.text)

    def classify_argv(
        self,
        argv: list[str],
        *,
        stdin: Stdin | None = None,
        depth: int = 0,
        text: str | None = None,
    ) -> Classification:
        """Classify one program invocation given as an argv list (never run through a shell)."""
        if not argv:
            return _NO_COMMAND
        text = text or " ".join(argv)
        program = os.path.basename(argv[0].lstrip("\\")) or argv[0]
        spec = self.rules.lookup(program)
        res = resolve(spec, argv[1:]) if spec is not None else None
        override = self._override(program, argv[1:], res)
        if override is not None:
            return Classification(override, f"user rule in [guard.commands] for `{program}`", text)
        if spec is None or res is None:
            return Classification(Label.UNKNOWN, _unknown_reason(program), text)
        res.words[0] = program  # reasons name what the user typed (`nice`, not `nohup`)
        return self._decide(res, argv, stdin or Stdin(), depth, text)

    def _override(self, program: str, args: list[str], res: Resolution | None) -> Label | None:
        """Longest `[guard.commands]` prefix matching the command words (options skipped)."""
        if not self.overrides:
            return None
        if res is not None:
            words = [program, *res.words[1:], *res.positionals, *res.rest]
        else:
            words = [program, *(a for a in args if not a.startswith("-"))]
        for prefix, label in self.overrides:
            if tuple(words[: len(prefix)]) == prefix:
                return label
        return None

    def _decide(
        self, res: Resolution, argv: list[str], stdin: Stdin, depth: int, text: str
    ) -> Classification:
        name = res.command_name
        if any(f.name in res.tool.help_flags for f in res.flags):
            return Classification(Label.READ_ONLY, f"{name}: prints help", text)
        for node in res.path:
            for rule in node.before:
                if condition_holds(rule.when, res):
                    return _earned(res, Classification(rule.label, f"{name}: {rule.reason}", text))
        base = _earned(res, self._base(res, text))
        if res.leaf.handler is None:
            return base
        handler = HANDLERS.get(res.leaf.handler)
        if handler is None:
            return Classification(Label.UNKNOWN, f"{name}: no handler `{res.leaf.handler}`", text)
        inv = Invocation(self, res, argv, stdin, depth, text, dict(res.leaf.args))
        return most_dangerous([base, *handler(inv)], base)

    def _base(self, res: Resolution, text: str) -> Classification:
        name = res.command_name
        for node in reversed(res.path):
            for rule in node.rules:
                if condition_holds(rule.when, res):
                    return Classification(rule.label, f"{name}: {rule.reason}", text)
        if res.leaf.verb_scan is not None:
            found = _scan_verbs(res.leaf.verb_scan, res.positionals)
            if found is not None:
                return Classification(found[0], f"{name} {found[1]}", text)
        label, reason = node_label(res)
        return Classification(label, f"{name}: {reason or default_reason(label)}", text)


def _earned(res: Resolution, verdict: Classification) -> Classification:
    """Default-deny: a read verdict holds only when every flag used is known (see matching)."""
    if verdict.label > Label.SENSITIVE_READ:
        return verdict
    unknown = unearned_flag(res)
    if unknown is None:
        return verdict
    return Classification(Label.UNKNOWN, unknown, verdict.part)


def _scan_verbs(scan: VerbScan, words: list[str]) -> tuple[Label, str] | None:
    """gcloud/az style: a known path, else the first word that is a verb decides."""
    for path, label, reason in scan.paths:
        if tuple(words[: len(path)]) == path:
            return label, f"{' '.join(path)}: {reason}"
    hits: list[tuple[str, Label, str]] = []
    for word in words:
        if word in scan.verbs:
            hits.append((word, *scan.verbs[word]))
            continue
        for pattern, label, reason in scan.patterns:
            if pattern.search(word):
                hits.append((word, label, f"`{word}` {reason}"))
                break
    if not hits:
        if len(words) == 1:
            return Label.READ_ONLY, f"{words[0]}: a command group alone prints help"
        return None
    chosen = hits[1] if hits[0][0] in scan.ambiguous_groups and len(hits) > 1 else hits[0]
    prefix = " ".join(words[: words.index(chosen[0])])
    return chosen[1], f"{prefix}: {chosen[2]}" if prefix else chosen[2]


def _write_verdict(item: Write) -> Classification:
    if _BLOCK_DEVICE.match(item.target):
        return Classification(
            Label.DESTRUCTIVE, f"overwrites block device {item.target}", item.text
        )
    if _SYSRQ.match(item.target):
        return Classification(
            Label.DESTRUCTIVE, f"writes {item.target}: reboots or halts the host", item.text
        )
    return Classification(Label.MUTATING, f"redirects output into file {item.target}", item.text)


def _unknown_reason(program: str) -> str:
    if program.endswith((".sh", ".py", ".rb", ".pl")) or "/" in program:
        return f"runs local script `{program}` that opslens cannot see"
    return f"no rule for `{program}`: unknown tools are never treated as safe"


_DEFAULT_GUARD: CommandGuard | None = None


def default_guard() -> CommandGuard:
    """The process-wide guard with the user's config (created on first use)."""
    global _DEFAULT_GUARD
    if _DEFAULT_GUARD is None:
        _DEFAULT_GUARD = CommandGuard()
    return _DEFAULT_GUARD


def classify(command: str) -> Classification:
    """Classify a command with the default guard (packaged rules + the user's `[guard]`)."""
    return default_guard().classify(command)
