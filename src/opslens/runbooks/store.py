"""SQLite storage for the runbook index: schema migrations and row access.

Documents live in plain tables; their analysed terms live in an FTS5 table (`doc_fts`,
one row per document, rowid = document id) whose vocabulary gives document frequencies.
Migrations are numbered, append-only and recorded in `schema_migrations`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from opslens.errors import InputError

__all__ = ["DocInfo", "DocRow", "DocTerms", "SectionRow", "Store"]

# Append only: never edit a released migration, add a new one.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "initial runbook index",
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE roots (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
            relpath TEXT NOT NULL,
            mtime_ns INTEGER NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            fmt TEXT NOT NULL,
            title TEXT NOT NULL,
            indexed INTEGER NOT NULL,
            name_len INTEGER NOT NULL DEFAULT 0,
            headings_len INTEGER NOT NULL DEFAULT 0,
            body_len INTEGER NOT NULL DEFAULT 0,
            title_terms TEXT NOT NULL DEFAULT '',
            UNIQUE (root_id, relpath)
        );
        CREATE TABLE sections (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            heading TEXT NOT NULL,
            heading_path TEXT NOT NULL,
            line INTEGER NOT NULL,
            text TEXT NOT NULL,
            heading_terms TEXT NOT NULL,
            body_terms TEXT NOT NULL
        );
        CREATE INDEX sections_doc ON sections (doc_id, ordinal);
        CREATE VIRTUAL TABLE doc_fts USING fts5(
            name, headings, body, tokenize = 'unicode61 remove_diacritics 0'
        );
        CREATE VIRTUAL TABLE doc_vocab USING fts5vocab(doc_fts, 'row');
        CREATE TABLE embeddings (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (doc_id, model)
        );
        """,
    ),
)


@dataclass(frozen=True)
class DocRow:
    """A stored document's identity and change-detection fingerprint."""

    id: int
    relpath: str
    mtime_ns: int
    size: int
    sha256: str


@dataclass(frozen=True)
class DocTerms:
    """A document's analysed fields (space-joined terms) as stored in `doc_fts`, plus the
    distinct plain terms of its title and other names (`title_terms`)."""

    id: int
    name: str
    headings: str
    body: str
    title_terms: str = ""


@dataclass(frozen=True)
class SectionRow:
    """A stored section with its analysed heading path and body."""

    id: int
    doc_id: int
    heading: str
    heading_path: tuple[str, ...]
    line: int
    text: str
    heading_terms: str
    body_terms: str


@dataclass(frozen=True)
class DocInfo:
    """Display facts about a document."""

    id: int
    root: str
    relpath: str
    title: str


