"""Shared terminal helpers: stderr console, one-line warnings and errors."""

from __future__ import annotations

import sys
from typing import NoReturn

from rich.console import Console

# Rich disables colour by itself when stderr is not a TTY (and honours NO_COLOR).
err = Console(stderr=True, highlight=False, soft_wrap=True)


def warn(message: str) -> None:
    """One short warning line on stderr."""
    err.print(f"[yellow]warning:[/yellow] {message}", markup=True)


def info(message: str) -> None:
    """One short informational line on stderr."""
    err.print(f"[dim]{message}[/dim]", markup=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """One-line error on stderr and exit with `code`."""
    err.print(f"[red]error:[/red] {message}", markup=True)
    sys.exit(code)
