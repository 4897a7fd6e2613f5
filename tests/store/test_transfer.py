"""Export to JSON lines and import into an empty database: SQLite -> PostgreSQL and back."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest
from store_factories import make_manifest, make_report

from opslens.store import AlertRecord, LLMCallRecord, Store, StoreError, open_store


def _fill(store: Store) -> str:
    first = store.save_report(make_report(), make_manifest(), inputs={"a.log": "x"}).ref
    store.save_report(make_report(category="dns-failure", namespace="edge"), make_manifest())
    store.save_report(make_report(), make_manifest(), incident_ref=first)
    store.add_note(first, "raise the limit", kind="action")
    store.add_feedback(first, 1, comment="ok")
    store.resolve(first, "oom", "Deployment/payments/api", "limit too low")
    store.record_llm_call(LLMCallRecord(provider="p", model="m", outcome="ok", incident_ref=first))
    store.record_alert(AlertRecord(fingerprint="f", status="firing", payload={"a": 1}))
    return first


def test_export_then_import_keeps_refs_ids_and_content(store_url: str, tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'source.db'}") as source:
        first = _fill(source)
        dump = io.StringIO()
        rows = source.export_jsonl(dump)
        before = source.get_incident(first)
    lines = dump.getvalue().splitlines()
    assert len(lines) == rows + 1 and orjson.loads(lines[0])["table"] == "_meta"
    with open_store(store_url) as target:
        assert target.import_jsonl(io.StringIO(dump.getvalue())) == rows
        after = target.get_incident(first)
        assert after == before
        assert sorted(i.ref for i in target.list_incidents()) == ["INC-0001", "INC-0002"]
        # Counters and sequences continue after the imported rows.
        assert target.save_report(make_report(), make_manifest()).ref == "INC-0003"
        assert target.add_note(first, "after import") > 1
        again = io.StringIO()
        target.export_jsonl(again)
    assert len(again.getvalue().splitlines()) > len(lines)


def test_import_refuses_a_database_with_incidents(store: Store) -> None:
    _fill(store)
    dump = io.StringIO()
    store.export_jsonl(dump)
    with pytest.raises(StoreError, match="empty database"):
        store.import_jsonl(io.StringIO(dump.getvalue()))


def test_import_names_a_bad_line(store: Store) -> None:
    with pytest.raises(StoreError, match="line 1"):
        store.import_jsonl(io.StringIO("not json\n"))
