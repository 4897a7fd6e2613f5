"""Alertmanager webhook benchmark: `opslens serve` on SQLite under a steady alert storm, then
killed mid-load and restarted.

The server is a real separate process (`python -m opslens serve`, 127.0.0.1, a free port, a
fresh SQLite file, an Alertmanager token, the triage worker on unless --no-worker). A load
generator in this process (bench/_webhook_load.py: raw HTTP/1.1 on keep-alive connections,
open loop) posts realistic Alertmanager v4 deliveries (bench/_webhook_payloads.py: a dozen
namespaces, kube-prometheus rules, firing and resolved alerts repeating from one notification
to the next, 10% exact re-deliveries) at a fixed rate. Latency is measured from each request's
scheduled time, so a stall shows up in full; the time from the write is printed too.

Phases, in one run, against one server and database:
  baseline  GET /healthz at the same rate: the HTTP stack alone (uvicorn, FastAPI, the
            metrics and body-limit middleware), so the webhook's own cost is visible as a ratio
  webhook   POST /api/v1/alerts/alertmanager at --rate for --duration; target p99 < 100 ms
  crash     the same load for --crash-duration; after --kill-after seconds the server is
            SIGKILLed (no shutdown code runs) and started again on the same database while the
            load goes on (requests meanwhile are refused: counted as errors)
After the webhook and crash phases, the database is read with plain sqlite3: every alert of
every delivery that got a 2xx must be stored ("lost" counts those missing), each once
("duplicate rows" counts repeats of (groupKey, fingerprint, startsAt, status)). Exits 1 if
anything was lost or duplicated. Also prints the server's CPU per request (over the phase,
the worker's triage jobs included when it runs: they share the process and its GIL), the
generator's own, the peak RSS of the server's process tree (bench/_procmem.py) over both
incarnations, and the load average: the generator and the server share the machine with
whatever else runs, and the latency figures are only as quiet as the machine was.

Usage: .venv/bin/python bench/webhook.py [--rate 500] [--duration 30] [--kill-after 5]
       [--crash-duration 15] [--no-worker] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from _procmem import describe
from _webhook_load import Outcome, request_bytes, run_load
from _webhook_payloads import AlertKey, Delivery, deliveries
from _webhook_server import HOST, ServeProcess, StoredCheck, check_store

WEBHOOK = "/api/v1/alerts/alertmanager"
P99_TARGET_MS = 100.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=500.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of webhook load")
    parser.add_argument("--baseline-duration", type=float, default=10.0)
    parser.add_argument("--crash-duration", type=float, default=15.0)
    parser.add_argument("--kill-after", type=float, default=5.0,
                        help="seconds into the crash phase")
    parser.add_argument("--no-worker", action="store_true", help="serve with --no-worker")
    parser.add_argument("--workers", type=int, default=1, help="serve with --workers N")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run (tests/bench): 50/s, phases of 1-3 s, kill after 1 s")
    args = parser.parse_args(argv)
    if args.quick:
        args.rate, args.duration, args.baseline_duration = 50.0, 2.0, 1.0
        args.crash_duration, args.kill_after = 3.0, 1.0
    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="opslens-webhook-") as tmp:
        server = ServeProcess(Path(tmp), worker=not args.no_worker, workers=args.workers)
        server.start()
        try:
            return await _phases(server, args)
        finally:
            server.stop()


async def _phases(server: ServeProcess, args: argparse.Namespace) -> int:
    print(f"opslens serve: pid {server.proc.pid if server.proc else '?'}, "  # type: ignore[union-attr]
          f"up in {await server.ready():.1f} s, worker {'on' if server.worker else 'off'}, "
          f"SQLite {server.db.name}; generator: 1 process, open loop; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work on the machine "
          "shows up in the figures)")
    stream = deliveries(step=1.0 / args.rate)
    acked: set[AlertKey] = set()
    post = _poster(server)
    # Warm-up (imports, statement caches, the first connections): acknowledged, not timed.
    warm = list(itertools.islice(stream, 50))
    _ack(acked, warm, await _load(server, [post(d) for d in warm], 50.0))

    healthz = request_bytes("GET", "/healthz", HOST, {})
    n = int(args.rate * args.baseline_duration)
    cpu = server.cpu()
    base = await _load(server, [healthz] * n, args.rate)
    base_cpu = (server.cpu() - cpu) / n
    _print_phase(f"baseline GET /healthz, {args.rate:.0f}/s for {args.baseline_duration:.0f} s",
                 base, base_cpu, None)

    batch = list(itertools.islice(stream, int(args.rate * args.duration)))
    requests = [post(d) for d in batch]
    cpu, own = server.cpu(), time.process_time()
    hook = await _load(server, requests, args.rate)
    hook_cpu = (server.cpu() - cpu) / len(batch)
    own = (time.process_time() - own) / len(batch)
    _ack(acked, batch, hook)
    _print_phase(f"webhook POST, {args.rate:.0f}/s for {args.duration:.0f} s", hook, hook_cpu,
                 P99_TARGET_MS)
    print(f"  generator CPU (this process): {own * 1000:.2f} ms per request")
    _print_ratio(base, base_cpu, hook, hook_cpu)
    _print_redeliveries(batch, hook)
    first = check_store(server.db, acked)
    _print_check("after the webhook phase", first)

    batch = list(itertools.islice(stream, int(args.rate * args.crash_duration)))
    crash = await _load(server, [post(d) for d in batch], args.rate, kill_after=args.kill_after)
    _ack(acked, batch, crash)
    await server.ready()
    killed_at = crash[0].due + args.kill_after
    back = min((o.done for o in crash if o.ok and o.sent > killed_at), default=float("nan"))
    _print_phase(f"crash: webhook POST, {args.rate:.0f}/s for {args.crash_duration:.0f} s, "
                 f"SIGKILL at {args.kill_after:.1f} s, restarted at once (first 2xx again "
                 f"{back - killed_at:.1f} s after the kill)", crash, None, None)
    second = check_store(server.db, acked)
    _print_check("after the crash and restart", second)
    print(f"server memory: {describe(server.memory())}")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    bad = [c for c in (first, second) if c.lost or c.duplicate_rows]
    print("RESULT: " + ("FAILED, alerts lost or stored twice" if bad else
                        "ok, every acknowledged alert stored once"))
    return 1 if bad else 0


def _poster(server: ServeProcess):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json",
               "User-Agent": "Alertmanager/0.27.0"}
    return lambda d: request_bytes("POST", WEBHOOK, f"{HOST}:{server.port}", headers, d.body)


async def _load(server: ServeProcess, requests: list[bytes], rate: float,
                kill_after: float | None = None) -> list[Outcome]:
    """Run the load while sampling the server's memory; kill and restart it on the way."""
    state = {"sampled": 0.0, "killed": kill_after is None}

    def tick(elapsed: float) -> None:
        if elapsed - state["sampled"] >= 0.25:
            state["sampled"] = elapsed
            server.sample_memory()
        if not state["killed"] and elapsed >= kill_after:  # type: ignore[operator]
            state["killed"] = True
            server.kill()
            server.start()  # returns at once: the load goes on while it starts

    return await run_load(HOST, server.port, requests, rate, on_tick=tick)


