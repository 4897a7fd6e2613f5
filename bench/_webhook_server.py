"""`opslens serve` as a separate process for bench/webhook.py, and the database check after it.

The server runs in a session of its own (`start_new_session`), so SIGKILL reaches the whole
process group it may have forked, and nothing else; its log goes to a file next to the
database. Its memory is sampled with bench/_procmem.py (the process tree, summed).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import psutil
from _procmem import TreeMemory, TreeSampler
from _webhook_payloads import AlertKey

HOST = "127.0.0.1"


def free_port() -> int:
    """A port free right now (bound to port 0 and released; `opslens serve` takes a number)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class ServeProcess:
    """`python -m opslens serve` on a SQLite file; `start` again after `kill` restarts it."""

    workdir: Path
    worker: bool = True
    workers: int = 1  # HTTP processes (`serve --workers`)
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    proc: subprocess.Popen[bytes] | None = None
    samplers: list[TreeSampler] = field(default_factory=list)
    cpu_seconds: float = 0.0  # of the incarnations already killed or stopped

    @property
    def db(self) -> Path:
        return self.workdir / "opslens.db"

    def start(self) -> None:
        """Launch it (returns at once; `await ready()` waits until it answers)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPSLENS_")}
        env.update(OPSLENS_CONFIG=str(self.workdir / "none.toml"),
                   XDG_DATA_HOME=str(self.workdir / "data"),
                   OPSLENS_ALERTMANAGER_TOKEN=self.token)
        argv = [sys.executable, "-m", "opslens", "serve", "--host", HOST, "--port",
                str(self.port), "--db", f"sqlite:///{self.db}"]
        if not self.worker:
            argv.append("--no-worker")
        if self.workers > 1:
            argv += ["--workers", str(self.workers)]
        with (self.workdir / "serve.log").open("ab") as log:
            self.proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        self.samplers.append(TreeSampler(self.proc.pid))

    async def ready(self, timeout: float = 60.0) -> float:
        """Wait until GET /healthz answers 200; returns the seconds it took."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"opslens serve exited {self.proc.returncode}; see "
                                   f"{self.workdir / 'serve.log'}")
            try:
                reader, writer = await asyncio.open_connection(HOST, self.port)
                writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                answer = await reader.read()
                writer.close()
                if answer.startswith(b"HTTP/1.1 200"):
                    return time.perf_counter() - started
            except OSError:
                pass
            await asyncio.sleep(0.05)
        raise RuntimeError(f"opslens serve did not answer within {timeout:.0f} s")

    def cpu(self) -> float:
        """CPU seconds (user + system) the HTTP side has used, over every incarnation: the
        server process and its HTTP worker processes, not the triage worker (the one process
        of the tree that runs niced) nor multiprocessing's resource tracker."""
        total = self.cpu_seconds
        if self.proc is not None and self.proc.poll() is None:
            try:
                root = psutil.Process(self.proc.pid)
                for process in [root, *root.children(recursive=True)]:
                    cmdline = " ".join(process.cmdline())
                    if process.nice() > 0 or "resource_tracker" in cmdline:
                        continue
                    times = process.cpu_times()
                    total += times.user + times.system
            except psutil.Error:
                pass
        return total

    def sample_memory(self) -> None:
        if self.samplers and self.proc is not None and self.proc.poll() is None:
            self.samplers[-1].sample()

    def kill(self) -> None:
        """SIGKILL the server's process group: a crash, no shutdown code runs."""
        assert self.proc is not None
        self.sample_memory()
        self.cpu_seconds = self.cpu()
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        """SIGTERM (uvicorn shuts down gracefully), SIGKILL after 10 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.sample_memory()
        self.cpu_seconds = self.cpu()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def memory(self) -> TreeMemory:
        """Peak memory over every incarnation (the largest of their figures)."""
        figures = [s.result(0) for s in self.samplers]
        return TreeMemory(
            peak_tree_mb=max(f.peak_tree_mb for f in figures),
            sum_of_peaks_mb=max(f.sum_of_peaks_mb for f in figures),
            largest_mb=max(f.largest_mb for f in figures),
            processes=sum(f.processes for f in figures),
            samples=sum(f.samples for f in figures),
        )


@dataclass(frozen=True)
class StoredCheck:
    """Acknowledged alerts against the rows of `alerts_received`."""

    acknowledged: int
    found: int
    rows: int
    duplicate_rows: int
    unacknowledged_rows: int  # committed, but the 2xx never reached us (a kill, a timeout)
    linked: int  # rows correlated into an incident
    incidents: int

    @property
    def lost(self) -> int:
        return self.acknowledged - self.found


def _db_time(stamp: str) -> str:
    """Alertmanager's startsAt as SQLAlchemy stores a DateTime in SQLite (naive UTC)."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M:%S.%f")


def check_store(db: Path, acknowledged: Iterable[AlertKey]) -> StoredCheck:
    """Read the database (read-only, plain sqlite3: no opslens code judges itself) and count
    which acknowledged alerts are there, and which rows are stored twice."""
    wanted = {(g, f, _db_time(s), st) for g, f, s, st in acknowledged}
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        stored = conn.execute(
            "SELECT group_key, fingerprint, starts_at, status, COUNT(*) FROM alerts_received "
            "GROUP BY group_key, fingerprint, starts_at, status").fetchall()
        linked = conn.execute(
            "SELECT COUNT(*) FROM alerts_received WHERE incident_id IS NOT NULL").fetchone()[0]
        incidents = conn.execute("SELECT COUNT(*) FROM incidents").fetchone()[0]
    finally:
        conn.close()
    keys = {(g, f, s, st) for g, f, s, st, _ in stored}
    return StoredCheck(
        acknowledged=len(wanted), found=len(wanted & keys),
        rows=sum(n for *_, n in stored), duplicate_rows=sum(n - 1 for *_, n in stored),
        unacknowledged_rows=len(keys - wanted), linked=linked, incidents=incidents,
    )
