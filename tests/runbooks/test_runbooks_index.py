"""The index on disk: incremental refresh, schema migrations, analyzer upgrades."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from runbooks_corpus import CORPUS

from opslens.errors import InputError
from opslens.runbooks import RunbookIndex
from opslens.runbooks.store import MIGRATIONS


def paths_for(idx: RunbookIndex, text: str) -> list[str]:
    return [h.path for h in idx.search(text, k=20)]


def test_first_refresh_indexes_every_supported_file(tmp_path, corpus):
    (corpus / "notes.json").write_text("{}")
    (corpus / ".hidden.md").write_text("# hidden")
    (corpus / ".git").mkdir()
    (corpus / ".git" / "x.md").write_text("# git internals")
    with RunbookIndex.open(tmp_path / "i.sqlite") as idx:
        stats = idx.refresh([corpus])
        assert (stats.scanned, stats.added, stats.reindexed) == (len(CORPUS),) * 3
        assert idx.document_count() == len(CORPUS)


def test_unchanged_corpus_does_no_work(index, corpus):
    stats = index.refresh([corpus])
    assert stats.reindexed == 0
    assert (stats.unchanged, stats.touched, stats.removed) == (len(CORPUS), 0, 0)
    assert not stats.changed


def test_touched_file_is_rehashed_but_not_reanalysed(index, corpus):
    path = corpus / "node/node-disk-full.md"
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000_000))
    stats = index.refresh([corpus])
    assert (stats.touched, stats.reindexed) == (1, 0)
    assert index.refresh([corpus]).touched == 0  # the new mtime was recorded


def test_modified_file_alone_is_reindexed(index, corpus):
    path = corpus / "network/dns-resolution-failures.md"
    path.write_text("# CoreDNS resolution failures\n\nZanzibar quokka incident.\n")
    stats = index.refresh([corpus])
    assert (stats.updated, stats.added, stats.removed, stats.unchanged) == (1, 0, 0, len(CORPUS) - 1)
    assert paths_for(index, "zanzibar quokka") == ["network/dns-resolution-failures.md"]


def test_deleted_file_vanishes_from_results(index, corpus):
    assert "apps/api-latency-high.md" in paths_for(index, "API latency percentile")
    (corpus / "apps/api-latency-high.md").unlink()
    stats = index.refresh([corpus])
    assert (stats.removed, stats.reindexed) == (1, 0)
    assert "apps/api-latency-high.md" not in paths_for(index, "API latency percentile")


def test_added_file_is_found(index, corpus):
    (corpus / "apps/redis-evictions.md").write_text("# RedisEvictions\n\nKeys are evicted.\n")
    assert index.refresh([corpus]).added == 1
    assert paths_for(index, "redis keys evicted")[0] == "apps/redis-evictions.md"


def test_two_roots_keep_their_own_relative_paths(tmp_path, corpus):
    other = tmp_path / "other"
    (other / "kubernetes").mkdir(parents=True)
    (other / "kubernetes/node-not-ready.md").write_text("# Team copy\n\nNode NotReady, our way.\n")
    with RunbookIndex.open(tmp_path / "i.sqlite") as idx:
        idx.refresh([corpus, other])
        hits = idx.search("node NotReady", k=5)
        assert {(h.root, h.path) for h in hits} >= {
            (str(corpus.resolve()), "kubernetes/node-not-ready.md"),
            (str(other.resolve()), "kubernetes/node-not-ready.md"),
        }
        only_other = idx.search("node NotReady", k=5, roots=[other])
        assert {h.root for h in only_other} == {str(other.resolve())}
        assert idx.search("node NotReady", roots=[tmp_path / "never-indexed"]) == []


def test_refresh_rejects_a_missing_directory(tmp_path):
    with RunbookIndex.open(tmp_path / "i.sqlite") as idx, pytest.raises(InputError, match="not a directory"):
        idx.refresh([tmp_path / "nope"])


def test_migrations_are_recorded_once(tmp_path):
    db = tmp_path / "i.sqlite"
    RunbookIndex.open(db).close()
    RunbookIndex.open(db).close()
    rows = sqlite3.connect(db).execute("SELECT version, name FROM schema_migrations").fetchall()
    assert rows == [(v, name) for v, name, _ in MIGRATIONS]


def test_analyzer_change_forces_reanalysis(tmp_path, corpus):
    db = tmp_path / "i.sqlite"
    with RunbookIndex.open(db) as idx:
        idx.refresh([corpus])
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = 'old' WHERE key = 'analyzer_version'")
    con.commit()
    con.close()
    with RunbookIndex.open(db) as idx:
        assert idx.refresh([corpus]).updated == len(CORPUS)


def test_a_corrupt_index_file_is_a_clear_input_error(tmp_path):
    db = tmp_path / "i.sqlite"
    db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(InputError, match="cannot open runbook index"):
        RunbookIndex.open(db)


def test_default_location_is_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    RunbookIndex.open().close()
    assert Path(tmp_path / "xdg/opslens/runbooks.sqlite").is_file()
