"""Uploads too large to triage while the client waits: spooled on this host's disk and queued
as an `upload` job, answered 202 with the job's id.

The spool directory (`[server] spool_dir`, default `$XDG_DATA_HOME/opslens/spool`) is private
(mode 700) and outlives a restart, so a queued upload is still run after one; the job is
pinned to this host (its `affinity`) because another replica cannot see this disk. Nothing of
the upload goes into the database except its names, sizes and hashes: the store keeps no raw
input unless asked to.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import tzinfo
from pathlib import Path
from typing import Any

from opslens.paths import data_dir
from opslens.pipeline import TriageOptions

__all__ = ["file_entries", "new_spool", "spool_root", "triage_options", "upload_params"]

_CHUNK = 1024 * 1024


def spool_root(configured: str | None) -> Path:
    """Where uploads wait for their job."""
    return Path(configured).expanduser() if configured else data_dir() / "spool"


def new_spool(root: Path) -> Path:
    """A fresh private directory for one upload."""
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    spool = root / uuid.uuid4().hex
    spool.mkdir(mode=0o700)
    return spool


def file_entries(paths: list[Path]) -> list[dict[str, Any]]:
    """Name, size and sha256 of each saved upload, for the incident's input manifest."""
    entries = []
    for path in paths:
        digest, size = hashlib.sha256(), 0
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        entries.append({"name": path.name, "size": size, "sha256": digest.hexdigest()})
    return entries


def upload_params(spool: Path, files: list[Path], options: TriageOptions, now: float) -> dict[str, Any]:
    """What the job needs to run the triage later exactly as it would have run now; `now`
    anchors relative ages in pasted output to the upload time, not to when the job runs."""
    return {
        "spool": str(spool),
        "files": file_entries(files),
        "options": {
            "tz": _tz_name(options.tz), "since": options.since, "until": options.until,
            "llm": options.llm, "model": options.model, "runbook_dirs": options.runbook_dirs,
            "now": options.now if options.now is not None else now,
        },
    }


def triage_options(params: dict[str, Any], spool: Path) -> TriageOptions:
    """The `TriageOptions` an upload job's params describe, reading `spool`."""
    from opslens.timeparse.options import parse_tz

    saved = params.get("options", {})
    return TriageOptions(
        paths=[str(spool)], tz=parse_tz(saved.get("tz") or "UTC"), since=saved.get("since"),
        until=saved.get("until"), llm=saved.get("llm") or "none", model=saved.get("model"),
        runbook_dirs=list(saved.get("runbook_dirs") or []), now=saved.get("now"),
    )


def _tz_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or zone.tzname(None) or "UTC")
