"""Helpers for the correlation/job tests: storing alerts the way the webhook does (the
`store_url` and `postgres` fixtures, SQLite and a real PostgreSQL, are in tests/conftest.py).

Also the code the replica test runs in spawned processes (importable by module name)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))  # store_factories

from opslens.store.alerts import DeliveredAlert, store_delivery  # noqa: E402

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)




def alert(
    fingerprint: str, *, status: str = "firing", alertname: str = "KubePodCrashLooping",
    starts: timedelta = timedelta(0), ends: timedelta | None = None, **labels: str,
) -> DeliveredAlert:
    """One alert item (labels given as keywords: namespace=, service=, cluster=, pod=)."""
    starts_at = T0 + starts
    ends_at = T0 + ends if ends is not None else None
    item: dict[str, Any] = {
        "status": status, "labels": {"alertname": alertname, **labels},
        "annotations": {"summary": f"{alertname} {fingerprint}"},
        "startsAt": starts_at.isoformat(), "endsAt": (ends_at or T0).isoformat(),
        "generatorURL": "http://prometheus:9090/graph", "fingerprint": fingerprint,
    }
    return DeliveredAlert(fingerprint, status, starts_at, ends_at, item)


def deliver(store: Any, group_key: str, alerts: list[DeliveredAlert], at: datetime) -> list[int]:
    """Store a delivery as the webhook does; returns the new alert ids."""
    return store_delivery(store, group_key, {"groupKey": group_key}, alerts, at).new_ids


def replica(url: str, name: str, deliveries: int) -> tuple[list[int], list[str]]:
    """One 'replica' (a spawned process): receive every delivery (the other replica receives
    the same ones), correlate, then run jobs until none waits. Returns the ids of the jobs it
    ran and the refs it triaged."""
    import time as _time

    from store_factories import make_report

    from opslens.pipeline import TriageOptions, TriageOutcome
    from opslens.server import ServerSettings
    from opslens.server.correlate import ingest
    from opslens.server.jobs import run_next
    from opslens.store import open_store

    settings = ServerSettings(worker=False)
    triaged: list[str] = []

    def triage(options: TriageOptions) -> TriageOutcome:
        triaged.append(Path(options.paths[0]).stem.removeprefix("alertmanager-"))
        _time.sleep(0.05)  # long enough for the other replica to try the same rows
        return TriageOutcome(make_report())

    ran: list[int] = []
    with open_store(url) as store:
        for n in range(deliveries):
            ids = deliver(store, f"{{}}:{{n={n}}}", [alert(f"fp{n}", namespace=f"ns{n}")], T0)
            ingest(store, ids, settings, T0)
        while True:
            outcome = run_next(store, settings, worker_id=name, clock=lambda: T0,
                               triage=triage)
            if outcome is None:
                break
            ran.append(outcome.job_id)
    return ran, triaged
