"""Prometheus metrics of one app, in a registry of its own (never the global one, so several
apps in one process, as in the tests, do not collide).

Conventional names: `http_requests_total{method,route,status}`,
`http_request_duration_seconds{method,route}`, `opslens_alerts_received_total{outcome}`
(new | duplicate), `opslens_incidents{status}`, `opslens_jobs{status}` (queued | running |
failed). The last two are gauges read from the database at scrape time through
`Metrics.gauge_sources`, callables that S2's job/incident helpers register.

The LLMOps metrics (`opslens.llmops.metrics`: model calls, tokens, latency, first token,
verification, retrieval) live in the same registry as `Metrics.llm`; the eval pass rate and
feedback score are scrape-time collectors added with `add_collector`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_TYPE", "Metrics"]

log = logging.getLogger("opslens.server.metrics")

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# name -> (help, label, callable giving {label value: count})
GaugeSource = tuple[str, str, Callable[[], Mapping[str, int]]]


class _DatabaseGauges(Collector):
    """Gauges computed at scrape time; a failing source is skipped (logged), not fatal."""

    def __init__(self, sources: dict[str, GaugeSource]) -> None:
        self._sources = sources

    def collect(self):  # type: ignore[no-untyped-def]
        for name, (help_text, label, read) in self._sources.items():
            family = GaugeMetricFamily(name, help_text, labels=[label])
            try:
                for value, count in sorted(read().items()):
                    family.add_metric([value], count)
            except Exception as exc:  # the store may be down: /metrics still answers
                log.warning("metric %s unavailable: %s", name, type(exc).__name__)
            yield family


class Metrics:
    """The app's registry and instruments."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "http_requests", "HTTP requests by method, route template and status code.",
            ["method", "route", "status"], registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds", "HTTP request latency by method and route.",
            ["method", "route"], registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.alerts = Counter(
            "opslens_alerts_received", "Alertmanager alerts received, new or duplicate.",
            ["outcome"], registry=self.registry,
        )
        for outcome in ("new", "duplicate"):
            self.alerts.labels(outcome)
        self.gauge_sources: dict[str, GaugeSource] = {}
        self.registry.register(_DatabaseGauges(self.gauge_sources))
        from opslens.llmops.metrics import LLMMetrics

        self.llm = LLMMetrics(self.registry)
        self._scrape_collectors: list[Collector] = []

    def add_collector(self, collector: Collector) -> None:
        """A collector read at scrape time (in every process's view of /metrics)."""
        self._scrape_collectors.append(collector)
        self.registry.register(collector)

    def add_gauge(
        self, name: str, help_text: str, label: str, read: Callable[[], Mapping[str, int]]
    ) -> None:
        """Register a scrape-time gauge, e.g. `opslens_jobs{status}` from the jobs table."""
        self.gauge_sources[name] = (help_text, label, read)

    def render(self) -> bytes:
        """The exposition text. With several HTTP processes (`serve --workers N`, which sets
        PROMETHEUS_MULTIPROC_DIR) each process's counters live in shared files and any
        process answers a scrape with the sum of all of them."""
        if not os.environ.get(MULTIPROC_ENV):
            return generate_latest(self.registry)
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_DatabaseGauges(self.gauge_sources))
        for collector in self._scrape_collectors:
            registry.register(collector)
        return generate_latest(registry)

    def asgi(self, app: ASGIApp) -> ASGIApp:
        """ASGI middleware counting and timing every request by its route template (not the
        raw path, which would make one series per incident ref)."""

        async def measured(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            started = time.perf_counter()
            status = 500

            async def send_status(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            try:
                await app(scope, receive, send_status)
            finally:
                route = _route_template(scope)
                method = scope["method"]
                self.latency.labels(method, route).observe(time.perf_counter() - started)
                self.requests.labels(method, route, str(status)).inc()

        return measured


def _route_template(scope: Scope) -> str:
    """The matched route's path template (the router leaves the route in the scope)."""
    route = scope.get("route")
    return str(getattr(route, "path_format", None) or getattr(route, "path", None) or "unmatched")
