"""db-connectivity: the application cannot get or keep database connections."""

from __future__ import annotations

import re

from opslens.analysis.detectors._shared import Support, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload
from opslens.event_attrs import metric_attrs

_DATABASE_NAME = re.compile(r"postgres|pg|mysql|maria|mongo|redis|db|database|sql|cassandra|etcd", re.I)


@register
class DbConnectivityDetector(Detector):
    category = "db-connectivity"
    title = "Database connections exhausted or unreachable"

    def detect(self, ctx: Context) -> list[Candidate]:
        errors = ctx.fresh("db_connection")
        if not errors:
            return []
        # The client that cannot get connections is the culprit the team acts on; the database
        # itself usually just enforces its limit.
        clients = [h for h in errors if h.workload is not None and not _DATABASE_NAME.search(h.workload.name)]
        culprit = top_workload(clients) or top_workload(errors)
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=errors,
            support=[Support("db_pool_resized", 0.3, "namespace", symptom=False), Support("http_5xx", 0.15), Support("slow_requests", 0.15)],
            rationale="Requests fail waiting for database connections; the frontend errors are a symptom.",
        )
        if cand:
            cand.evidence += [e for e in _cite_limits(ctx) if e not in cand.evidence]
            cand.symptoms_of = {"dependency-outage", "bad-deploy", "resource-exhaustion-cpu", "crash-bug"}
        return [cand] if cand else []


_LIMIT_SERIES = re.compile(r"max_connections|connections_max|max_conn|pool_max|maxconn|max_clients|maxclients", re.I)


def _cite_limits(ctx: Context) -> list[str]:
    """The configured connection limit series: what the usage ran into."""
    ids = []
    for e in ctx.digest.metrics:
        name = str(metric_attrs(e).get("name") or "")
        if _LIMIT_SERIES.search(name) and len(ids) < 1:
            samples = metric_attrs(e).get("samples") or []
            value = samples[-1][1] if samples else None
            ids.append(ctx.book.cite(e, detail=f"configured limit {name} = {value}", weight=0.8))
    return ids
