"""Two replicas (spawned processes) on one PostgreSQL receive the same deliveries and run
the triage jobs: every alert stored once, one incident per group, no job run twice."""

from __future__ import annotations

import multiprocessing

from server_db import replica

from opslens.store import open_store
from opslens.store.alert_links import incident_alerts
from opslens.store.jobs import JobStatus, list_jobs

DELIVERIES = 30


def test_two_replicas_never_run_a_job_twice(postgres) -> None:  # noqa: ANN001, F811
    url = postgres.create_database("opslens_replicas")
    open_store(url).close()  # migrated once, before the race
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        results = pool.starmap(replica, [(url, "r1", DELIVERIES), (url, "r2", DELIVERIES)])
    # Both replicas claimed work (each takes >= 1.5 s of jobs alone, spawn takes less).
    assert all(jobs for jobs, _ in results), [len(jobs) for jobs, _ in results]
    ran = [job for jobs, _ in results for job in jobs]
    triaged = [ref for _, refs in results for ref in refs]
    assert len(ran) == len(set(ran)) == DELIVERIES
    assert len(triaged) == len(set(triaged)) == DELIVERIES
    with open_store(url) as store:
        incidents = store.list_incidents()
        assert len(incidents) == DELIVERIES
        for incident in incidents:
            assert [a.fingerprint for a in incident_alerts(store, incident.ref)] != []
            assert store.get_incident(incident.ref).latest_version == 1
        jobs = list_jobs(store, limit=1000)
        assert len(jobs) == DELIVERIES
        assert all(j.status is JobStatus.DONE and j.attempts == 1 for j in jobs)
        assert sum(len(incident_alerts(store, i.ref)) for i in incidents) == DELIVERIES
