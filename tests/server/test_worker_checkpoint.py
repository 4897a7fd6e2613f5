"""The triage worker checkpoints SQLite's WAL for the HTTP processes, which commit without
checkpointing (an automatic checkpoint would copy and fsync inside a webhook's commit)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from opslens.server import ServerSettings
from opslens.server.worker import Worker
from opslens.store import open_store


def test_the_worker_checkpoints_what_the_http_process_wrote(
    tmp_path: Path, settings: ServerSettings
) -> None:
    path = tmp_path / "served.db"
    with open_store(str(path), wal_autocheckpoint=False) as http:
        with http.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE filler (x BLOB)")
        for _ in range(150):  # ~1200 pages, each commit a webhook batch's size
            with http.engine.begin() as conn:
                conn.exec_driver_sql(
                    "INSERT INTO filler VALUES " + ", ".join(["(randomblob(4000))"] * 8))
        written = path.stat().st_size
        with open_store(str(path)) as own:
            worker = Worker(own, settings, poll=0.05, correlate_every=0.05,
                            checkpoint_every=0.1)
            thread = threading.Thread(target=worker.loop, daemon=True)
            thread.start()
            deadline = time.monotonic() + 20
            while path.stat().st_size < written + 1000 * 4000 and time.monotonic() < deadline:
                time.sleep(0.05)
            worker.stop()
            thread.join(10)
        assert path.stat().st_size >= written + 1000 * 4000, "the WAL was never checkpointed"
