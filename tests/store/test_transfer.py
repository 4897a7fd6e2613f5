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


def _line(table: str, row: dict) -> str:  # type: ignore[type-arg]
    return orjson.dumps({"table": table, "row": row}).decode() + "\n"


_META = _line("_meta", {"format": 1, "revision": "0002"})
_INCIDENT = {
    "id": 1, "ref": "INC-0001", "title": "t", "status": "open", "namespaces": [],
    "services": [], "entities": [], "signature": {}, "created_at": "2024-05-01T09:00:00+00:00",
    "updated_at": "2024-05-01T09:00:00+00:00",
}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['["incidents", {}]\n'], "line 2: not an opslens export line"),
        (['"just a string"\n'], "line 2: not an opslens export line"),
        ([_line("incidents", "x")], "line 2: not an opslens export line"),  # type: ignore[arg-type]
        ([_line("users", {})], "line 2: unknown table 'users'"),
        ([_line("counters", {"name": "incident", "value": "many"})], "line 2: counters row"),
        ([_line("incidents", {**_INCIDENT, "created_at": 12})], "line 2: incidents: bad time"),
        # A note of an incident that is not there: the foreign key (IntegrityError).
        ([_line("incidents", _INCIDENT), _line("notes", {
            "id": 1, "incident_id": 7, "kind": "note", "text": "x",
            "created_at": "2024-05-01T09:00:00+00:00"})], "line 3: notes row rejected"),
        # The same ref twice (IntegrityError on the unique constraint), after a good line.
        ([_line("incidents", _INCIDENT), _line("incidents", {**_INCIDENT, "id": 2})],
         "line 3: incidents row rejected"),
        # A missing title (NOT NULL) and an id that is no integer (a type mismatch).
        ([_line("incidents", _INCIDENT),
          _line("incidents", {**_INCIDENT, "id": 2, "ref": "INC-0002", "title": None})],
         "line 3: incidents row rejected"),
        ([_line("incidents", {**_INCIDENT, "id": "one"})], "line 2: incidents row rejected"),
    ],
)  # fmt: skip
def test_import_names_the_line_of_a_bad_row(
    store: Store, lines: list[str], message: str
) -> None:
    with pytest.raises(StoreError, match=message) as caught:
        store.import_jsonl(io.StringIO(_META + "".join(lines)))
    assert "\n" not in str(caught.value)
    assert store.list_incidents() == []  # nothing half imported


def test_import_refuses_a_database_with_any_rows(store: Store) -> None:
    store.record_alert(AlertRecord(fingerprint="f", status="firing", payload={}))
    with pytest.raises(StoreError, match="empty database: this one already holds rows in alerts_received"):
        store.import_jsonl(io.StringIO(_META))


def test_import_redacts_the_texts_it_loads(store_url: str) -> None:
    aws, token = "AKIAZ7Q4M2XKLP3RT8WN", "ghp_R2d9xQ7mKp4LnZ8vB1cT6yW3sH5jF0gAeU2i"
    secrets = f"deploy\n{aws}\nmysql -u root -pS3cretMysqlPw9 shop\n{token}\n"
    dump = _META + _line("incidents", {**_INCIDENT, "title": f"leak {token}",
                                       "human_summary": secrets}) + _line("notes", {
        "id": 1, "incident_id": 1, "kind": "note", "text": secrets,
        "created_at": "2024-05-01T09:00:00+00:00"}) + _line("report_versions", {
        "id": 1, "incident_id": 1, "version": 1, "created_at": "2024-05-01T09:00:00+00:00",
        "report_json": orjson.dumps({"summary": secrets}).decode(), "manifest_json": {"n": secrets},
        "inputs_blob": orjson.dumps({"a.log": secrets}).decode()}) + _line("alerts_received", {
        "id": 1, "fingerprint": "f", "status": "firing", "payload_json": {"d": secrets},
        "received_at": "2024-05-01T09:00:00+00:00"})  # fmt: skip
    with open_store(store_url) as store:
        store.import_jsonl(io.StringIO(dump))
        exported = io.StringIO()
        store.export_jsonl(exported)
    assert "REDACTED" in exported.getvalue()
    for secret in (aws, token, "S3cretMysqlPw9"):
        assert secret not in exported.getvalue(), secret
