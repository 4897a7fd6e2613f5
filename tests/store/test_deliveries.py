"""`store_deliveries`: many deliveries in one transaction, written as multi-row INSERTs of
power-of-two sizes, each alert stored once, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from opslens.store import Store
from opslens.store.alerts import DeliveredAlert, Delivery, store_deliveries
from opslens.store.models import AlertReceived

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def _alert(fingerprint: str, status: str = "firing", minute: int = 0) -> DeliveredAlert:
    starts = T0 + timedelta(minutes=minute)
    item = {"status": status, "labels": {"alertname": "HighLatency", "pod": fingerprint},
            "startsAt": starts.isoformat(), "fingerprint": fingerprint}
    return DeliveredAlert(fingerprint, status, starts, None, item)


def _stored(store: Store) -> list[tuple[int, str, str]]:
    with store._read() as session:
        rows = session.execute(select(AlertReceived.id, AlertReceived.group_key,
                                      AlertReceived.fingerprint).order_by(AlertReceived.id))
        return [tuple(row) for row in rows]


@pytest.mark.parametrize("alerts_per_delivery", [1, 3, 64, 100, 131])
def test_every_alert_is_stored_once_and_answered_in_order(
    store: Store, alerts_per_delivery: int
) -> None:
    """Sizes around the 64-row chunk and its powers of two; the second delivery repeats the
    first's alerts and adds one, the third repeats an alert of its own and one of the first."""
    first = [_alert(f"a{n}") for n in range(alerts_per_delivery)]
    second = [*first, _alert("extra")]
    third = [_alert("t", minute=5), _alert("t", minute=5), first[-1]]
    results = store_deliveries(store, [
        Delivery("g1", {"groupKey": "g1"}, first),
        Delivery("g1", {"groupKey": "g1"}, second),
        Delivery("g1", {"groupKey": "g1"}, third),
    ], T0)
    stored = _stored(store)
    assert [r.duplicates for r in results] == [0, alerts_per_delivery, 2]
    assert [len(r.new_ids) for r in results] == [alerts_per_delivery, 1, 1]
    ids = {fingerprint: id_ for id_, _, fingerprint in stored}
    assert results[0].new_ids == [ids[a.fingerprint] for a in first]  # each answer in order
    assert results[1].new_ids == [ids["extra"]] and results[2].new_ids == [ids["t"]]
    assert len(stored) == alerts_per_delivery + 2


def test_a_repeated_batch_stores_nothing_new(store: Store) -> None:
    batch = [Delivery("g2", {"groupKey": "g2"}, [_alert(f"b{n}") for n in range(70)])]
    assert len(store_deliveries(store, batch, T0)[0].new_ids) == 70
    again = store_deliveries(store, batch, T0)[0]
    assert (again.new_ids, again.duplicates) == ([], 70)
    assert len(_stored(store)) == 70


def test_the_same_alert_in_another_group_or_state_is_another_row(store: Store) -> None:
    """The dedupe key is groupKey, fingerprint, startsAt and status."""
    results = store_deliveries(store, [
        Delivery("g1", {}, [_alert("x")]), Delivery("g2", {}, [_alert("x")]),
        Delivery("g1", {}, [_alert("x", status="resolved")]),
        Delivery("g1", {}, [_alert("x", minute=1)]),
    ], T0)
    assert [len(r.new_ids) for r in results] == [1, 1, 1, 1]


def test_nowait_gives_up_at_once_while_another_process_writes(store: Store, store_url: str) -> None:
    """SQLite: with the write lock held elsewhere, `nowait` raises WriteLocked and writes
    nothing, and the connection keeps its busy timeout for everyone else; once the lock is
    free it stores. PostgreSQL has no database-wide write lock: it just stores."""
    import sqlite3

    from opslens.store.alerts import WriteLocked

    batch = [Delivery("g3", {}, [_alert("held")])]
    if store_url.startswith("postgresql"):
        assert len(store_deliveries(store, batch, T0, nowait=True)[0].new_ids) == 1
        return
    other = sqlite3.connect(store.engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(WriteLocked):
            store_deliveries(store, batch, T0, nowait=True)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _stored(store) == []
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    assert len(store_deliveries(store, batch, T0, nowait=True)[0].new_ids) == 1
