"""A token for one run of `opslens serve` when none is configured (loopback only).

Every `/api/...` route needs a bearer token, also on 127.0.0.1: another local user or a
browser page must not drive the API. A server started on loopback without a token therefore
makes one for this run, like Jupyter does, and writes it to a file only its owner can read
(`$XDG_DATA_HOME/opslens/serve-token`, mode 600). The token itself never reaches the log.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from opslens.paths import data_dir

__all__ = ["RUN_TOKEN_NAME", "token_file", "write_run_token"]

RUN_TOKEN_NAME = "run"


def token_file() -> Path:
    """Where this run's token is written."""
    return data_dir() / "serve-token"


def write_run_token(path: Path | None = None) -> tuple[str, Path]:
    """A fresh random token, written to `path` (default `token_file()`) with mode 600.
    The file is created private (never briefly world-readable) and replaced atomically."""
    target = path or token_file()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(32)
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(token + "\n")
    os.replace(partial, target)
    return token, target
