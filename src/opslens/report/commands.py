"""Every command the report shows passes the guard: read-only ones become checks, the rest need approval.

The analysis' checks are argv tuples built from validated names (`analysis.checks`); the text
classified here is exactly the text shown (`shlex.join` of the argv). What each verdict gives:

- `read_only`: shown as a check (`report.commands`);
- `sensitive_read` or `unknown`: shown only under "needs approval", with the guard's label;
- `mutating` or `destructive`: not shown at all. These are meant to be read-only validation
  checks, so such a verdict means the knowledge is wrong; offering the command, even for
  approval, would put a state change in front of someone under pressure.

A check without argv (a name from the input failed its naming rule) is given in words only
(`report.checks_in_words`), never as a command.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field

from opslens.analysis.findings import Check
from opslens.report.models import Command, Report, SafetyLabel

_HELD = (SafetyLabel.SENSITIVE_READ, SafetyLabel.UNKNOWN)


@dataclass
class VettedChecks:
    """The analysis' checks sorted by the guard's verdict."""

    commands: list[Command] = field(default_factory=list)
    needs_approval: list[Command] = field(default_factory=list)
    in_words: list[str] = field(default_factory=list)
    dropped: list[Command] = field(default_factory=list)


def vet_checks(checks: Iterable[Check]) -> VettedChecks:
    """The checks placed by the guard's verdict on the exact text shown."""
    from opslens.guard import classify

    vetted = VettedChecks()
    for check in checks:
        if not check.argv:
            vetted.in_words.append(f"{check.purpose} ({check.withheld})" if check.withheld else check.purpose)
            continue
        text = check.cmd
        if tuple(shlex.split(text)) != check.argv:  # the shown text must be the argv, word for word
            continue
        verdict = classify(text)
        command = Command(
            cmd=text,
            purpose=check.purpose,
            safety=SafetyLabel(verdict.label.value),
            reason=verdict.reason,
            hypothesis=check.hypothesis,
        )
        if command.safety is SafetyLabel.READ_ONLY:
            vetted.commands.append(command)
        elif command.safety in _HELD:
            vetted.needs_approval.append(command)
        else:
            vetted.dropped.append(command)
    return vetted


def apply_guard(report: Report, checks: Iterable[Check]) -> Report:
    """Fill `commands`, `needs_approval` and `checks_in_words` of the report from the analysis' checks."""
    vetted = vet_checks(checks)
    report.commands, report.needs_approval = vetted.commands, vetted.needs_approval
    report.checks_in_words = vetted.in_words
    return report


def recheck_commands(report: Report) -> Report:
    """A copy of a stored `report` whose commands are classified again, as `vet_checks` places
    them: a stored label says only what the guard thought when the report was saved, and the
    rules change, and a database row can be edited or imported from elsewhere. Read-only
    commands stay checks, sensitive or unknown ones need approval, the rest are dropped."""
    from opslens.guard import classify

    commands: list[Command] = []
    needs_approval: list[Command] = []
    for stored in [*report.commands, *report.needs_approval]:
        verdict = classify(stored.cmd)
        command = stored.model_copy(
            update={"safety": SafetyLabel(verdict.label.value), "reason": verdict.reason}
        )
        if command.safety is SafetyLabel.READ_ONLY:
            commands.append(command)
        elif command.safety in _HELD:
            needs_approval.append(command)
    return report.model_copy(update={"commands": commands, "needs_approval": needs_approval})
