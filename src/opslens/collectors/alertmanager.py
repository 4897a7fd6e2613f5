"""Alertmanager API v2: `GET /api/v2/alerts` (active, silenced and inhibited alerts), written as
the API answers it, which the alertmanager reader reads."""

from __future__ import annotations

from opslens.collectors.base import CollectContext, Collector, register
from opslens.collectors.http import HttpApi

SOURCE = "alertmanager"


@register
class AlertmanagerCollector(Collector):
    name = SOURCE
    description = "Alertmanager API v2 /api/v2/alerts"

    @classmethod
    def unconfigured(cls, ctx: CollectContext) -> str | None:
        return None if ctx.settings.alertmanager.url else "no URL configured (--alertmanager or [collect.alertmanager] url)"

    def collect(self, ctx: CollectContext) -> None:
        conf = ctx.settings.alertmanager
        with HttpApi.from_settings(SOURCE, conf, ctx.ledger, ctx.transport) as api:
            ctx.bundle.source(SOURCE).endpoint = api.base_url
            data, alerts = api.get_json("/api/v2/alerts")
        if isinstance(alerts, list) and alerts:
            ctx.bundle.write(SOURCE, "alertmanager/alerts.json", data)
        ctx.bundle.source(SOURCE).counts["alerts"] = len(alerts) if isinstance(alerts, list) else 0
