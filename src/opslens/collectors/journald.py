"""journald: `journalctl -o json` over the window, on this host or from `--file` /
`--directory`, plus plain syslog files.

journalctl is an external command: an argv list (no shell), vetted by the guard, with a
timeout, `--lines` as the line cap and a byte cap on what is kept. Its output is what the
journald reader reads; syslog files are copied (their last `max_bytes`, from a line start)
for the syslog reader.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from opslens.collectors.base import CollectContext, Collector, register
from opslens.collectors.errors import CollectError
from opslens.collectors.settings import JournalSource

SOURCE = "journald"


@register
class JournaldCollector(Collector):
    name = SOURCE
    description = "journalctl -o json (this host, --file, --directory) and plain syslog files"

    @classmethod
    def unconfigured(cls, ctx: CollectContext) -> str | None:
        conf = ctx.settings.journal
        if not (conf.local or conf.files or conf.directories or conf.syslog_files):
            return "nothing configured (--journal, --journal-file, --journal-dir or [collect.journal])"
        if (conf.local or conf.files or conf.directories) and shutil.which("journalctl") is None:
            return "journalctl is not installed"
        return None

    def collect(self, ctx: CollectContext) -> None:
        conf = ctx.settings.journal
        runs: list[tuple[str, list[str]]] = []
        if conf.local:
            runs.append(("host", []))
        if conf.files:
            runs.append(("files", [f"--file={f}" for f in conf.files]))
        runs += [(f"dir-{i}", [f"--directory={d}"]) for i, d in enumerate(conf.directories, 1)]
        record = ctx.bundle.source(SOURCE)
        for label, where in runs:
            argv = journalctl_argv(conf, ctx.window.since, ctx.window.until, where)
            ctx.ledger.vet(SOURCE, argv)
            ctx.ledger.count(SOURCE)
            ctx.bundle.query(SOURCE, label, " ".join(argv))
            data = _run(argv, conf, ctx, label)
            if data:
                ctx.bundle.write(SOURCE, f"journal/{label}.json", data)
            record.counts["journal entries"] = record.counts.get("journal entries", 0) + data.count(b"\n")
        for i, name in enumerate(conf.syslog_files, 1):
            data = _tail(Path(name), conf.max_bytes, ctx)
            if data:
                ctx.bundle.write(SOURCE, f"journal/syslog/{i}-{Path(name).name}", data)
                record.counts["syslog lines"] = record.counts.get("syslog lines", 0) + data.count(b"\n")


def journalctl_argv(conf: JournalSource, since: float, until: float, where: list[str]) -> list[str]:
    """The journalctl command for one journal (host, files or a directory) over the window."""
    # --reverse: with --since, --lines would keep the oldest entries; the newest matter more
    # (the lines are put back in time order before they are written).
    argv = ["journalctl", "-o", "json", "--no-pager", "--reverse", f"--since=@{int(since)}", f"--until=@{int(until) + 1}",
            f"--lines={conf.max_lines}"]
    argv += [f"--unit={u}" for u in conf.units]
    if conf.priority:
        argv.append(f"--priority={conf.priority}")
    return argv + where


def _run(argv: list[str], conf: JournalSource, ctx: CollectContext, label: str) -> bytes:
    env = {**os.environ, "SYSTEMD_COLORS": "0", "SYSTEMD_PAGER": "", "LC_ALL": "C.UTF-8"}
    try:
        done = subprocess.run(argv, capture_output=True, timeout=conf.timeout, stdin=subprocess.DEVNULL, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise CollectError(f"journalctl ({label}) timed out after {conf.timeout:g} s") from exc
    except OSError as exc:
        raise CollectError(f"journalctl: {exc.strerror or exc}") from exc
    if done.returncode != 0 and not done.stdout:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise CollectError(f"journalctl ({label}): {reason[0][:300]}")
    data = b"".join(reversed(done.stdout.splitlines(keepends=True)))
    if data.count(b"\n") >= conf.max_lines:
        ctx.bundle.cut(SOURCE, f"journal ({label})", f"line cap of {conf.max_lines:,} reached: only the newest entries of the window kept")
    if len(data) > conf.max_bytes:
        start = data.find(b"\n", len(data) - conf.max_bytes - 1) + 1
        ctx.bundle.cut(SOURCE, f"journal ({label})", f"byte cap of {conf.max_bytes:,} reached: the oldest {start:,} bytes dropped")
        data = data[start:]
    return data


def _tail(path: Path, cap: int, ctx: CollectContext) -> bytes:
    """The file's last `cap` bytes, starting at a line."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        if size <= cap:
            return fh.read()
        fh.seek(size - cap)
        data = fh.read()
    ctx.bundle.cut(SOURCE, str(path), f"byte cap of {cap:,} reached: only the last part read")
    return data[data.find(b"\n") + 1:]
