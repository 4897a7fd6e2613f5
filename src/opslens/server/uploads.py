"""Uploaded inputs of `POST /api/v1/triage`: written into a private temporary directory under
safe names, and archives vetted before the pipeline reads them.

The pipeline's input expander (`opslens.sources.inputs`) reads archive members in place and
never extracts them, so a member named `../../etc/passwd` is only a name, never a path written
to. What it does not bound is how much an archive expands to: `check_archive` counts members
and uncompressed bytes (streaming, stopping at the limit) so a small upload cannot become a
decompression bomb.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "ArchiveLimits", "UploadRejected", "check_archive", "safe_name", "strip_directory",
    "write_upload",
]

_UNSAFE = re.compile(r"[^A-Za-z0-9._@+=-]+")
_CHUNK = 1024 * 1024


class UploadRejected(ValueError):
    """An upload the service will not read; `status` is the HTTP status to answer with."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class ArchiveLimits:
    """How far one uploaded archive may expand."""

    max_members: int = 10_000
    max_expanded_bytes: int = 1024 * 1024 * 1024


def safe_name(filename: str | None, index: int) -> str:
    """A file name for the upload: its base name with unusual characters replaced, never
    hidden, never empty (`upload-N`); the extension is kept (readers are chosen by it)."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).lstrip(".")[:200]
    return cleaned or f"upload-{index}"


def write_upload(source: BinaryIO, directory: Path, filename: str | None, index: int) -> Path:
    """Copy one uploaded file into `directory` under `safe_name` (made unique)."""
    name = safe_name(filename, index)
    target = directory / name
    if target.exists():
        target = directory / f"{index}-{name}"
    with open(target, "xb") as out:
        shutil.copyfileobj(source, out, _CHUNK)
    return target


def check_archive(path: Path, limits: ArchiveLimits) -> None:
    """UploadRejected (413) when the archive at `path` has too many members or expands past
    the limit, (400) when it is corrupt; plain files pass untouched."""
    with open(path, "rb") as fh:
        magic = fh.read(512)
    try:
        if magic.startswith(b"PK\x03\x04"):
            _check_zip(path, limits)
        elif magic.startswith(b"\x1f\x8b"):
            _check_gzip(path, limits)
        elif len(magic) >= 262 and magic[257:262] == b"ustar":
            with tarfile.open(path, mode="r|") as tar:
                _check_tar(tar, path.name, limits)
    except (tarfile.TarError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise UploadRejected(f"{path.name}: corrupt archive ({exc})") from None


def _check_zip(path: Path, limits: ArchiveLimits) -> None:
    with zipfile.ZipFile(path) as zf:
        members = [i for i in zf.infolist() if not i.is_dir()]
    _check_count(path.name, len(members), limits)
    _check_size(path.name, sum(i.file_size for i in members), limits)


def _check_gzip(path: Path, limits: ArchiveLimits) -> None:
    with gzip.open(path, "rb") as gz:
        head = gz.read(512)
    if len(head) >= 262 and head[257:262] == b"ustar":
        with tarfile.open(path, mode="r|gz") as tar:
            _check_tar(tar, path.name, limits)
        return
    expanded = 0
    with gzip.open(path, "rb") as gz:
        while chunk := gz.read(_CHUNK):
            expanded += len(chunk)
            _check_size(path.name, expanded, limits)


def _check_tar(tar: tarfile.TarFile, name: str, limits: ArchiveLimits) -> None:
    """Walk the headers in stream order (the data is skipped, not kept)."""
    count = expanded = 0
    for member in tar:
        if member.isfile():
            count += 1
            expanded += member.size
            _check_count(name, count, limits)
            _check_size(name, expanded, limits)


def _check_count(name: str, count: int, limits: ArchiveLimits) -> None:
    if count > limits.max_members:
        raise UploadRejected(
            f"{name}: more than {limits.max_members} archive members", status=413
        )


def _check_size(name: str, expanded: int, limits: ArchiveLimits) -> None:
    if expanded > limits.max_expanded_bytes:
        raise UploadRejected(
            f"{name}: expands past {limits.max_expanded_bytes} bytes", status=413
        )


def strip_directory(text: str, directory: Path) -> str:
    """`text` with the temporary directory's prefix removed from cited paths."""
    prefix = str(directory) + os.sep
    return text.replace(prefix, "")
