"""Prometheus: query_range of the RED/USE query set, the series behind each firing alert (its
expression found with /api/v1/rules), and /api/v1/alerts.

Files: `prometheus/queries.json` and `prometheus/alert-series.json` (maps of names to query and
response, read by the prometheus reader) and `prometheus/alerts.json` (the API's answer, read
by the alertmanager reader, which takes Prometheus' alert list).
"""

from __future__ import annotations

import math
from typing import Any

from opslens.collectors._promjson import named_responses
from opslens.collectors._promql import query_set, render
from opslens.collectors.base import CollectContext, Collector, register
from opslens.collectors.http import HttpApi, HttpStatusError

SOURCE = "prometheus"
#: Points per series at most, well under Prometheus' 11,000.
_POINTS = 250
_MIN_STEP = 15.0


@register
class PrometheusCollector(Collector):
    name = SOURCE
    description = "Prometheus HTTP API: RED/USE query_range, firing alerts' series, /api/v1/alerts"

    @classmethod
    def unconfigured(cls, ctx: CollectContext) -> str | None:
        return None if ctx.settings.prometheus.url else "no URL configured (--prometheus or [collect.prometheus] url)"

    def collect(self, ctx: CollectContext) -> None:
        conf = ctx.settings.prometheus
        queries = query_set(conf.queries_file, conf.replace_default_queries)
        step = conf.step or max(_MIN_STEP, math.ceil(ctx.window.seconds / _POINTS))
        record = ctx.bundle.source(SOURCE)
        with HttpApi.from_settings(SOURCE, conf, ctx.ledger, ctx.transport) as api:
            record.endpoint = api.base_url
            rendered = {name: render(q, ctx.namespaces, conf.service) for name, q in queries.items()}
            found = self._ranges(api, ctx, rendered, step)
            if found:
                ctx.bundle.write(SOURCE, "prometheus/queries.json", named_responses(found))
            record.counts["series"] = sum(len(r["data"]["result"]) for _, r in found.values())
            firing = self._firing_rules(api, ctx)
            series = self._ranges(api, ctx, {f"alert {name}": q for name, q in firing[: conf.max_alert_series]}, step)
            for name, _ in firing[conf.max_alert_series:]:
                ctx.bundle.cut(SOURCE, f"series of alert {name}", f"over the cap of {conf.max_alert_series} firing alerts")
            if series:
                ctx.bundle.write(SOURCE, "prometheus/alert-series.json", named_responses(series))
            record.counts["firing alert rules"] = len(firing)
            data, body = api.get_json("/api/v1/alerts")
            alerts = (body.get("data") or {}).get("alerts") if isinstance(body, dict) else None
            if alerts:
                ctx.bundle.write(SOURCE, "prometheus/alerts.json", data)
            record.counts["alerts"] = len(alerts or [])

    def _ranges(self, api: HttpApi, ctx: CollectContext, queries: dict[str, str], step: float) -> dict[str, tuple[str, dict[str, Any]]]:
        """name -> (query, response) of the queries that returned series."""
        found: dict[str, tuple[str, dict[str, Any]]] = {}
        for name, query in queries.items():
            ctx.bundle.query(SOURCE, name, query)
            params = {"query": query, "start": f"{ctx.window.since:.3f}", "end": f"{ctx.window.until:.3f}", "step": f"{step:g}"}
            try:
                _, body = api.get_json("/api/v1/query_range", params)
            except HttpStatusError as exc:
                if exc.status in (401, 403):  # the credentials are refused: every query would be
                    raise
                # a query Prometheus refuses (bad PromQL in a team file, too many points, a
                # timeout of the query engine): this query is cut, the others still run
                ctx.bundle.cut(SOURCE, f"query {name}", str(exc))
                continue
            if isinstance(body, dict) and body.get("status") == "success" and (body.get("data") or {}).get("result"):
                found[name] = (query, body)
        return found

    def _firing_rules(self, api: HttpApi, ctx: CollectContext) -> list[tuple[str, str]]:
        """(alert name, expression) of every alerting rule that fires now."""
        _, body = api.get_json("/api/v1/rules", {"type": "alert"})
        firing: list[tuple[str, str]] = []
        for group in ((body.get("data") or {}).get("groups") or []) if isinstance(body, dict) else []:
            for rule in group.get("rules") or []:
                entry = (str(rule.get("name")), str(rule.get("query")))
                if rule.get("type") == "alerting" and rule.get("state") == "firing" and rule.get("query") and entry not in firing:
                    firing.append(entry)
        return firing
