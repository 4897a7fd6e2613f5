"""The background worker of `opslens serve`: a thread that claims and runs triage jobs and
periodically marks quiet incidents mitigated.

Started by the app's lifespan (`start_worker(app.state)`) unless `settings.worker` is off;
`Worker.stop()` on shutdown lets the current job finish (up to the join timeout). Several
replicas may each run one: the database claim keeps them from running a job twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from opslens.server.correlate import ingest_unlinked, sweep
from opslens.server.jobs import JobOutcome, Triage, host_affinity, run_next

if TYPE_CHECKING:
    from opslens.store import Store

__all__ = ["Worker", "start_worker", "worker_id"]

log = logging.getLogger("opslens.server.worker")


def worker_id() -> str:
    """`host:pid:random`: who claimed a job, as the jobs table and API show it."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    """Claims jobs while any are waiting, else sleeps `poll` seconds; sweeps mitigations
    every `sweep_every` seconds; correlates newly stored alerts every `correlate_every`
    seconds in a thread of its own, and checkpoints SQLite's WAL every `checkpoint_every`
    seconds for the HTTP processes (they leave it to us: see `store.engine.connect_engine`).
    `clock` returns epoch seconds (injected in tests)."""

    def __init__(
        self, store: Store, settings: Any, *, clock: Callable[[], float] = time.time,
        triage: Triage | None = None, poll: float = 1.0, sweep_every: float = 30.0,
        correlate_every: float = 0.25, checkpoint_every: float = 1.0, name: str | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.triage = triage
        self.poll = poll
        self.sweep_every = sweep_every
        self.correlate_every = correlate_every
        self.checkpoint_every = checkpoint_every
        self._last_checkpoint = float("-inf")
        self._watermark = 0  # the highest alert id correlated by `correlate`
        self.id = name or worker_id()
        self.affinity = host_affinity()
        self._stop = threading.Event()
        self._stop_requested = False
        self._thread: threading.Thread | None = None
        self._last_sweep = float("-inf")

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def run_once(self) -> JobOutcome | None:
        """Claim and run one job (None when none waits)."""
        kwargs: dict[str, Any] = {"triage": self.triage} if self.triage is not None else {}
        outcome = run_next(self.store, self.settings, worker_id=self.id, clock=self.now,
                           affinity=self.affinity, **kwargs)
        if outcome is not None and outcome.error:
            log.warning("job %d: %s (%s)", outcome.job_id, outcome.error, outcome.status)
        return outcome

    def sweep(self) -> list[str]:
        """Correlate alerts left unlinked, then mark quiet incidents mitigated now."""
        self._last_sweep = time.monotonic()
        ingest_unlinked(self.store, self.settings, self.now())
        mitigated = sweep(self.store, self.settings, self.now())
        for ref in mitigated:
            log.info("%s mitigated: all its alerts resolved", ref)
        return mitigated

    def correlate(self) -> None:
        """Correlate the alerts stored since the last pass (the webhook leaves that to the
        worker when one runs beside it)."""
        result = ingest_unlinked(self.store, self.settings, self.now(), self._watermark)
        self._watermark = result.last_id
        for ref in result.opened:
            log.info("%s opened", ref)

    def _correlate_loop(self) -> None:
        """Every `correlate_every` seconds, whatever job runs meanwhile (a triage takes
        seconds; a new incident should not wait for it); checkpoints when one is due."""
        while not self._stop.is_set() and not self._stop_requested:
            try:
                self.correlate()
                if time.monotonic() - self._last_checkpoint >= self.checkpoint_every:
                    self._last_checkpoint = time.monotonic()
                    self.store.checkpoint()
            except Exception as exc:  # a DB outage must not kill the thread
                log.warning("correlation: %s", str(exc).splitlines()[0] if str(exc) else exc)
            self._stop.wait(self.correlate_every)

    def loop(self) -> None:
        """Until `stop()`: run jobs, sweep when due, wait `poll` when idle, and correlate new
        alerts in a thread beside. A database error is logged and waited out, never fatal
        (the next round retries)."""
        correlator = threading.Thread(target=self._correlate_loop, name="opslens-correlate",
                                      daemon=True)
        correlator.start()
        try:
            self._jobs_loop()
        finally:
            self._stop.set()
            correlator.join(5)

    def _jobs_loop(self) -> None:
        while not self._stop.is_set() and not self._stop_requested:
            try:
                if time.monotonic() - self._last_sweep >= self.sweep_every:
                    self.sweep()
                if self.run_once() is not None:
                    continue
            except Exception as exc:  # a DB outage must not kill the worker thread
                log.warning("worker: %s", str(exc).splitlines()[0] if str(exc) else exc)
            self._stop.wait(self.poll)

    def stop_soon(self) -> None:
        """Ask the loop to end after the current job. Safe in a signal handler: it only sets
        a flag (`Event.set` there can deadlock on the lock `Event.wait` holds when the signal
        lands); the loop sees it within `poll` seconds."""
        self._stop_requested = True

    def start(self) -> Worker:
        self._thread = threading.Thread(target=self.loop, name="opslens-worker", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float | timedelta = 10.0) -> None:
        """Ask the loop to end and wait for it (a running job finishes first, within reason)."""
        self._stop.set()
        seconds = timeout.total_seconds() if isinstance(timeout, timedelta) else timeout
        if self._thread is not None:
            self._thread.join(seconds)


def start_worker(app_state: Any, **options: Any) -> Worker:
    """Start a worker for an app: `app_state.store`, `.settings`, and when present `.clock`
    (epoch seconds) and `.triage`. Returns it; call `.stop()` on shutdown."""
    clock = getattr(app_state, "clock", None) or time.time
    triage = getattr(app_state, "triage", None)
    return Worker(app_state.store, app_state.settings, clock=clock, triage=triage,
                  **options).start()
