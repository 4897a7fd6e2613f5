"""Enumerations of the report contract shared by its sections."""

from __future__ import annotations

from enum import StrEnum


class SafetyLabel(StrEnum):
    """The guard's verdict on a command (mirrors `opslens.guard.Label`)."""

    READ_ONLY = "read_only"
    SENSITIVE_READ = "sensitive_read"
    MUTATING = "mutating"
    DESTRUCTIVE = "destructive"
    UNKNOWN = "unknown"


class Placement(StrEnum):
    """Where a suggested command ends up: offered as a check, held for approval, or avoided."""

    COMMANDS = "commands"
    NEEDS_APPROVAL = "needs_approval"
    AVOID = "avoid"
