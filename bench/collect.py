"""Kubernetes collection speed: one namespace with 200 pods and 5,000 events (each served by
both event APIs) against the local test API server on 127.0.0.1.

Prints the collector's wall time and request count, and a baseline measured in the same run:
the same list pages and log reads fetched with bare httpx (no guard vetting, no JSON handling,
nothing written), so the ratio is the collector's own overhead. The issue's target is < 10 s.

    .venv/bin/python bench/collect.py [--pods 200] [--events 5000] [--page-size 500]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "collectors"))

from cluster import scaled_namespace  # noqa: E402
from kube_api import TOKEN, KubeApiServer  # noqa: E402

from opslens.collectors import collect_bundle  # noqa: E402
from opslens.collectors.base import Window  # noqa: E402
from opslens.collectors.settings import CollectSettings, KubernetesSource  # noqa: E402


def bare_fetch(server: KubeApiServer) -> float:
    """Seconds to GET every request path the collector made, with a plain client."""
    paths = [path for _, path in server.log.requests]
    started = time.perf_counter()
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        for path in paths:
            client.get(path).raise_for_status() if "/log?" not in path else client.get(path)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=200)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--page-size", type=int, default=500)
    args = parser.parse_args()
    now = time.time()
    cluster = scaled_namespace(now, pods=args.pods, events=args.events)
    with KubeApiServer(cluster) as server, tempfile.TemporaryDirectory() as tmp:
        kubeconfig = server.kubeconfig(Path(tmp) / "kubeconfig", namespace="load")
        settings = CollectSettings(kubernetes=KubernetesSource(kubeconfig=str(kubeconfig), page_size=args.page_size))
        result = collect_bundle(settings, Path(tmp) / "bundle", Window(now - 3600, now), ["kubernetes"])
        outcome = result.outcomes[0]
        if outcome.status != "ok":
            sys.exit(f"collection failed: {outcome.detail}")
        size = sum(p.stat().st_size for p in (Path(tmp) / "bundle").rglob("*") if p.is_file())
        baseline = bare_fetch(server)
    print(f"namespace: {args.pods} pods, {args.events} events (x2 APIs), page size {args.page_size}")
    print(f"collector: {result.seconds:.2f} s, {result.ledger.total_requests} requests, {outcome.files} files, {size / 1e6:.1f} MB written")
    print(f"  {outcome.detail}")
    print(f"baseline (bare httpx GETs of the same {len(server.log.requests) // 2} paths): {baseline:.2f} s")
    print(f"collector / baseline: {result.seconds / baseline:.2f}x; target < 10 s: {'met' if result.seconds < 10 else 'MISSED'}")


if __name__ == "__main__":
    main()
