"""Reading inputs into a digest, fanned out over the machine's cores when the logs are large.

Structured inputs (events, alerts, metrics, history) are small and read in this process first;
they also give the year that year-less log formats need. Large log files are then split across
worker processes, each of which parses and mines its share into its own digest; the digests are
merged by template id. Small inputs stay in one process: starting workers would cost more.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import tzinfo

from opslens.analysis.digest import Digest
from opslens.analysis.merge import merge_digests
from opslens.sources import inputs
from opslens.sources.ingest import Ingest, IngestStats, Prepared, Skipped

#: Below this much log data a single process is faster than starting workers.
PARALLEL_MIN_BYTES = 24 * 1024 * 1024
MAX_WORKERS = 8


@dataclass
class _Job:
    tasks: list[Prepared]
    year: int | None
    time_hint: float | None
    tz: tzinfo
    since: float | None
    until: float | None
    now: float | None = None


_JOB: _Job | None = None  # inherited by forked workers; never pickled


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while streaming events.

    Ingest allocates millions of short-lived, acyclic objects (tuples, strings, small dicts);
    the collector's generation-0 sweeps over them cost nearly half the ingest time and free
    nothing. Reference counting still frees them; collection resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def digest_inputs(
    paths: list[str],
    tz: tzinfo,
    since: float | None,
    until: float | None,
    on_skip: Callable[[Skipped], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    now: float | None = None,
) -> tuple[Digest, IngestStats]:
    """Read everything under `paths` into one digest; returns it with the ingest statistics.
    `now` is when pasted output was taken (relative ages count back from it)."""
    ingest = Ingest(tz=tz, on_skip=on_skip, on_progress=on_progress, now=now)
    digest = Digest(since=since, until=until)
    parts: list[tuple[Digest, IngestStats]] = []
    try:
        first, deferred = ingest.plan(paths)
        with no_cyclic_gc():
            _read_into(ingest, digest, first, hinted=False)
            # Each read order waits for the one before: relative ages count back from the
            # newest time of the year-less logs, which in turn took their year from the rest.
            for order in sorted({p.order for p in deferred}):
                group = [p for p in deferred if p.order == order]
                count = _worker_count(group, workers)
                if count < 2:
                    _read_into(ingest, digest, group, hinted=True)
                    continue
                tasks = sorted(group, key=lambda p: p.estimated_lines, reverse=True)  # longest first: the pool balances the rest
                job = _Job(tasks, ingest.year_hint(), ingest.time_hint(), tz, since, until, now)
                for part, stats, latest in _run_workers(job, count):
                    _absorb_stats(ingest.stats, stats, on_skip)
                    ingest.saw_time(latest)
                    parts.append((part, stats))
    finally:
        inputs.cleanup()
    if not parts:
        return digest, ingest.stats
    merged = merge_digests([digest, *(d for d, _ in parts)], since=since, until=until)
    if on_progress is not None:
        on_progress(merged.events)
    return merged, ingest.stats


def _read_into(ingest: Ingest, digest: Digest, prepared: list[Prepared], hinted: bool) -> None:
    """Read `prepared` in order; with `hinted`, each input gets the year and newest time of
    everything read before it (a log read earlier dates the relative ages of a paste read later)."""
    add = digest.add
    for item in prepared:
        year, hint = (ingest.year_hint(), ingest.time_hint()) if hinted else (None, None)
        for event in ingest.read(item, year_hint=year, time_hint=hint):
            add(event)


def _worker_count(deferred: list[Prepared], wanted: int | None) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    total = sum(p.size for p in deferred)
    if total < PARALLEL_MIN_BYTES or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    big = sum(1 for p in deferred if p.size > 0)
    return max(1, min(wanted or cores, big, MAX_WORKERS))


def _run_workers(job: _Job, workers: int) -> list[tuple[Digest, IngestStats, float | None]]:
    global _JOB
    _JOB = job
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(_work, range(len(job.tasks))))
    finally:
        _JOB = None


def _work(index: int) -> tuple[Digest, IngestStats, float | None]:
    """In a worker: parse and mine one input into a finished digest (with its newest time)."""
    job = _JOB
    assert job is not None, "worker started without a job (needs the fork start method)"
    ingest = Ingest(tz=job.tz, now=job.now)
    digest = Digest(since=job.since, until=job.until)
    gc.disable()
    for event in ingest.read(job.tasks[index], year_hint=job.year, time_hint=job.time_hint):
        digest.add(event)
    digest.finish()
    return digest, ingest.stats, ingest.time_hint()


def _absorb_stats(total: IngestStats, part: IngestStats, on_skip: Callable[[Skipped], None] | None) -> None:
    total.inputs += part.inputs
    total.lines += part.lines
    total.events += part.events
    total.untimed += part.untimed
    total.inferred += part.inferred
    total.readers.update(part.readers)
    total.skipped += part.skipped
    total.unrecognized += part.unrecognized
    total.unrecognized_lines += part.unrecognized_lines
    if on_skip is not None:
        for entry in part.skipped:
            on_skip(entry)
