"""Command-line entry point.

Commands live one per module in `opslens.cli.commands`; each registers itself on `app` when
imported, so a new command is one new file.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

from opslens.cli.app import app
from opslens.cli.console import fail
from opslens.errors import OpslensError

__all__ = ["app", "main"]


def _load_commands() -> None:
    from opslens.cli import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{commands.__name__}.{info.name}")


def main() -> None:
    """Console-script entry: run the app, turning our own errors into one-line messages."""
    _load_commands()
    try:
        app()
    except OpslensError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        sys.exit(130)