def _ack(acked: set[AlertKey], batch: list[Delivery], outcomes: list[Outcome]) -> None:
    """Every alert of every delivery answered 2xx is acknowledged."""
    for delivery, outcome in zip(batch, outcomes, strict=True):
        if outcome.ok:
            acked.update(delivery.keys)


def _pct(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def _print_phase(name: str, outcomes: list[Outcome], cpu: float | None,
                 target: float | None) -> None:
    answered = [o for o in outcomes if o.status is not None]
    statuses = Counter(str(o.status) for o in answered) + Counter(
        o.error for o in outcomes if o.error)
    span = max(o.done for o in outcomes) - outcomes[0].due
    written = [o.sent for o in outcomes if o.sent]
    sent_rate = (len(written) - 1) / (max(written) - min(written)) if len(written) > 1 else 0
    print(f"{name}:")
    print(f"  {len(outcomes)} requests, written at {sent_rate:.1f}/s, "
          f"{sum(o.ok for o in outcomes) / span:.1f} 2xx/s over {span:.1f} s; "
          + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    for label, start in (("response time (from due)", "due"), ("service time (from write)",
                                                                 "sent")):
        ms = sorted((o.done - getattr(o, start)) * 1000 for o in answered)
        line = (f"  {label}: p50 {_pct(ms, 0.5):.1f} ms, p95 {_pct(ms, 0.95):.1f} ms, "
                f"p99 {_pct(ms, 0.99):.1f} ms, max {ms[-1] if ms else 0:.1f} ms")
        if target is not None and start == "due":
            line += (f" (target p99 < {target:.0f} ms: "
                     f"{'ok' if _pct(ms, 0.99) < target else 'OVER TARGET'})")
        print(line)
    if cpu is not None:
        print(f"  server CPU: {cpu * 1000:.2f} ms per request")


def _print_ratio(base: list[Outcome], base_cpu: float, hook: list[Outcome],
                 hook_cpu: float) -> None:
    def p(outcomes: list[Outcome], q: float) -> float:
        return _pct(sorted(o.done - o.due for o in outcomes if o.status is not None), q)

    print(f"webhook / healthz: p50 x{p(hook, 0.5) / p(base, 0.5):.1f}, "
          f"p99 x{p(hook, 0.99) / p(base, 0.99):.1f}, server CPU per request "
          f"x{hook_cpu / base_cpu:.1f}")


def _print_redeliveries(batch: list[Delivery], outcomes: list[Outcome]) -> None:
    alerts = sum(len(d.keys) for d in batch)
    again = sum(d.redelivery for d in batch)
    print(f"  payloads: {len(batch)} deliveries carrying {alerts} alerts "
          f"({len({k for d in batch for k in d.keys})} distinct), {again} exact re-deliveries, "
          f"{sum(len(d.body) for d in batch) / len(batch) / 1024:.1f} KiB on average")


def _print_check(when: str, check: StoredCheck) -> None:
    print(f"database {when}: acknowledged {check.acknowledged}, found {check.found}, "
          f"lost {check.lost}, duplicate rows {check.duplicate_rows} "
          f"({check.rows} rows, {check.unacknowledged_rows} stored without a 2xx reaching us; "
          f"{check.linked} linked into {check.incidents} incidents)")


if __name__ == "__main__":
    sys.exit(main())
