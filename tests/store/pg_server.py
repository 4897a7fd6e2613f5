"""A throwaway PostgreSQL server for the store tests, started from the installed binaries.

`initdb`/`pg_ctl` are looked up on PATH, then in `/usr/lib/postgresql/*/bin` (Debian keeps them
off PATH). initdb refuses to run as root, so as root the server runs as the `postgres` user
(`runuser -u postgres --`) in a temporary directory owned by it. Trust authentication, listening
on 127.0.0.1 only, on a free port; unix sockets stay inside the temporary directory.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PostgresServer", "find_binaries", "start"]


def find_binaries() -> Path | None:
    """The directory holding both `initdb` and `pg_ctl`, or None."""
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    bindir: Path
    root: Path
    port: int
    as_user: list[str]

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.as_user, *argv], capture_output=True, text=True, check=False, timeout=120
        )

    def create_database(self, name: str) -> str:
        """A fresh database on this server; returns its URL."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> PostgresServer:
    """initdb + pg_ctl start; raises RuntimeError with the server's own words on failure."""
    bindir = find_binaries()
    if bindir is None:
        raise FileNotFoundError("initdb/pg_ctl not found on PATH or in /usr/lib/postgresql/*/bin")
    root = Path(tempfile.mkdtemp(prefix="opslens-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    server = PostgresServer(bindir, root, _free_port(), as_user)
    init = server._run(
        str(bindir / "initdb"), "-D", str(server.datadir), "-U", "postgres",
        "--auth=trust", "--encoding=UTF8", "--no-sync",
    )
    if init.returncode:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={server.port} -c unix_socket_directories={root}"
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
    )
    started = server._run(
        str(bindir / "pg_ctl"), "-D", str(server.datadir), "-o", options,
        "-l", str(root / "server.log"), "-w", "-t", "60", "start",
    )
    if started.returncode:
        log = (root / "server.log").read_text(errors="replace") if (root / "server.log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()} {log[-500:]}")
    _wait_ready(server.port)
    return server


def _wait_ready(port: int, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL did not listen on 127.0.0.1:{port}")
