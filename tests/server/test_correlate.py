"""Correlation rules, table-driven: deliveries stored as the webhook stores them, then
`ingest`; which alerts end up together, what is queued, and the mitigation sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from server_db import T0, alert, deliver
from sqlalchemy import select

from opslens.server import ServerSettings
from opslens.server.correlate import ingest, quiet_since, shares_scope, sweep, title_for
from opslens.store import IncidentStatus, Store
from opslens.store import jobs as job_store
from opslens.store.alert_links import incident_alerts
from opslens.store.models import AlertReceived

SETTINGS = ServerSettings(worker=False)
M = timedelta(minutes=1)
A, B, C = "{}:{alertname=A}", "{}:{alertname=B}", "{}:{alertname=C}"

# name: (steps [(minute received, groupKey, alerts)], expected incidents as fingerprint sets)
CASES = {
    "same group key joins across namespaces": (
        [(0, A, [alert("f1", namespace="shop")]), (5, A, [alert("f2", namespace="db")])],
        [{"f1", "f2"}],
    ),
    "shared namespace and service within the window": (
        [(0, A, [alert("f1", namespace="shop", service="api")]),
         (20, B, [alert("f2", namespace="shop", service="api", cluster="eu")])],
        [{"f1", "f2"}],
    ),
    "shared scope outside the window opens a new incident": (
        [(0, A, [alert("f1", namespace="shop", service="api")]),
         (45, B, [alert("f2", namespace="shop", service="api", starts=45 * M)])],
        [{"f1"}, {"f2"}],
    ),
    "another service in the namespace is another incident": (
        [(0, A, [alert("f1", namespace="shop", service="api")]),
         (1, B, [alert("f2", namespace="shop", service="web")])],
        [{"f1"}, {"f2"}],
    ),
    "another cluster is another incident": (
        [(0, A, [alert("f1", namespace="shop", cluster="eu")]),
         (1, B, [alert("f2", namespace="shop", cluster="us")])],
        [{"f1"}, {"f2"}],
    ),
    "a missing service label still matches the namespace": (
        [(0, A, [alert("f1", namespace="shop", service="api")]),
         (1, B, [alert("f2", namespace="shop")])],
        [{"f1", "f2"}],
    ),
    "no namespace and another group key: separate": (
        [(0, A, [alert("f1", alertname="NodeDown")]), (1, B, [alert("f2", alertname="Disk")])],
        [{"f1"}, {"f2"}],
    ),
    "alerts of one delivery correlate with each other": (
        [(0, A, [alert("f1", namespace="shop"), alert("f2", namespace="shop")]),
         (0, C, [alert("f3", namespace="shop")])],
        [{"f1", "f2", "f3"}],
    ),
    "a resolved alert updates the incident holding it": (
        [(0, A, [alert("f1", namespace="shop")]),
         (3, A, [alert("f1", namespace="shop", status="resolved", ends=2 * M)])],
        [{"f1"}],
    ),
    "a resolved alert nobody holds opens nothing": (
        [(0, A, [alert("f9", namespace="shop", status="resolved", ends=M)])],
        [],
    ),
    "an alert storm is one incident": (
        [(i, A, [alert("f1", namespace="shop", starts=i * M)]) for i in range(30)],
        [{"f1"}],
    ),
}


def _run(store: Store, steps: list) -> list:
    results = []
    for minute, group_key, alerts in steps:
        now = T0 + minute * M
        results.append(ingest(store, deliver(store, group_key, alerts, now), SETTINGS, now))
    return results


@pytest.mark.parametrize("case", list(CASES))
def test_correlation_rules(store: Store, case: str) -> None:
    steps, expected = CASES[case]
    _run(store, steps)
    refs = [i.ref for i in sorted(store.list_incidents(), key=lambda i: i.ref)]
    got = [{a.fingerprint for a in incident_alerts(store, ref)} for ref in refs]
    assert got == expected
    # One triage queued per incident, however many deliveries it took.
    assert len(job_store.list_jobs(store)) == len(expected)


def test_storm_counts_every_delivery(store: Store) -> None:
    steps, _ = CASES["an alert storm is one incident"]
    results = _run(store, steps)
    (incident,) = store.list_incidents()
    assert len(incident_alerts(store, incident.ref)) == 30
    assert results[0].opened == [incident.ref] and all(not r.opened for r in results[1:])
    assert all(not r.grown for r in results[1:])


def test_new_incident_is_titled_and_named(store: Store) -> None:
    (result,) = _run(store, [(0, A, [alert("f1", namespace="shop", service="api")])])
    detail = store.get_incident(result.opened[0])
    assert detail.title == "KubePodCrashLooping in shop"
    assert (detail.namespaces, detail.services) == (["shop"], ["api"])
    assert detail.status is IncidentStatus.OPEN and detail.started_at == T0


def test_a_grown_incident_queues_one_more_job(store: Store) -> None:
    (first,) = _run(store, [(0, A, [alert("f1", namespace="shop")])])
    ref = first.opened[0]
    # Still queued: a new alert reuses the job.
    (second,) = _run(store, [(1, A, [alert("f2", namespace="shop")])])
    assert second.grown == [ref] and second.jobs == first.jobs
    job_store.claim(store, "w", T0, timeout=timedelta(minutes=5), retries=3)
    (third,) = _run(store, [(2, A, [alert("f3", namespace="shop")])])
    assert third.grown == [ref] and third.jobs != first.jobs
    assert len(job_store.list_jobs(store, ref=ref)) == 2


def test_already_linked_alerts_are_left_alone(store: Store) -> None:
    ids = deliver(store, A, [alert("f1", namespace="shop")], T0)
    ingest(store, ids, SETTINGS, T0)
    again = ingest(store, ids, SETTINGS, T0)
    assert again.linked == 0 and len(store.list_incidents()) == 1


def test_mitigation_sweep_waits_for_all_alerts_quiet(store: Store) -> None:
    _run(store, [(0, A, [alert("f1", namespace="shop"), alert("f2", namespace="shop")])])
    (incident,) = store.list_incidents()
    _run(store, [(5, A, [alert("f1", namespace="shop", status="resolved", ends=5 * M)])])
    assert sweep(store, SETTINGS, T0 + 60 * M) == []  # f2 still firing
    _run(store, [(8, A, [alert("f2", namespace="shop", status="resolved", ends=8 * M)])])
    assert sweep(store, SETTINGS, T0 + 17 * M) == []  # quiet for 9 minutes, not 10
    assert sweep(store, SETTINGS, T0 + 18 * M) == [incident.ref]
    detail = store.get_incident(incident.ref)
    assert detail.status is IncidentStatus.MITIGATED
    assert detail.mitigated_at == T0 + 18 * M
    assert sweep(store, SETTINGS, T0 + 60 * M) == []
    # A new firing alert of the same scope now opens a new incident.
    (later,) = _run(store, [(61, B, [alert("f3", namespace="shop", starts=61 * M)])])
    assert later.opened and later.opened != [incident.ref]


def test_a_refiring_alert_keeps_the_incident_open(store: Store) -> None:
    _run(store, [(0, A, [alert("f1", namespace="shop")]),
                 (2, A, [alert("f1", namespace="shop", status="resolved", ends=2 * M)]),
                 (4, A, [alert("f1", namespace="shop", starts=4 * M)])])
    assert sweep(store, SETTINGS, T0 + 60 * M) == []


def test_resolved_alerts_are_linked(store: Store) -> None:
    _run(store, [(0, A, [alert("f1", namespace="shop")]),
                 (2, A, [alert("f1", namespace="shop", status="resolved", ends=2 * M)])])
    with store._read() as session:
        assert session.scalars(
            select(AlertReceived.incident_id).where(AlertReceived.status == "resolved")
        ).all() != [None]


@pytest.mark.parametrize(
    ("a", "b", "shared"),
    [
        ({"namespace": "x"}, {"namespace": "x"}, True),
        ({"namespace": "x"}, {"namespace": "y"}, False),
        ({}, {}, False),
        ({"namespace": "x", "cluster": "a"}, {"namespace": "x"}, True),
        ({"namespace": "x", "cluster": "a"}, {"namespace": "x", "cluster": "b"}, False),
        ({"namespace": "x", "service": "s"}, {"namespace": "x", "service": "t"}, False),
    ],
)
def test_shares_scope(a: dict, b: dict, shared: bool) -> None:
    assert shares_scope(a, b) is shared


def test_titles() -> None:
    assert title_for({"alertname": "X", "namespace": "n"}) == "X in n"
    assert title_for({"alertname": "X"}) == "X"
    assert title_for({}) == "alert"


def test_quiet_since_is_none_without_alerts() -> None:
    assert quiet_since([]) is None


@pytest.mark.parametrize(
    ("a", "b", "shared"),
    [
        ({"exported_namespace": "x"}, {"namespace": "x"}, True),
        ({"k8s_cluster": "eu", "namespace": "x"}, {"k8s_cluster": "us", "namespace": "x"}, False),
        ({"namespace": "x", "app": "api"}, {"namespace": "x", "app": "web"}, False),
        ({"namespace": "x", "app": "api"}, {"namespace": "x", "service": "api"}, True),
    ],
)
def test_scope_labels_are_configurable(a: dict, b: dict, shared: bool) -> None:
    names = {"cluster": ["k8s_cluster"], "namespace": ["namespace", "exported_namespace"],
             "service": ["service", "app"]}
    assert shares_scope(a, b, names) is shared


def test_configured_scope_labels_drive_correlation(store: Store) -> None:
    """With `app` as the service label, two apps in one namespace are two incidents; by
    default (no `service` label) they would be one."""
    settings = SETTINGS.model_copy(update={"scope_labels": {
        "cluster": ["cluster"], "namespace": ["namespace"], "service": ["app"]}})
    for minute, key, app in ((0, A, "api"), (1, B, "web")):
        now = T0 + minute * M
        ingest(store, deliver(store, key, [alert(f"f-{app}", namespace="shop", app=app)], now),
               settings, now)
    incidents = store.list_incidents()
    assert len(incidents) == 2
    assert sorted(s for i in incidents for s in store.get_incident(i.ref).services) == [
        "api", "web"]


def test_the_sweep_links_alerts_whose_correlation_was_lost(store: Store) -> None:
    """The webhook commits alerts before correlating them; if the process dies in between,
    the worker's sweep correlates them, resolved ones included (or the incident never
    becomes mitigated)."""
    from opslens.server.correlate import ingest_unlinked

    ingest(store, deliver(store, A, [alert("f1", namespace="shop")], T0), SETTINGS, T0)
    # Stored but never correlated: a firing alert of a new scope, and f1's resolution.
    deliver(store, B, [alert("f2", namespace="db")], T0 + M)
    deliver(store, A, [alert("f1", namespace="shop", status="resolved", ends=M)], T0 + M)
    result = ingest_unlinked(store, SETTINGS, T0 + 2 * M)
    assert (result.linked, result.resolved, len(result.opened)) == (2, 1, 1)
    assert sweep(store, SETTINGS, T0 + 15 * M) == ["INC-0001"]
    assert ingest_unlinked(store, SETTINGS, T0 + 16 * M).linked == 0
