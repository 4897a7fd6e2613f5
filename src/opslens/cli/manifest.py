"""The input manifest of a saved triage: what each input was (name, size, sha256) and the
report's reading statistics, plus the input texts themselves only with `--keep-inputs`.

Inputs are enumerated the way ingest reads them (directories walked, archives opened member by
member), so the names here are the names the report's evidence cites. Stdin is read once,
before the triage, and handed back to it unchanged (`capture_stdin`), so it can be hashed too.
"""

from __future__ import annotations

import hashlib
import io
import sys
from dataclasses import dataclass, field

from opslens.report.models import Report
from opslens.store.records import InputFile, InputManifest

#: Kept inputs are stored in the database; past this total the rest are listed, not kept.
MAX_KEPT_BYTES = 64 * 1024 * 1024
STDIN_NAME = "<stdin>"
_CHUNK = 1024 * 1024


@dataclass
class ManifestResult:
    manifest: InputManifest
    #: name -> text, only when inputs are kept (the store redacts them before writing).
    inputs: dict[str, str] | None = None
    #: Names not kept because the total passed MAX_KEPT_BYTES.
    not_kept: list[str] = field(default_factory=list)


def capture_stdin() -> bytes:
    """Read all of stdin and put an identical stream back for the triage to read."""
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace")
    return data


def build_manifest(
    paths: list[str], report: Report, *, stdin: bytes | None = None, keep: bool = False
) -> ManifestResult:
    """Name, size and sha256 of every input under `paths`; their texts when `keep`."""
    from opslens.sources import inputs as expander

    files: list[InputFile] = []
    texts: dict[str, str] = {}
    not_kept: list[str] = []
    budget = MAX_KEPT_BYTES

    def add(name: str, fh: io.BufferedIOBase) -> None:
        nonlocal budget
        digest, size, kept = hashlib.sha256(), 0, []
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if keep and size <= budget:
                kept.append(chunk)
        files.append(InputFile(name, size, digest.hexdigest()))
        if keep and size <= budget:
            texts[name] = b"".join(kept).decode("utf-8", errors="replace")
            budget -= size
        elif keep:
            not_kept.append(name)

    if stdin is not None and "-" in paths:
        add(STDIN_NAME, io.BytesIO(stdin))
    try:
        for item in expander.expand([p for p in paths if p != "-"]):
            if isinstance(item, expander.Readable):
                try:
                    with item.open() as fh:
                        add(str(item.source), fh)  # type: ignore[arg-type]
                except OSError:
                    continue  # the triage already reported it as skipped
    finally:
        expander.cleanup()
    stats = report.stats.model_dump(mode="json")
    manifest = InputManifest(files=files, stats=stats)
    return ManifestResult(manifest, texts if keep else None, not_kept)
