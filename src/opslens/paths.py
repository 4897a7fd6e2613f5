"""Where opslens keeps its files (XDG base directories)."""

from __future__ import annotations

import os
from pathlib import Path


def config_dir() -> Path:
    """`$XDG_CONFIG_HOME/opslens` (default `~/.config/opslens`)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "opslens"


def data_dir() -> Path:
    """`$XDG_DATA_HOME/opslens` (default `~/.local/share/opslens`); not created here."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "opslens"


def config_file() -> Path:
    """The user's config file; `OPSLENS_CONFIG` overrides the default location."""
    override = os.environ.get("OPSLENS_CONFIG")
    return Path(override) if override else config_dir() / "config.toml"
