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


def _postgres_dump(url: str) -> str:
    """Every row of every table as PostgreSQL's text form of the row, one per line."""
    with open_store(url) as store, store.engine.connect() as conn:
        return "\n".join(
            row[0]
            for model in TABLES
            for row in conn.execute(text(f"SELECT t::text FROM {model.__tablename__} t"))
        )


def test_no_secret_in_any_postgresql_column(postgres) -> None:  # type: ignore[no-untyped-def]
    url = postgres.create_database("opslens_secrets")
    _plant(url)
    dump = _postgres_dump(url)
    assert "REDACTED" in dump
    for secret in SECRETS:
        assert secret not in dump, secret


# Secrets whose patterns are anchored at the start of a line, or span lines: a redaction of the
# serialised JSON (where newlines are `\n`) misses every one of them.
MYSQL_PASSWORD = "S3cretMysqlPw9"
SLACK_TOKEN = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
K8S_SECRET_DATA = "c3VwZXJzZWNyZXRrOHNwYXNz"
LINE_SECRETS = (AWS_KEY, MYSQL_PASSWORD, GITHUB_TOKEN, SLACK_TOKEN, JWT, K8S_SECRET_DATA)
SECRET_FILE = f"""2024-05-01T09:30:00Z deploy started
{AWS_KEY}
mysql -h db -u root -p{MYSQL_PASSWORD} shop
{GITHUB_TOKEN}
{SLACK_TOKEN}
{JWT}
apiVersion: v1
kind: Secret
metadata:
  name: db
data:
  password: {K8S_SECRET_DATA}
"""


def _save_with_kept_inputs(url: str, tmp_path: Path) -> None:
    """`triage --save --keep-inputs` on the example plus a file of secrets, then an alert whose
    payload carries the same text."""
    import shutil

    from typer.testing import CliRunner

    import opslens.cli.commands.triage  # noqa: F401  (registers the command)
    from opslens.cli.app import app

    inputs = tmp_path / "inputs"
    shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / "cert-expiry", inputs)
    (inputs / "deploy.log").write_text(SECRET_FILE, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["triage", str(inputs), "--llm", "none", "--keep-inputs", "--db", url]
    )
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    with open_store(url) as store:
        store.record_alert(AlertRecord(
            fingerprint="f2", status="firing", incident_ref="INC-0001",
            payload={"annotations": {"description": SECRET_FILE}, "labels": {"k": [SECRET_FILE]}},
        ))
        assert store.get_incident("INC-0001").versions[0].has_inputs


def test_line_anchored_secrets_of_kept_inputs_and_alerts_stay_out_of_the_sqlite_file(
    tmp_path: Path,
) -> None:
    data = tmp_path / "db"
    _save_with_kept_inputs(f"sqlite:///{data / 'opslens.db'}", tmp_path)
    stored = b"".join(p.read_bytes() for p in data.iterdir() if p.is_file())
    assert b"REDACTED" in stored
    for secret in LINE_SECRETS:
        assert secret.encode() not in stored, secret


def test_line_anchored_secrets_stay_out_of_every_postgresql_column(  # type: ignore[no-untyped-def]
    postgres, tmp_path: Path
) -> None:
    url = postgres.create_database("opslens_line_secrets")
    _save_with_kept_inputs(url, tmp_path)
    dump = _postgres_dump(url)
    assert "REDACTED" in dump
    for secret in LINE_SECRETS:
        assert secret not in dump, secret
