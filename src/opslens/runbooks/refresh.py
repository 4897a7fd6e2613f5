"""Incremental indexing of one directory of runbooks.

A file whose mtime and size match the stored ones is not even read; a file whose bytes hash
the same is only re-stamped; only genuinely new or changed files are parsed and analysed;
files that disappeared are dropped. Re-indexing an unchanged corpus is one `stat` per file.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from opslens.runbooks.analysis import analyse_document
from opslens.runbooks.sections import format_for, parse_document
from opslens.runbooks.store import DocRow, Store

__all__ = ["MAX_FILE_BYTES", "refresh_root", "walk"]

#: Larger files are skipped: runbooks are prose, not data dumps.
MAX_FILE_BYTES = 4 * 1024 * 1024


def walk(root: Path) -> Iterator[Path]:
    """Indexable files under `root` in a stable order, skipping hidden files and folders."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if not name.startswith(".") and format_for(path) is not None and path.is_file():
                yield path


def refresh_root(store: Store, root: Path) -> Counter[str]:
    """Bring the stored copy of `root` (an absolute directory) up to date.

    Returns counts keyed by the `RefreshStats` field names. Runs inside the caller's
    transaction.
    """
    counts: Counter[str] = Counter()
    root_id = store.root_id(str(root))
    known = store.documents(root_id)
    seen: set[str] = set()
    for path in walk(root):
        counts["scanned"] += 1
        relpath = path.relative_to(root).as_posix()
        seen.add(relpath)
        st = path.stat()
        old = known.get(relpath)
        if old and old.mtime_ns == st.st_mtime_ns and old.size == st.st_size:
            counts["unchanged"] += 1
            continue
        if st.st_size > MAX_FILE_BYTES:
            counts["skipped"] += 1
            continue
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if old and old.sha256 == sha:
            store.touch(old.id, st.st_mtime_ns, st.st_size)
            counts["touched"] += 1
            continue
        _index_file(store, root_id, path, data, DocRow(0, relpath, st.st_mtime_ns, st.st_size, sha))
        counts["updated" if old else "added"] += 1
    gone = [row.id for rel, row in known.items() if rel not in seen]
    store.delete(gone)
    counts["removed"] += len(gone)
    return counts


def _index_file(store: Store, root_id: int, path: Path, data: bytes, row: DocRow) -> None:
    fmt = format_for(path)
    if fmt is None:  # walk() only yields indexable files
        return
    doc = parse_document(data.decode("utf-8", errors="replace"), fmt, name=path.stem)
    analysed = analyse_document(doc, row.relpath)
    store.put(root_id, row, fmt.value, doc.title, analysed.terms, analysed.sections)