class Store:
    """Thin typed access to the index database; one connection per instance."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 5000")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise InputError(str(path), f"cannot open runbook index: {exc}") from exc

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def _migrate(self) -> None:
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {v for (v,) in self.db.execute("SELECT version FROM schema_migrations")}
        for version, name, sql in MIGRATIONS:
            if version in done:
                continue
            with self.transaction():
                for statement in _statements(sql):
                    self.db.execute(statement)
                self.db.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    (version, name, datetime.now(UTC).isoformat()),
                )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN ... COMMIT, rolled back on error."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def migrations(self) -> list[tuple[int, str]]:
        """Applied migrations, oldest first."""
        return list(self.db.execute("SELECT version, name FROM schema_migrations ORDER BY 1"))

    def get_meta(self, key: str) -> str | None:
        """A value from the `meta` table."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Upsert a `meta` value."""
        self.db.execute(
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def root_id(self, root: str) -> int:
        """The id of an indexed directory, created on first use."""
        self.db.execute("INSERT OR IGNORE INTO roots (path) VALUES (?)", (root,))
        return self.db.execute("SELECT id FROM roots WHERE path = ?", (root,)).fetchone()[0]

    def root_ids(self, roots: Iterable[str]) -> list[int]:
        """Ids of the given indexed directories (unknown ones are left out)."""
        out = []
        for root in roots:
            row = self.db.execute("SELECT id FROM roots WHERE path = ?", (root,)).fetchone()
            if row:
                out.append(row[0])
        return out

    def documents(self, root_id: int) -> dict[str, DocRow]:
        """All stored documents under one root, by relative path."""
        rows = self.db.execute(
            "SELECT id, relpath, mtime_ns, size, sha256 FROM documents WHERE root_id = ?",
            (root_id,),
        )
        return {r[1]: DocRow(*r) for r in rows}

    def touch(self, doc_id: int, mtime_ns: int, size: int) -> None:
        """Record a new mtime/size for a document whose content hash did not change."""
        self.db.execute(
            "UPDATE documents SET mtime_ns = ?, size = ? WHERE id = ?", (mtime_ns, size, doc_id)
        )

    def invalidate_all(self) -> None:
        """Force every document to be re-analysed on the next refresh."""
        self.db.execute("UPDATE documents SET sha256 = '', mtime_ns = -1")

    def delete(self, doc_ids: Sequence[int]) -> None:
        """Remove documents with their sections, terms and embeddings."""
        for doc_id in doc_ids:
            self.db.execute("DELETE FROM doc_fts WHERE rowid = ?", (doc_id,))
            self.db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def put(self, root_id: int, row: DocRow, fmt: str, title: str, terms: DocTerms | None,
            sections: Sequence[SectionRow]) -> int:
        """Insert or replace one document; `terms` None stores it as not searchable."""
        old = self.db.execute(
            "SELECT id FROM documents WHERE root_id = ? AND relpath = ?", (root_id, row.relpath)
        ).fetchone()
        if old:
            self.delete([old[0]])
        lengths = [len(f.split()) for f in (terms.name, terms.headings, terms.body)] if terms else [0, 0, 0]
        cur = self.db.execute(
            "INSERT INTO documents (root_id, relpath, mtime_ns, size, sha256, fmt, title, indexed,"
            " name_len, headings_len, body_len, title_terms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (root_id, row.relpath, row.mtime_ns, row.size, row.sha256, fmt, title,
             int(terms is not None), *lengths, terms.title_terms if terms else ""),
        )
        doc_id = int(cur.lastrowid or 0)
        if terms is not None:
            self.db.execute(
                "INSERT INTO doc_fts (rowid, name, headings, body) VALUES (?, ?, ?, ?)",
                (doc_id, terms.name, terms.headings, terms.body),
            )
        self.db.executemany(
            "INSERT INTO sections (doc_id, ordinal, heading, heading_path, line, text,"
            " heading_terms, body_terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (doc_id, n, s.heading, json.dumps(list(s.heading_path)), s.line, s.text,
                 s.heading_terms, s.body_terms)
                for n, s in enumerate(sections)
            ],
        )
        return doc_id

    def average_lengths(self) -> tuple[float, float, float]:
        """Mean (name, headings, body) lengths in terms over searchable documents."""
        row = self.db.execute(
            "SELECT avg(name_len), avg(headings_len), avg(body_len) FROM documents WHERE indexed"
        ).fetchone()
        return tuple(float(v or 0.0) for v in row)  # type: ignore[return-value]

    def document_frequencies(self) -> tuple[int, dict[str, int]]:
        """(number of searchable documents, term -> number of documents containing it)."""
        total = self.db.execute("SELECT count(*) FROM doc_fts").fetchone()[0]
        return total, dict(self.db.execute("SELECT term, doc FROM doc_vocab"))

    def candidates(self, terms: Sequence[str], weights: Sequence[float], limit: int,
                   root_ids: Sequence[int] | None = None) -> list[DocTerms]:
        """Documents containing any of `terms`, best first by FTS5's own BM25."""
        if not terms or root_ids == []:
            return []
        match = " OR ".join(f'"{t}"' for t in terms)
        sql = (
            "SELECT doc_fts.rowid, name, headings, body, d.title_terms FROM doc_fts"
            " JOIN documents d ON d.id = doc_fts.rowid"
            " WHERE doc_fts MATCH ?"
        )
        params: list[object] = [match]
        if root_ids is not None:
            sql += f" AND d.root_id IN ({','.join('?' * len(root_ids))})"
            params.extend(root_ids)
        sql += f" ORDER BY bm25(doc_fts, {', '.join(str(float(w)) for w in weights)}) LIMIT ?"
        params.append(limit)
        return [DocTerms(*r) for r in self.db.execute(sql, params)]

    def document_hashes(self) -> list[tuple[int, str]]:
        """(id, content hash) of every searchable document."""
        return list(self.db.execute("SELECT id, sha256 FROM documents WHERE indexed ORDER BY id"))

    def doc_ids(self, root_ids: Sequence[int]) -> list[int]:
        """Ids of searchable documents under the given roots."""
        marks = ",".join("?" * len(root_ids))
        return [r[0] for r in self.db.execute(
            f"SELECT id FROM documents WHERE indexed AND root_id IN ({marks})", list(root_ids)
        )]

    def sections(self, doc_id: int) -> list[SectionRow]:
        """A document's sections in reading order."""
        rows = self.db.execute(
            "SELECT id, doc_id, heading, heading_path, line, text, heading_terms, body_terms"
            " FROM sections WHERE doc_id = ? ORDER BY ordinal",
            (doc_id,),
        )
        return [SectionRow(r[0], r[1], r[2], tuple(json.loads(r[3])), *r[4:]) for r in rows]

    def info(self, doc_id: int) -> DocInfo:
        """Display facts about one document."""
        row = self.db.execute(
            "SELECT d.id, r.path, d.relpath, d.title FROM documents d"
            " JOIN roots r ON r.id = d.root_id WHERE d.id = ?",
            (doc_id,),
        ).fetchone()
        return DocInfo(*row)

    def embeddings(self, model: str) -> dict[int, tuple[str, bytes]]:
        """doc id -> (content hash, packed float32 vector) for one embedding model."""
        rows = self.db.execute(
            "SELECT doc_id, sha256, vector FROM embeddings WHERE model = ?", (model,)
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    def put_embedding(self, doc_id: int, model: str, sha256: str, vector: bytes) -> None:
        """Store (or replace) one document's embedding."""
        self.db.execute(
            "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)", (doc_id, model, sha256, vector)
        )


def _statements(sql: str) -> list[str]:
    """Split a migration script on semicolons (none of ours contain literal ones)."""
    return [s.strip() for s in sql.split(";") if s.strip()]
