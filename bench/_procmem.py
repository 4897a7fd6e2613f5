"""Peak memory of a command's whole process tree, for the benchmarks.

`opslens` forks worker processes for large inputs (src/opslens/fanout.py; `opslens mine` too), so
the peak RSS of one process, which is what wait4() and getrusage(RUSAGE_CHILDREN) report (the
largest single process, not a sum), understates what a run needs. `run_measured` starts a command
and samples its tree (the process and all its descendants, via psutil) every ~20 ms until it
exits. `TreeMemory` then holds, in MiB:

- `peak_tree_mb`: the maximum over time of the SUM of RSS over the tree. Forked workers share
  copy-on-write pages with their parent and each counts them in its own RSS, so this is an UPPER
  BOUND of the unique memory in use. Sampling can miss a spike shorter than the interval, so it is
  never reported below `largest_mb` (at the moment the largest process peaks, the sum is at least
  that);
- `sum_of_peaks_mb`: the sum over processes of each one's own peak (the kernel's high-water mark
  VmHWM when /proc has it, else its largest sample): a looser upper bound that does not assume
  the peaks coincide;
- `largest_mb`: the peak of the largest single process: wait4's ru_maxrss (the old figure) when
  it is the child's own, else the largest sampled high-water mark. The kernel carries the
  launching process's high-water mark into a child across exec (the child starts on the parent's
  pages), so under a launcher bigger than the command (pytest) ru_maxrss reports the launcher;
- `processes`: how many distinct processes were seen.

Linux (or another POSIX system with waitid) only, like the benchmarks.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

MIB = 1024 * 1024
DEFAULT_INTERVAL = 0.02


@dataclass(frozen=True)
class TreeMemory:
    """Peak memory of a process tree, in MiB (see the module docstring for each figure)."""

    peak_tree_mb: float
    sum_of_peaks_mb: float
    largest_mb: float
    processes: int
    samples: int


@dataclass(frozen=True)
class Measured:
    """A finished command: exit code, output, wall time and peak memory."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    memory: TreeMemory


def _high_water_mark(pid: int) -> int:
    """The kernel's peak RSS of `pid` in bytes (VmHWM), or 0 when /proc does not tell."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # the value is in kB
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeSampler:
    """Accumulates RSS samples of a process and all its descendants."""

    def __init__(self, root_pid: int) -> None:
        self._root = psutil.Process(root_pid)
        self.peak_tree = 0
        # keyed by psutil.Process, whose identity is (pid, creation time): a reused pid is
        # another process
        self.own_peaks: dict[psutil.Process, int] = {}
        self.samples = 0

    def sample(self) -> int:
        """Take one sample; returns the summed RSS of the tree in bytes."""
        try:
            procs = [self._root, *self._root.children(recursive=True)]
        except psutil.Error:
            return 0  # the root is gone
        total = 0
        for proc in procs:
            try:
                rss = proc.memory_info().rss
            except psutil.Error:
                continue  # exited between listing and reading
            total += rss
            peak = max(rss, _high_water_mark(proc.pid), self.own_peaks.get(proc, 0))
            self.own_peaks[proc] = peak
        self.peak_tree = max(self.peak_tree, total)
        self.samples += 1
        return total

    def result(self, largest_bytes: int) -> TreeMemory:
        """The figures, with `largest_bytes` (an exact single-process peak, 0 when unknown) as a
        floor."""
        largest = max(largest_bytes, max(self.own_peaks.values(), default=0))
        return TreeMemory(
            peak_tree_mb=max(self.peak_tree, largest) / MIB,
            sum_of_peaks_mb=max(sum(self.own_peaks.values()), largest) / MIB,
            largest_mb=largest / MIB,
            processes=len(self.own_peaks),
            samples=self.samples,
        )


def _has_exited(pid: int) -> bool:
    # WNOWAIT leaves the child a zombie: its pid cannot be reused while we still sample it
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def run_measured(argv: list[str], interval: float = DEFAULT_INTERVAL) -> Measured:
    """Run `argv` to completion while sampling the peak memory of its process tree."""
    # Output goes to files, not pipes: nobody reads a pipe while we sample, and a full pipe
    # would block the child.
    with tempfile.TemporaryFile("w+") as out_f, tempfile.TemporaryFile("w+") as err_f:
        launcher = _high_water_mark(os.getpid())
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out_f, stderr=err_f, text=True)
        sampler = TreeSampler(proc.pid)
        while not _has_exited(proc.pid):
            sampler.sample()
            time.sleep(interval)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait
        out_f.seek(0)
        err_f.seek(0)
        stdout, stderr = out_f.read(), err_f.read()
    # ru_maxrss is in kB on Linux; it is the largest of the child and its reaped descendants, or
    # the launcher's own high-water mark carried across exec (then it says nothing of the child)
    exact = usage.ru_maxrss * 1024
    if launcher and exact <= launcher * 1.02:
        exact = 0
    memory = sampler.result(exact)
    return Measured(proc.returncode, stdout, stderr, seconds, memory)


def describe(memory: TreeMemory) -> str:
    """One line for a benchmark's output."""
    return (f"peak RSS {memory.peak_tree_mb:.0f} MB summed over {memory.processes} process(es) "
            f"(sum of own peaks {memory.sum_of_peaks_mb:.0f} MB, largest single {memory.largest_mb:.0f} MB)")
