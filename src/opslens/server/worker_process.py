"""The triage worker of `opslens serve` in a process of its own, supervised by the server.

A triage is CPU-bound Python: run in a thread of the serving process it holds the GIL, and
during an alert storm the webhook and even `/healthz` waited behind it (p99 in the hundreds of
milliseconds). In its own process the worker shares only the database with the server: jobs
are claimed with row locks, so this changes nothing about who runs what. The server restarts
the process if it dies (after `RESTART_AFTER` seconds) and stops it on shutdown.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from typing import Any

from opslens.server.settings import ServerSettings

__all__ = ["WorkerProcess", "run_worker_process"]

log = logging.getLogger("opslens.server.worker")

RESTART_AFTER = 5.0
NICENESS = 10
SWITCH_INTERVAL = 0.0005  # seconds
_SETTINGS_EXCLUDE = {"tokens", "alertmanager_token"}  # the worker serves no requests


def run_worker_process(settings_json: str, db_url: str | None, parent: int) -> None:
    """Entry point of the worker process: open the store, run jobs until SIGTERM or until
    the server (`parent`, passed in: it may be gone before this process has started) ends."""
    from opslens.server.worker import Worker
    from opslens.store import open_store

    # Background work: during an alert storm the webhook's replies come first, and a triage
    # takes what CPU is left (a job is minutes of budget, a webhook reply milliseconds).
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    # Its correlating thread holds SQLite's write lock while a triage thread computes beside
    # it; with CPython's 5 ms switch interval the lock holder waited that long for the GIL
    # after each statement, and the webhook waited behind it.
    sys.setswitchinterval(SWITCH_INTERVAL)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(name)s: %(message)s")
    logging.getLogger("opslens").setLevel(logging.INFO)
    settings = ServerSettings.model_validate_json(settings_json)
    with open_store(db_url) as store:
        worker = Worker(store, settings, triage=_observed_triage(store))
        signal.signal(signal.SIGTERM, lambda *_: worker.stop_soon())
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which stops us
        orphan_watch = threading.Thread(target=_stop_when_orphaned, args=(parent, worker),
                                        name="opslens-orphan-watch", daemon=True)
        orphan_watch.start()
        worker.loop()


def _observed_triage(store: Any) -> Any:
    """`run_triage` measured into this process's LLMOps metrics: with PROMETHEUS_MULTIPROC_DIR
    (set by `opslens serve` for its processes) they reach the HTTP processes' /metrics."""
    from prometheus_client import CollectorRegistry

    from opslens.llmops.budget import daily_budget
    from opslens.llmops.metrics import LLMMetrics
    from opslens.llmops.observers import observed_triage, with_telemetry
    from opslens.pipeline import run_triage

    observer = with_telemetry(LLMMetrics(CollectorRegistry()))
    return observed_triage(run_triage, observer, store, daily_budget)


def _stop_when_orphaned(parent: int, worker: Any) -> None:
    """A server killed outright (SIGKILL, OOM) cannot stop us: notice it and end too."""
    while os.getppid() == parent:
        time.sleep(1.0)
    log.warning("the server (pid %d) is gone; the triage worker stops", parent)
    worker.stop_soon()


class WorkerProcess:
    """Starts the worker process, restarts it when it dies, stops it on `stop()`."""

    def __init__(self, settings: ServerSettings, db_url: str | None) -> None:
        self._args = (settings.model_dump_json(exclude=_SETTINGS_EXCLUDE), db_url, os.getpid())
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._process: Any = None
        self._stopping = threading.Event()
        self._supervisor = threading.Thread(target=self._supervise, name="opslens-worker-sup",
                                            daemon=True)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> WorkerProcess:
        self._spawn()
        self._supervisor.start()
        return self

    def _spawn(self) -> None:
        self._process = self._context.Process(
            target=run_worker_process, args=self._args, name="opslens-worker", daemon=True
        )
        self._process.start()

    def _supervise(self) -> None:
        while not self._stopping.wait(1.0):
            if self._process is not None and not self._process.is_alive():
                log.warning("the triage worker process exited (code %s); restarting it in %gs",
                            self._process.exitcode, RESTART_AFTER)
                if self._stopping.wait(RESTART_AFTER):
                    return
                self._spawn()

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (the current job finishes or is retried later), then SIGKILL after
        `timeout`."""
        self._stopping.set()
        if self._process is None:
            return
        self._process.terminate()
        self._process.join(timeout)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5)
