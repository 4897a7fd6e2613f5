"""A database created by the first migration, holding rows of that time, upgrades through every
later migration with its rows intact; the models agree with the migrated schema."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text
from store_factories import make_manifest, make_report

from opslens.store import IncidentStatus, current_revision, head_revision, open_store, upgrade
from opslens.store.models import Base

# Rows as 0001 wrote them (times stored the way SQLAlchemy writes them on each backend).
_OLD_ROWS = [
    "UPDATE counters SET value = 7 WHERE name = 'incident'",
    "INSERT INTO incidents (id, ref, title, status, severity, started_at, namespaces, services,"
    " entities, category, human_category, human_summary, signature, created_at, updated_at)"
    " VALUES (7, 'INC-0007', 'old OOM', 'resolved', 'critical', '2023-01-02 03:04:05',"
    " '[\"payments\"]', '[\"api\"]', '[]', 'oom', 'oom', 'limit too low', '{}',"
    " '2023-01-02 03:10:00', '2023-01-02 05:00:00')",
    "INSERT INTO report_versions (id, incident_id, version, created_at, report_json, manifest_json)"
    " VALUES (1, 7, 1, '2023-01-02 03:10:00', '{\"summary\": \"old\"}', '{\"files\": []}')",
    "INSERT INTO notes (id, incident_id, author, created_at, kind, text)"
    " VALUES (1, 7, 'ana', '2023-01-02 04:00:00', 'action', 'raise the limit')",
    "INSERT INTO status_changes (id, incident_id, from_status, to_status, at, by)"
    " VALUES (1, 7, NULL, 'open', '2023-01-02 03:10:00', 'ana')",
]


def test_a_0001_database_upgrades_to_head_with_its_rows(store_url: str) -> None:
    assert upgrade(store_url, "0001") == "0001"
    assert current_revision(store_url) == "0001"
    engine = create_engine(store_url)
    with engine.begin() as conn:
        for statement in _OLD_ROWS:
            conn.execute(text(statement))
    engine.dispose()
    with open_store(store_url) as store:  # applies 0002 on open
        assert current_revision(store_url) == head_revision() != "0001"
        (old,) = store.list_incidents()
        assert (old.ref, old.title, old.status, old.category) == (
            "INC-0007", "old OOM", IncidentStatus.RESOLVED, "oom"
        )
        detail = store.get_incident("INC-0007")
        assert detail.report == {"summary": "old"}
        assert [n.text for n in detail.notes] == ["raise the limit"]
        assert detail.started_at is not None and detail.started_at.year == 2023
        # New rows continue after the old ones.
        assert store.save_report(make_report(), make_manifest()).ref == "INC-0008"
        indexes = {i["name"] for i in inspect(store.engine).get_indexes("incidents")}
        assert {"ix_incidents_status", "ix_incidents_started_at"} <= indexes


def test_an_empty_database_reports_no_revision_until_opened(store_url: str) -> None:
    assert current_revision(store_url) is None
    open_store(store_url).close()
    assert current_revision(store_url) == head_revision()


def test_models_match_the_migrated_schema(store_url: str) -> None:
    with open_store(store_url) as store:
        inspector = inspect(store.engine)
        for table in Base.metadata.sorted_tables:
            migrated = {c["name"] for c in inspector.get_columns(table.name)}
            assert migrated == set(table.columns.keys()), table.name
            migrated_indexes = {i["name"] for i in inspector.get_indexes(table.name)}
            declared = {i.name for i in table.indexes}
            assert declared <= migrated_indexes, table.name

