"""Every command the report shows passes the guard: read-only ones become checks, the rest need approval."""

from __future__ import annotations

from collections.abc import Iterable

from opslens.analysis.findings import Check
from opslens.report.models import Command, Report, SafetyLabel


def vet_checks(checks: Iterable[Check]) -> tuple[list[Command], list[Command]]:
    """(read-only checks, commands that need a human's approval), each with the guard's verdict."""
    from opslens.guard import classify

    safe: list[Command] = []
    held: list[Command] = []
    for check in checks:
        verdict = classify(check.cmd)
        command = Command(
            cmd=check.cmd,
            purpose=check.purpose,
            safety=SafetyLabel(verdict.label.value),
            reason=verdict.reason,
            hypothesis=check.hypothesis,
        )
        (safe if command.safety is SafetyLabel.READ_ONLY else held).append(command)
    return safe, held


def apply_guard(report: Report, checks: Iterable[Check]) -> Report:
    """Fill `commands` and `needs_approval` of the report from the analysis' checks."""
    report.commands, report.needs_approval = vet_checks(checks)
    return report
