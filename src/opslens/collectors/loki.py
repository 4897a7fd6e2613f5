"""Loki: `query_range` of a LogQL selector per namespace over the window, newest first, as
Loki answers it (the loki reader reads it)."""

from __future__ import annotations

from opslens.collectors.base import CollectContext, Collector, register
from opslens.collectors.http import HttpApi

SOURCE = "loki"


@register
class LokiCollector(Collector):
    name = SOURCE
    description = "Grafana Loki query_range, one LogQL selector per namespace"

    @classmethod
    def unconfigured(cls, ctx: CollectContext) -> str | None:
        if not ctx.settings.loki.url:
            return "no URL configured (--loki or [collect.loki] url)"
        if not ctx.namespaces and "${namespace}" in ctx.settings.loki.query:
            return "no namespace to query (pass -n NAMESPACE; -A would read every namespace's logs)"
        return None

    def collect(self, ctx: CollectContext) -> None:
        conf = ctx.settings.loki
        record = ctx.bundle.source(SOURCE)
        namespaces = ctx.namespaces if "${namespace}" in conf.query else [""]
        with HttpApi.from_settings(SOURCE, conf, ctx.ledger, ctx.transport) as api:
            record.endpoint = api.base_url
            for namespace in namespaces:
                query = conf.query.replace("${namespace}", namespace)
                ctx.bundle.query(SOURCE, namespace or "query", query)
                params = {"query": query, "start": str(int(ctx.window.since * 1e9)), "end": str(int(ctx.window.until * 1e9)),
                          "limit": conf.limit, "direction": "backward"}
                data, body = api.get_json("/loki/api/v1/query_range", params)
                streams = (body.get("data") or {}).get("result") or [] if isinstance(body, dict) else []
                lines = sum(len(s.get("values") or []) for s in streams if isinstance(s, dict))
                if lines >= conf.limit:
                    ctx.bundle.cut(SOURCE, f"logs of {query}", f"limit of {conf.limit:,} lines reached: older lines in the window not fetched")
                if lines:
                    ctx.bundle.write(SOURCE, f"loki/{namespace or 'query'}.json", data)
                record.counts["lines"] = record.counts.get("lines", 0) + lines
