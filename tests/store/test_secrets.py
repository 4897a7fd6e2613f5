"""Nothing secret reaches the database: secrets planted in kept inputs, notes, comments, the
human root cause, alert payloads and even the report are absent from the stored bytes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from store_factories import make_manifest, make_report

from opslens.store import AlertRecord, open_store
from opslens.store.models import TABLES

AWS_KEY = "AKIAZ7Q4M2XKLP3RT8WN"
GITHUB_TOKEN = "ghp_R2d9xQ7mKp4LnZ8vB1cT6yW3sH5jF0gAeU2i"
PASSWORD = "Sup3rS3cretPassw0rd"
SECRETS = (AWS_KEY, GITHUB_TOKEN, PASSWORD)


def _plant(url: str) -> None:
    inputs = {
        "app.log": f"2024-05-01T09:30:00Z connecting with password={PASSWORD}\n",
        "env.txt": f"aws_access_key_id={AWS_KEY}\nGITHUB_TOKEN={GITHUB_TOKEN}\n",
    }
    with open_store(url) as store:
        ref = store.save_report(
            make_report(evidence_text=f"auth failed for password={PASSWORD}"),
            make_manifest(), inputs=inputs,
        ).ref
        store.add_note(ref, f"rotated {GITHUB_TOKEN} and {AWS_KEY}", kind="action")
        store.add_feedback(ref, -1, comment=f"the log shows password={PASSWORD}")
        store.resolve(ref, "oom", None, f"leaked key {AWS_KEY} was unrelated")
        store.record_alert(AlertRecord(
            fingerprint="f1", status="firing", incident_ref=ref,
            payload={"annotations": {"description": f"token {GITHUB_TOKEN}", "password": PASSWORD}},
        ))
        detail = store.get_incident(ref)
        assert "[REDACTED:" in detail.notes[0].text  # redacted, not dropped


def test_no_secret_in_the_sqlite_file_bytes(tmp_path: Path) -> None:
    _plant(f"sqlite:///{tmp_path / 'opslens.db'}")
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert len(stored) > 0
    for secret in SECRETS:
        assert secret.encode() not in stored, secret


def test_no_secret_in_any_postgresql_column(postgres) -> None:  # type: ignore[no-untyped-def]
    url = postgres.create_database("opslens_secrets")
    _plant(url)
    with open_store(url) as store, store.engine.connect() as conn:
        dump = "\n".join(
            row[0]
            for model in TABLES
            for row in conn.execute(text(f"SELECT t::text FROM {model.__tablename__} t"))
        )
    assert "REDACTED" in dump
    for secret in SECRETS:
        assert secret not in dump, secret
