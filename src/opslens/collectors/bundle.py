"""A bundle: one directory of native-format files plus `manifest.json` saying what was
collected, from where, when, with which queries, and what was cut.

`manifest.json` is read back by the `opslens-bundle` reader, which reports every cut and every
failed source under `stats.skipped`, so a bundle triaged later says what it is missing.
"""

from __future__ import annotations

import json
import tarfile
import threading
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

#: Name of the bundle's manifest; its `"opslens_bundle"` key is what the reader sniffs.
MANIFEST_NAME = "manifest.json"
BUNDLE_FORMAT = 1


@dataclass
class SourceRecord:
    """What one source contributed."""

    status: str = "pending"  # ok | failed | skipped
    detail: str = ""
    endpoint: str | None = None
    files: dict[str, int] = field(default_factory=dict)  # name -> bytes
    counts: dict[str, int] = field(default_factory=dict)  # what was read: "pods": 200, ...
    queries: list[dict[str, str]] = field(default_factory=list)
    cut: list[dict[str, str]] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0


class Bundle:
    """Writes files under `root`; safe to use from several collector threads."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sources: dict[str, SourceRecord] = {}
        self._lock = threading.Lock()
        root.mkdir(parents=True, exist_ok=True)

    def source(self, name: str) -> SourceRecord:
        with self._lock:
            return self.sources.setdefault(name, SourceRecord())

    def write(self, source: str, name: str, data: bytes) -> Path:
        """Write one file (a relative POSIX path under the bundle) for `source`."""
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"bundle file name {name!r} leaves the bundle")
        path = self.root.joinpath(*relative.parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.source(source).files[name] = len(data)
        return path

    def write_json(self, source: str, name: str, value: Any) -> Path:
        """JSON as kubectl prints it (4-space indent), so evidence cites short lines."""
        return self.write(source, name, (json.dumps(value, indent=4, ensure_ascii=False) + "\n").encode())

    def cut(self, source: str, what: str, reason: str) -> None:
        """Record that part of a source was not collected (a cap, a forbidden kind, an error)."""
        self.source(source).cut.append({"what": what, "reason": reason})

    def query(self, source: str, name: str, text: str) -> None:
        self.source(source).queries.append({"name": name, "query": text})

    def write_manifest(self, header: dict[str, Any]) -> Path:
        body = {
            "opslens_bundle": BUNDLE_FORMAT,
            **header,
            "sources": {name: _record_json(rec) for name, rec in sorted(self.sources.items())},
        }
        path = self.root / MANIFEST_NAME
        path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
        return path

    def pack(self, archive: Path) -> Path:
        """The bundle as one .tgz (members relative to the bundle's root)."""
        with tarfile.open(archive, "w:gz") as tar:
            for path in sorted(self.root.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=path.relative_to(self.root).as_posix())
        return archive


def _record_json(rec: SourceRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"status": rec.status}
    if rec.detail:
        out["detail"] = rec.detail
    if rec.endpoint:
        out["endpoint"] = rec.endpoint
    out.update(files=rec.files, counts=rec.counts, requests=rec.requests, seconds=round(rec.seconds, 3))
    if rec.queries:
        out["queries"] = rec.queries
    if rec.cut:
        out["cut"] = rec.cut
    return out
