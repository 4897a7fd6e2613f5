"""The small exception hierarchy. User-facing messages are one line and actionable."""

from __future__ import annotations


class OpslensError(Exception):
    """Base class: anything opslens raises on purpose."""


class InputError(OpslensError):
    """A problem with something the user gave us: names the file (and line) and the reason."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class ConfigError(OpslensError):
    """Invalid configuration (file, environment or flags)."""


class ProviderError(OpslensError):
    """An LLM provider failed: unreachable, model missing, bad key, context too long, ..."""
