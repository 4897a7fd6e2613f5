"""Ingest benchmark: generate a large incident bundle and measure opslens on it.

Prints, for the same generated bundle in the same run:
  - baseline: reading every file line by line with nothing else (`for line in f`)
  - ingest:   opslens' ingest pipeline alone (sniffing, parsing into Events), in process
  - triage:   the whole `opslens triage --llm none --format json` process (start-up, ingest,
              mining, analysis, rendering), with the peak RSS of its process tree: the process
              and the workers it forks, summed (bench/_procmem.py; an upper bound, since forked
              workers share pages)

Usage: python bench/ingest.py [--lines 1000000] [--dir DIR] [--keep]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

# bench/ is on sys.path when this runs as a script
from _procmem import TreeMemory, describe, run_measured

T0 = 1_741_946_000.0  # 2025-03-14T09:53:20Z
SPAN = 4 * 3600.0


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1e6):06d}Z"


def _gen_json(rng: random.Random, t: float) -> str:
    status = 500 if rng.random() < 0.01 else rng.choice((200, 200, 200, 201, 404))
    level = "error" if status >= 500 else "info"
    return json.dumps({"level": level, "ts": round(t, 6), "caller": "http/server.go:88", "msg": "http request",
                       "method": rng.choice(("GET", "POST")), "path": f"/api/v1/orders/{rng.randint(1, 10**6)}",
                       "status": status, "latency": rng.random() / 10, "request_id": f"{rng.getrandbits(64):016x}"}, separators=(",", ":"))


def _gen_klog(rng: random.Random, t: float) -> str:
    lvl = "E" if rng.random() < 0.02 else "I"
    st = time.gmtime(t)
    return (f"{lvl}{time.strftime('%m%d %H:%M:%S', st)}.{int(t % 1 * 1e6):06d}    2211 reconciler.go:{rng.randint(100, 400)}] "
            f"\"Reconciled object\" object=\"shop/cart-{rng.getrandbits(20):05x}\" duration=\"{rng.randint(1, 900)}ms\"")


def _gen_nginx(rng: random.Random, t: float) -> str:
    stamp = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(t))
    status = rng.choice((200, 200, 200, 304, 404, 502)) if rng.random() < 0.1 else 200
    return (f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)} - - [{stamp}] \"GET /products/SKU-{rng.randint(1, 99999)} HTTP/1.1\" "
            f"{status} {rng.randint(200, 20000)} \"-\" \"Mozilla/5.0\"")


def _gen_python(rng: random.Random, t: float) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)) + f",{int(t % 1 * 1000):03d}"
    if rng.random() < 0.01:
        return f"{stamp} - worker.jobs - ERROR - job {rng.randint(1, 10**5)} failed: timeout after {rng.randint(5, 60)}s"
    return f"{stamp} - worker.jobs - INFO - processed batch {rng.randint(1, 10**6)} with {rng.randint(1, 500)} items"


def _gen_java(rng: random.Random, t: float) -> str:
    stamp = _iso(t)[:23] + "Z"
    if rng.random() < 0.005:
        return (f"{stamp} ERROR 1 --- [orders] [nio-8080-exec-{rng.randint(1, 9)}] c.e.o.OrderService : order failed\n"
                "java.lang.IllegalStateException: inventory unavailable\n\tat com.example.orders.OrderService.place(OrderService.java:88)\n"
                "\tat com.example.orders.OrderController.post(OrderController.java:41)\n\t... 52 more")
    return f"{stamp}  INFO 1 --- [orders] [nio-8080-exec-{rng.randint(1, 9)}] c.e.o.RequestLogger : GET /api/orders/{rng.randint(1, 10**6)} -> 200 ({rng.randint(1, 90)} ms)"


def _gen_cri(rng: random.Random, t: float) -> str:
    return f"{_iso(t)[:26]}123Z stdout F {_gen_json(rng, t)}"


GENERATORS = [
    ("shop_orders-api-7d9f8c6b5-x2x9q_orders-api.log", _gen_json),
    ("shop_orders-api-7d9f8c6b5-b7k2m_orders-api.log", _gen_json),
    ("kube-system_controller-5c7d9-wq2lp_manager.log", _gen_klog),
    ("ingress-nginx_ingress-nginx-controller-6b8d9-h2k8d_controller.log", _gen_nginx),
    ("jobs_worker-0_worker.log", _gen_python),
    ("shop_orders-java-6f5d4-k9s8d_orders.log", _gen_java),
    ("var/log/pods/shop_cart-85f6d9c7b-4jq8s_0d6a3e59-71b4-4c2f-a8e3-5b90c1f7d246/cart/0.log", _gen_cri),
    ("shop_cart-85f6d9c7b-t6v2n_cart.log", _gen_json),
]


def generate(root: Path, lines: int, seed: int = 1) -> int:
    """Write the bundle under `root`; returns the number of physical lines written."""
    rng = random.Random(seed)
    per_file = lines // len(GENERATORS)
    written = 0
    for name, gen in GENERATORS:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        step = SPAN / per_file
        with path.open("w", encoding="utf-8") as fh:
            buf = []
            for i in range(per_file):
                text = gen(rng, T0 + i * step)
                buf.append(text)
                written += text.count("\n") + 1
                if len(buf) >= 10000:
                    fh.write("\n".join(buf) + "\n")
                    buf.clear()
            if buf:
                fh.write("\n".join(buf) + "\n")
    _write_events(root, rng)
    _write_alerts(root)
    return written


def _write_events(root: Path, rng: random.Random) -> None:
    items = []
    for i in range(2000):
        t = T0 + rng.random() * SPAN
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        reason, typ, msg = rng.choice([
            ("Pulled", "Normal", "Container image \"registry.example/shop/orders:1.4.2\" already present on machine"),
            ("Unhealthy", "Warning", "Readiness probe failed: HTTP probe failed with statuscode: 503"),
            ("BackOff", "Warning", "Back-off restarting failed container orders-api in pod orders-api-7d9f8c6b5-x2x9q_shop(3b1f6c2e)"),
        ])
        items.append({"apiVersion": "v1", "kind": "Event", "type": typ, "reason": reason, "message": msg, "count": 1,
                      "firstTimestamp": stamp, "lastTimestamp": stamp,
                      "involvedObject": {"kind": "Pod", "namespace": "shop", "name": f"orders-api-7d9f8c6b5-{i % 7:05d}"},
                      "metadata": {"name": f"e{i}", "namespace": "shop"}, "source": {"component": "kubelet"}})
    (root / "events.json").write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))


def _write_alerts(root: Path) -> None:
    alerts = [{"status": "firing", "labels": {"alertname": "KubePodCrashLooping", "namespace": "shop", "pod": f"orders-api-7d9f8c6b5-{i:05d}", "severity": "warning"},
               "annotations": {"summary": "Pod is crash looping."}, "startsAt": "2025-03-14T11:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
               "fingerprint": f"{i:016x}"} for i in range(50)]
    (root / "alerts.json").write_text(json.dumps({"version": "4", "status": "firing", "receiver": "x", "alerts": alerts}))


def baseline_read(root: Path) -> tuple[int, float]:
    started = time.perf_counter()
    n = 0
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with path.open(encoding="utf-8", errors="replace") as fh:
                for _ in fh:
                    n += 1
    return n, time.perf_counter() - started


def ingest_only(root: Path) -> tuple[int, int, float]:
    from opslens.fanout import no_cyclic_gc  # the same GC policy triage uses
    from opslens.sources.ingest import Ingest

    ingest = Ingest()
    started = time.perf_counter()
    n = 0
    with no_cyclic_gc():
        for _ in ingest.events([str(root)]):
            n += 1
    return ingest.stats.lines, n, time.perf_counter() - started


def ingest_stage(root: Path) -> tuple[int, float, int]:
    """The ingest stage of triage: parse and mine into the digest, fanned out over the cores."""
    from datetime import UTC

    from opslens.fanout import digest_inputs

    started = time.perf_counter()
    digest, stats = digest_inputs([str(root)], UTC, None, None)
    seconds = time.perf_counter() - started
    return stats.lines, seconds, len(digest.templates)


def full_triage(root: Path) -> tuple[float, TreeMemory, dict]:
    """Wall time, peak memory of the process tree, and report of `opslens triage` on `root`."""
    exe = shutil.which("opslens") or str(Path(sys.executable).parent / "opslens")
    out = root.parent / "report.json"
    # Measured on the tree, not with getrusage(RUSAGE_CHILDREN): that is the peak of the largest
    # single child ever reaped by this process (including ingest_stage's workers), not a sum.
    run = run_measured([exe, "triage", str(root), "--llm", "none", "--format", "json", "-o", str(out)])
    if run.returncode != 0:
        sys.exit(f"opslens triage failed ({run.returncode}): {run.stderr.strip()[-500:]}")
    return run.seconds, run.memory, json.loads(out.read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=None, help="where to generate (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the generated bundle")
    args = ap.parse_args()
    base = args.dir or Path(tempfile.mkdtemp(prefix="opslens-bench-"))
    root = base / "bundle"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    t = time.perf_counter()
    written = generate(root, args.lines)
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    print(f"bundle: {written:,} log lines + 2,000 events + 50 alerts, {size / 1e6:.0f} MB, generated in {time.perf_counter() - t:.1f}s")
    n, secs = baseline_read(root)
    print(f"baseline (plain line read):    {n:>8,} lines  {secs:6.2f}s  {n / secs:>12,.0f} lines/s")
    lines, events, secs_i = ingest_only(root)
    print(f"opslens parse only, 1 process: {lines:>8,} lines  {secs_i:6.2f}s  {lines / secs_i:>12,.0f} lines/s  ({events:,} events)")
    lines, secs_s, templates = ingest_stage(root)
    print(f"opslens ingest stage (parse + mine, all cores): {lines:,} lines  {secs_s:.2f}s  {lines / secs_s:,.0f} lines/s  ({templates} templates)")
    secs_t, memory, report = full_triage(root)
    print(f"opslens triage (whole process): {report['stats']['lines']:>7,} lines  {secs_t:6.2f}s  {report['stats']['lines'] / secs_t:>12,.0f} lines/s")
    print(f"  {describe(memory)}")
    print(f"report: {len(report['evidence'])} evidence, {len(report['patterns'])} patterns, {len(report['hypotheses'])} hypotheses")
    if not args.keep and args.dir is None:
        shutil.rmtree(base)
    elif args.keep:
        print(f"bundle kept at {root}")


if __name__ == "__main__":
    main()
