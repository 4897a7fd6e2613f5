"""The labels the guard gives a command, ordered by danger, and the classification record."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import total_ordering


@total_ordering
class Label(Enum):
    """How dangerous a shell command is, ordered `READ_ONLY < ... < DESTRUCTIVE`.

    `UNKNOWN` ranks above `SENSITIVE_READ` and below `MUTATING`: a command we cannot read is
    never safe to show as a check, but a command we *know* changes state is the stronger
    claim when the parts of a compound command are combined.
    """

    READ_ONLY = "read_only"
    SENSITIVE_READ = "sensitive_read"
    UNKNOWN = "unknown"
    MUTATING = "mutating"
    DESTRUCTIVE = "destructive"

    @property
    def rank(self) -> int:
        """Position in the danger order (0 is harmless)."""
        return _RANK[self]

    @property
    def is_safe(self) -> bool:
        """Only `READ_ONLY` commands may be presented as validation steps."""
        return self is Label.READ_ONLY

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Label):
            return NotImplemented
        return _RANK[self] < _RANK[other]

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: str | Label) -> Label:
        """`Label` from its value (`"read_only"`) or name (`"READ_ONLY"`); ValueError otherwise."""
        if isinstance(value, Label):
            return value
        text = str(value).strip().lower().replace("-", "_")
        for label in cls:
            if label.value == text:
                return label
        known = ", ".join(label.value for label in cls)
        raise ValueError(f"unknown label {value!r} (known: {known})")


_RANK = {label: index for index, label in enumerate(Label)}


@dataclass(frozen=True, slots=True)
class Classification:
    """The verdict on one command: its label, the part that decided it and a one-line reason."""

    label: Label
    reason: str
    part: str

    @property
    def is_safe(self) -> bool:
        """True only for `read_only` commands."""
        return self.label.is_safe

    def as_dict(self) -> dict[str, str]:
        """JSON-friendly form (`label` as its string value)."""
        return {"label": self.label.value, "reason": self.reason, "part": self.part}


def most_dangerous(items: list[Classification], default: Classification) -> Classification:
    """The first classification with the highest label (`default` when `items` is empty)."""
    best = default if not items else items[0]
    for item in items[1:]:
        if item.label > best.label:
            best = item
    return best
