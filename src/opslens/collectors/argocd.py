"""Argo CD: Applications with their sync history from the API server (`/api/v1/applications`,
a bearer token), written as the List kubectl prints, which the argocd reader reads."""

from __future__ import annotations

from typing import Any

from opslens.collectors.base import CollectContext, Collector, register
from opslens.collectors.http import HttpApi

SOURCE = "argocd"


@register
class ArgoCDCollector(Collector):
    name = SOURCE
    description = "Argo CD API: applications with their sync history"

    @classmethod
    def unconfigured(cls, ctx: CollectContext) -> str | None:
        return None if ctx.settings.argocd.url else "no URL configured (--argocd or [collect.argocd] url)"

    def collect(self, ctx: CollectContext) -> None:
        conf = ctx.settings.argocd
        params: dict[str, Any] = {}
        if conf.project:
            params["projects"] = conf.project
        with HttpApi.from_settings(SOURCE, conf, ctx.ledger, ctx.transport) as api:
            ctx.bundle.source(SOURCE).endpoint = api.base_url
            _, body = api.get_json("/api/v1/applications", params or None)
        items = [i for i in (body.get("items") or []) if isinstance(i, dict)] if isinstance(body, dict) else []
        if conf.applications:
            wanted = set(conf.applications)
            items = [i for i in items if (i.get("metadata") or {}).get("name") in wanted]
        if items:
            typed = [{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", **{k: v for k, v in i.items() if k not in ("apiVersion", "kind")}} for i in items]
            ctx.bundle.write_json(SOURCE, "argocd/applications.json", {"apiVersion": "v1", "items": typed, "kind": "List", "metadata": {}})
        ctx.bundle.source(SOURCE).counts["applications"] = len(items)
