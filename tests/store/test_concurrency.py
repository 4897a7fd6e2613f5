"""Two processes saving at once lose nothing and never share a ref (SQLite and PostgreSQL)."""

from __future__ import annotations

import multiprocessing

from store_factories import save_many

from opslens.store import Store, open_store

PER_PROCESS = 50


def test_parallel_saves_from_two_processes(store_url: str) -> None:
    open_store(store_url).close()  # migrate first, so the children race on saves only
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        results = pool.starmap(save_many, [(store_url, PER_PROCESS, "a"), (store_url, PER_PROCESS, "b")])
    refs = [ref for batch in results for ref in batch]
    assert len(refs) == len(set(refs)) == 2 * PER_PROCESS
    with open_store(store_url) as store:
        listed = store.list_incidents()
        assert sorted(i.ref for i in listed) == sorted(refs)
        assert {f"INC-{n:04d}" for n in range(1, 2 * PER_PROCESS + 1)} == set(refs)
        for ref in refs[:: PER_PROCESS // 5]:
            detail = store.get_incident(ref)
            assert detail.report is not None and [v.version for v in detail.versions] == [1]


def test_parallel_versions_of_one_incident(store_url: str) -> None:
    with open_store(store_url) as store:
        ref = _seed(store)
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        pool.starmap(_add_versions, [(store_url, ref, 10), (store_url, ref, 10)])
    with open_store(store_url) as store:
        assert [v.version for v in store.get_incident(ref).versions] == list(range(1, 22))


def _seed(store: Store) -> str:
    from store_factories import make_manifest, make_report

    return store.save_report(make_report(), make_manifest()).ref


def _add_versions(url: str, ref: str, count: int) -> None:
    from store_factories import make_manifest, make_report

    with open_store(url) as store:
        for _ in range(count):
            store.save_report(make_report(), make_manifest(), incident_ref=ref)
