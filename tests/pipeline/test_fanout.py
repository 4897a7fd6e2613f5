"""Reading large inputs in worker processes gives the same digest as reading them in one.

Above `PARALLEL_MIN_BYTES` the year-less inputs are read by forked workers, each with the year
and time hints of the inputs read first; the merged digest must equal the one read in a single
process: the same events, lines, templates and time span.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from opslens.fanout import PARALLEL_MIN_BYTES, digest_inputs

EVENT = """{"apiVersion": "v1", "kind": "EventList", "items": [{"apiVersion": "v1", "kind": "Event",
 "metadata": {"name": "api.1", "namespace": "shop"}, "involvedObject": {"kind": "Pod", "name": "api-1", "namespace": "shop"},
 "reason": "BackOff", "message": "Back-off restarting failed container", "type": "Warning", "count": 3,
 "firstTimestamp": "2024-11-03T10:00:00Z", "lastTimestamp": "2024-11-03T10:05:00Z"}]}
"""


def _syslog(path: Path, host: str, size: int) -> None:
    """A year-less RFC 3164 log of about `size` bytes (the year comes from the events file)."""
    lines = []
    written = i = 0
    while written < size:
        minute, second = divmod(i // 20 % 3600, 60)
        line = (f"Nov  3 10:{minute:02d}:{second:02d} {host} app[{1000 + i % 7}]: request {i} "
                f"served in {i % 97} ms status={200 if i % 50 else 503}\n")
        lines.append(line)
        written += len(line)
        i += 1
    path.write_text("".join(lines), encoding="utf-8")


def test_workers_read_what_one_process_reads(tmp_path: Path) -> None:
    (tmp_path / "events.json").write_text(EVENT, encoding="utf-8")
    half = PARALLEL_MIN_BYTES // 2 + 1024 * 1024
    _syslog(tmp_path / "node-a.log", "node-a", half)
    _syslog(tmp_path / "node-b.log", "node-b", half)
    paths = [str(tmp_path)]

    one, one_stats = digest_inputs(paths, UTC, None, None, workers=1)
    many, many_stats = digest_inputs(paths, UTC, None, None, workers=2)
    one.finish()
    many.finish()  # as the analysis does with whichever it gets

    assert one_stats.lines == many_stats.lines and one_stats.events == many_stats.events > 0
    assert many.events == one.events
    assert (many.start, many.end) == (one.start, one.end)
    assert one.start is not None and one.start < 1730628000 + 3600  # 2024: the year of the events file
    assert sorted(s.count for s in many.templates.values()) == sorted(s.count for s in one.templates.values())


DESCRIBE = """\
Name:         api-1
Namespace:    shop
Priority:     0
Node:         node-a/10.0.0.4
Labels:       app=api
Status:       Running
IP:           10.244.1.7
Containers:
  api:
    Image:          registry.example.com/api:1.4.2
    State:          Running
    Ready:          True
    Restart Count:  0
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  30m   default-scheduler  Successfully assigned shop/api-1 to node-a
"""


def test_relative_ages_count_back_from_logs_read_by_workers(tmp_path: Path) -> None:
    """A describe's ages are read after the year-less logs, also when workers read those."""
    (tmp_path / "events.json").write_text(EVENT, encoding="utf-8")
    (tmp_path / "a-describe.txt").write_text(DESCRIBE, encoding="utf-8")  # named to sort first
    half = PARALLEL_MIN_BYTES // 2 + 1024 * 1024
    _syslog(tmp_path / "node-a.log", "node-a", half)
    _syslog(tmp_path / "node-b.log", "node-b", half)
    for workers in (1, 2):
        digest, _ = digest_inputs([str(tmp_path)], UTC, None, None, workers=workers)
        digest.finish()
        (scheduled,) = (e for e in digest.k8s_events if (e.attrs or {}).get("reason") == "Scheduled")
        assert digest.end is not None and digest.end > 1730628000 + 50 * 60  # the logs run to 10:59
        # 30 minutes before the newest log line, not before the events file (10:05) or the clock
        assert scheduled.time_inferred and abs(scheduled.time - (digest.end - 30 * 60)) < 61, workers
