"""Reader micro-benchmark: the text-log reader alone, against a bare line loop.

Generates ~500k log lines in a temporary directory (CRI-wrapped JSON, structured klog,
ingress-nginx access, Python logging with tracebacks, Spring Boot with stack traces, plain
Go-`log`-style and untimed lines, and one file mixing them all), then prints, for the same files
in the same run:
  - baseline: `for line in f: pass` over every file
  - textlog:  opening each file and consuming `TextLogReader().read(...)` (wrapper stripping,
              per-line format choice, timestamps, folding, Event construction)
and the per-format lines/s and cost per line. Times are this process's CPU time
(`time.process_time`), best of --repeat runs, so other work on a shared machine disturbs the
figures less; the ratio to the baseline is the number to compare across machines. Events are
counted and dropped: a caller that keeps them all also pays the cyclic garbage collector.

Usage: python bench/readers.py [--lines 500000] [--repeat 3] [--no-orjson] [--profile]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

from opslens.sources.base import ReadContext, SourceFile, identity_from_path
from opslens.sources.lines import jsonlog
from opslens.sources.readers.textlog import TextLogReader

T0 = 1_741_946_000.0  # 2025-03-14T09:53:20Z
RATE = 20.0  # lines per second of simulated time: some lines share a whole second, most a minute


def _iso(t: float, digits: int = 6) -> str:
    frac = f"{t % 1:.9f}"[2 : 2 + digits]
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{frac}Z"


def gen_cri_json(rng: random.Random, t: float) -> list[str]:
    status = 500 if rng.random() < 0.01 else rng.choice((200, 200, 200, 201, 404))
    body = json.dumps({"level": "error" if status >= 500 else "info", "ts": round(t, 6),
                       "caller": "http/server.go:88", "msg": "http request", "method": rng.choice(("GET", "POST")),
                       "path": f"/api/v1/orders/{rng.randint(1, 10**6)}", "status": status,
                       "latency": round(rng.random() / 10, 6), "request_id": f"{rng.getrandbits(64):016x}"},
                      separators=(",", ":"))  # fmt: skip
    return [f"{_iso(t, 9)} {'stderr' if status >= 500 else 'stdout'} F {body}"]


def gen_klog(rng: random.Random, t: float) -> list[str]:
    level = "E" if rng.random() < 0.02 else "I"
    stamp = time.strftime("%m%d %H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1e6):06d}"
    return [f'{level}{stamp}    2211 reconciler.go:{rng.randint(100, 400)}] "Reconciled object" '
            f'object="shop/cart-{rng.getrandbits(20):05x}" duration="{rng.randint(1, 900)}ms"']  # fmt: skip


def gen_ingress(rng: random.Random, t: float) -> list[str]:
    stamp = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(t))
    status = rng.choice((200, 304, 404, 502)) if rng.random() < 0.1 else 200
    rt = rng.random() / 5
    return [f'10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)} - - [{stamp}] "GET /products/SKU-{rng.randint(1, 99999)} '
            f'HTTP/2.0" {status} {rng.randint(200, 20000)} "-" "Mozilla/5.0 (X11; Linux x86_64)" {rng.randint(80, 900)} '
            f"{rt:.3f} [shop-web-8080] [] 10.1.{rng.randint(0, 255)}.7:8080 {rng.randint(200, 20000)} {rt:.3f} {status} "
            f"{rng.getrandbits(128):032x}"]  # fmt: skip


def gen_python(rng: random.Random, t: float) -> list[str]:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)) + f",{int(t % 1 * 1000):03d}"
    if rng.random() < 0.01:
        return [f"{stamp} - worker.jobs - ERROR - job {rng.randint(1, 10**5)} failed",
                "Traceback (most recent call last):", '  File "/app/worker/jobs.py", line 88, in run',
                "    result = client.fetch(job)", "TimeoutError: timed out after 30s"]  # fmt: skip
    return [f"{stamp} - worker.jobs - INFO - processed batch {rng.randint(1, 10**6)} with {rng.randint(1, 500)} items"]


def gen_spring(rng: random.Random, t: float) -> list[str]:
    stamp = _iso(t, 3)
    thread = f"nio-8080-exec-{rng.randint(1, 9)}"
    if rng.random() < 0.005:
        return [f"{stamp} ERROR 1 --- [orders] [{thread}] c.e.o.OrderService                       : order failed",
                "java.lang.IllegalStateException: inventory unavailable",
                "\tat com.example.orders.OrderService.place(OrderService.java:88)",
                "\tat com.example.orders.OrderController.post(OrderController.java:41)",
                "Caused by: java.net.SocketTimeoutException: Read timed out", "\t... 52 more"]  # fmt: skip
    return [f"{stamp}  INFO 1 --- [orders] [{thread}] c.e.o.RequestLoggingFilter               : "
            f"GET /api/orders/{rng.randint(1, 10**6)} -> 200 ({rng.randint(1, 90)} ms)"]  # fmt: skip


def gen_plain(rng: random.Random, t: float) -> list[str]:
    if rng.random() < 0.3:
        return [f"worker {rng.randint(1, 8)} picked up task {rng.getrandbits(32):08x}"]  # untimed
    stamp = time.strftime("%Y/%m/%d %H:%M:%S", time.gmtime(t))
    return [f"{stamp} cache refresh took {rng.randint(1, 900)}ms for {rng.randint(1, 5000)} keys"]


GENERATORS = {
    "cri-json": ("shop_orders-api-7d9f8c6b5-x2x9q_orders-api.log", gen_cri_json),
    "klog": ("kube-system_controller-5c7d9-wq2lp_manager.log", gen_klog),
    "ingress": ("ingress-nginx_ingress-nginx-controller-6b8d9-h2k8d_controller.log", gen_ingress),
    "python": ("jobs_worker-0_worker.log", gen_python),
    "spring": ("shop_orders-7f9c-2kq8p_orders.log", gen_spring),
    "plain": ("tools_cron-1_cron.log", gen_plain),
}


def generate(root: Path, total: int, seed: int = 7) -> dict[str, Path]:
    """One file per format plus a mixed file, about `total` lines in all."""
    rng = random.Random(seed)
    share = total // (len(GENERATORS) + 1)
    files: dict[str, Path] = {}
    for label, (name, gen) in [*GENERATORS.items(), ("mixed", ("shop_mixed-0_app.log", None))]:
        path = root / name
        written, t = 0, T0
        with path.open("w", encoding="utf-8") as out:
            while written < share:
                generator = gen or rng.choice([g for _, g in GENERATORS.values()])
                lines = generator(rng, t)
                out.write("\n".join(lines) + "\n")
                written += len(lines)
                t += rng.expovariate(RATE)
        files[label] = path
    return files


def baseline(paths: list[Path]) -> tuple[float, int]:
    start, n = time.process_time(), 0
    for path in paths:
        with path.open(encoding="utf-8") as f:
            for _line in f:
                n += 1
    return time.process_time() - start, n


def read_textlog(paths: list[Path]) -> tuple[float, int, int]:
    start, lines, events = time.process_time(), 0, 0
    for path in paths:
        ctx = ReadContext(SourceFile(str(path), identity=identity_from_path(str(path))), year_hint=2025)
        with path.open(encoding="utf-8") as f:
            for _event in TextLogReader().read(f, ctx):
                events += 1
        lines += ctx.lines
    return time.process_time() - start, lines, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one textlog pass")
    parser.add_argument("--no-orjson", action="store_true", help="parse JSON with the standard library only")
    args = parser.parse_args()
    if args.no_orjson:
        jsonlog._fast_loads = None
    print(f"JSON parser: {'orjson' if jsonlog._fast_loads is not None else 'json (standard library)'}")
    root = Path(tempfile.mkdtemp(prefix="opslens-bench-readers-"))
    try:
        files = generate(root, args.lines)
        paths = list(files.values())
        base = min(baseline(paths)[0] for _ in range(args.repeat))
        runs = [read_textlog(paths) for _ in range(args.repeat)]
        best, lines, events = min(runs)
        print(f"lines: {lines:,}  events: {events:,}  files: {len(paths)}")
        print(f"baseline  for-line-pass : {lines / base:>12,.0f} lines/s  ({base * 1e6 / lines:5.2f} µs/line)")
        print(f"textlog   reader        : {lines / best:>12,.0f} lines/s  ({best * 1e6 / lines:5.2f} µs/line)"
              f"  = {best / base:.1f}x baseline time")  # fmt: skip
        print("per format:")
        for label, path in files.items():
            took, n, ev = min(read_textlog([path]) for _ in range(args.repeat))
            print(f"  {label:9s} {n / took:>12,.0f} lines/s  ({took * 1e6 / n:5.2f} µs/line, {ev:,} events)")
        if args.profile:
            import cProfile
            import pstats

            cProfile.runctx("read_textlog(paths)", globals(), {"paths": paths}, str(root / "prof"))
            pstats.Stats(str(root / "prof")).sort_stats("tottime").print_stats(18)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
