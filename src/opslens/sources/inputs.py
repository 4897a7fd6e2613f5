"""Expanding what the user named (files, directories, archives, stdin) into readable inputs.

Support bundles arrive as archives, so `.tar.gz`/`.tgz`/`.tar`/`.zip`/`.gz` are opened in place
(recognised by their magic bytes, not their names) and each member becomes one input. A
compressed archive is decompressed once into a private temporary file and read from one open
handle for the whole run (handles are per process: archive members are never fanned out to
worker processes). Problems become `Unreadable` items so the caller can report them and go on.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import shutil
import sys
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO, TypeVar

from opslens.sources.base import SourceFile, identity_from_path

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_MAX_NESTING = 2  # an archive inside an archive is common in bundles; deeper is not


@dataclass
class Readable:
    """An input that can be opened (possibly several times) as a binary stream."""

    source: SourceFile
    open: Callable[[], BinaryIO]


@dataclass
class Unreadable:
    """An input that could not be opened, with the reason."""

    where: str
    reason: str


Input = Readable | Unreadable


def expand(paths: list[str]) -> Iterator[Input]:
    """Every readable input under `paths`, in a stable order (directories sorted)."""
    for path in paths:
        if path == "-":
            yield from _from_file(_spool_stdin(), "<stdin>")
        elif os.path.isdir(path):
            yield from _walk(path)
        elif os.path.exists(path):
            yield from _from_file(path, path)
        else:
            yield Unreadable(path, "no such file or directory")


def _walk(root: str) -> Iterator[Input]:
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                full = os.path.join(dirpath, name)
                if os.path.isfile(full):
                    yield from _from_file(full, full)
    for err in errors:
        yield Unreadable(err.filename or root, _os_reason(err))


def _os_reason(err: OSError) -> str:
    return (err.strerror or str(err)).lower()


def _from_file(fs_path: str, shown: str) -> Iterator[Input]:
    try:
        with open(fs_path, "rb") as fh:
            magic = fh.read(512)
    except OSError as err:
        yield Unreadable(shown, f"cannot read: {_os_reason(err)}")
        return

    def opener() -> BinaryIO:
        return open(fs_path, "rb")

    yield from _classify(opener, magic, shown, None, depth=0)


def _classify(
    opener: Callable[[], BinaryIO], magic: bytes, path: str, member: str | None, depth: int
) -> Iterator[Input]:
    """Dispatch on magic bytes: zip, gzip (maybe tar inside), tar, or a plain file."""
    if depth <= _MAX_NESTING:
        if magic.startswith(_ZIP_MAGIC):
            yield from _zip_members(opener, path, member, depth)
            return
        if magic.startswith(_GZIP_MAGIC):
            yield from _gzip(opener, path, member, depth)
            return
        if _is_tar(magic):
            yield from _tar_members(opener, path, member, depth)
            return
    name = member or path
    yield Readable(SourceFile(path, member, identity_from_path(name)), opener)


def _is_tar(magic: bytes) -> bool:
    return len(magic) >= 262 and magic[257:262] == b"ustar"


def _gzip(opener: Callable[[], BinaryIO], path: str, member: str | None, depth: int) -> Iterator[Input]:
    where = f"{path}!{member}" if member else path
    try:
        with gzip.open(opener()) as gz:
            inner_magic = gz.read(512)
    except (OSError, EOFError, zlib.error) as err:
        yield Unreadable(where, f"corrupt gzip data: {err}")
        return
    inner_name = _strip_gz(member or os.path.basename(path))

    def inner_opener() -> BinaryIO:
        return gzip.open(opener())  # type: ignore[return-value]

    if _is_tar(inner_magic):
        yield from _tar_members(inner_opener, path, member, depth)
    else:
        inner_member = f"{member}/{inner_name}" if member else None
        name = inner_member or _strip_gz(path)
        if depth + 1 <= _MAX_NESTING and inner_magic.startswith((_ZIP_MAGIC, _GZIP_MAGIC)):
            yield from _classify(inner_opener, inner_magic, path, inner_member, depth + 1)
        else:
            yield Readable(SourceFile(path, inner_member, identity_from_path(name)), inner_opener)


def _strip_gz(name: str) -> str:
    for suffix in (".gz", ".gzip"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _tar_members(opener: Callable[[], BinaryIO], path: str, member: str | None, depth: int) -> Iterator[Input]:
    where = f"{path}!{member}" if member else path
    try:
        tar = _keep(tarfile.open(fileobj=_random_access(opener()), mode="r:"))  # noqa: SIM115 (closed by cleanup())
        files = {m.name: m for m in tar.getmembers() if m.isfile()}
    except (tarfile.TarError, OSError, EOFError, zlib.error) as err:
        yield Unreadable(where, f"corrupt tar archive: {err}")
        return
    yield from _members(list(files), lambda name: _tar_extract(tar, files[name]), path, member, depth)


def _tar_extract(tar: tarfile.TarFile, info: tarfile.TarInfo) -> BinaryIO:
    fh = tar.extractfile(info)
    if fh is None:
        raise OSError(f"{info.name}: not a regular file")
    return fh  # type: ignore[return-value]


def _zip_members(opener: Callable[[], BinaryIO], path: str, member: str | None, depth: int) -> Iterator[Input]:
    where = f"{path}!{member}" if member else path
    try:
        zf = _keep(zipfile.ZipFile(_random_access(opener())))
        names = [i.filename for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        yield Unreadable(where, f"corrupt zip archive: {err}")
        return
    yield from _members(names, zf.open, path, member, depth)  # type: ignore[arg-type]


def _random_access(fh: BinaryIO) -> BinaryIO:
    """A stream that seeks cheaply: a plain file as it is, anything else (a gzip stream, an
    archive member) decompressed once into a temporary file.

    Each archive is opened once for the whole run and every member is read from that one
    handle, so a bundle of hundreds of files is decompressed once, not once per member.
    """
    if isinstance(fh, io.BufferedReader) and fh.seekable():
        return fh
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed by cleanup())
    with fh:
        shutil.copyfileobj(fh, spool, 1024 * 1024)
    spool.seek(0)
    _OPEN.append(spool)
    return spool  # type: ignore[return-value]


_OPEN: list[object] = []  # archives and spools held open for the run; closed by cleanup()


def _keep(archive: _Archive) -> _Archive:
    _OPEN.append(archive)
    return archive


def _members(
    names: list[str],
    open_member: Callable[[str], BinaryIO],
    path: str,
    member: str | None,
    depth: int,
) -> Iterator[Input]:
    """The files of an archive (itself `member` of `path`, if nested) in name order; hidden
    ones (`.DS_Store`, editor droppings) are not inputs."""
    for name in sorted(names):
        if os.path.basename(name).startswith("."):
            continue
        full = f"{member}/{name}" if member else name
        yield from _member(partial(open_member, name), path, full, depth)


def _member(opener: Callable[[], BinaryIO], path: str, member: str, depth: int) -> Iterator[Input]:
    try:
        with opener() as fh:
            magic = fh.read(512)
    except (OSError, EOFError, zlib.error, tarfile.TarError, zipfile.BadZipFile) as err:
        yield Unreadable(f"{path}!{member}", f"cannot read member: {err}")
        return
    yield from _classify(opener, magic, path, member, depth + 1)


def _spool_stdin() -> str:
    """Copy stdin to a private temp file so it can be sniffed and read like any file."""
    fd, name = tempfile.mkstemp(prefix="opslens-stdin-")
    with os.fdopen(fd, "wb") as out:
        src = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else io.BytesIO(sys.stdin.read().encode())
        shutil.copyfileobj(src, out)
    _SPOOLED.append(name)
    return name


_SPOOLED: list[str] = []
_Archive = TypeVar("_Archive", tarfile.TarFile, zipfile.ZipFile)


def cleanup() -> None:
    """Close the archives held open and remove temp files made for stdin."""
    while _OPEN:
        with contextlib.suppress(Exception):
            _OPEN.pop().close()  # type: ignore[attr-defined]
    while _SPOOLED:
        with contextlib.suppress(OSError):
            os.unlink(_SPOOLED.pop())
