"""The incident commands end to end: the real CLI (typer's runner) on a temporary SQLite file.

The walkthrough is the README's: triage the bundled example with --save, add notes, resolve,
export the post-incident draft, list and show. Most tests select the database through
`OPSLENS_DATABASE_URL` (the `db` fixture); `--db URL` is exercised explicitly.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import opslens.cli.commands.db
import opslens.cli.commands.incidents
import opslens.cli.commands.triage  # noqa: F401  (these register the commands)
from opslens import config
from opslens.cli.app import app

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "cert-expiry"
runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No user config or data: XDG dirs point into the test's temporary directory."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for var in ("OPSLENS_CONFIG", "OPSLENS_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    config.load.cache_clear()
    yield
    config.load.cache_clear()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A temporary SQLite database, selected through the environment."""
    url = f"sqlite:///{tmp_path / 'incidents.db'}"
    monkeypatch.setenv("OPSLENS_DATABASE_URL", url)
    return url


def run(*args: str, input: str | None = None) -> Result:
    return runner.invoke(app, list(args), input=input)


def ok(*args: str, input: str | None = None) -> Result:
    result = run(*args, input=input)
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result


def save_example(*extra: str) -> str:
    """Triage the bundled example with --save; returns the reference printed on stderr."""
    result = ok("triage", str(EXAMPLE), "--llm", "none", "--save", *extra)
    assert result.stdout.startswith("# Incident brief")
    match = re.search(r"^saved (INC-\d{4,}) \(version (\d+)\)$", result.stderr, re.M)
    assert match, result.stderr
    return match[1]


def show_json(ref: str, *extra: str) -> dict:
    return json.loads(ok("incidents", "show", ref, "--format", "json", *extra).stdout)


def test_walkthrough_save_note_resolve_export_list_show(db: str):
    ref = save_example()
    assert ref == "INC-0001"

    ok("incidents", "note", ref, "cert-manager Certificate inventory-tls is not Ready")
    ok("incidents", "note", ref, "renew the certificate by hand", "--kind", "decision")
    ok("incidents", "note", ref, "alert 14 days before any certificate expires", "--kind", "action")
    ok("incidents", "feedback", ref, "--score", "5", "--hypothesis", "cert-expiry",
       "--comment", "spot on")  # fmt: skip
    ok("incidents", "status", ref, "mitigated", "--at", "2025-09-01T02:40:00Z")
    ok("incidents", "resolve", ref, "--category", "cert-expiry",
       "--culprit", "Certificate/shop/inventory-tls", "--at", "2025-09-01T03:10:00Z",
       "--summary", "The issuer secret was rotated so renewal failed; renewed by hand.")  # fmt: skip

    listed = json.loads(ok("incidents", "list", "--format", "json").stdout)
    assert len(listed) == 1
    row = listed[0]
    assert {"ref", "title", "status", "severity", "category", "started_at"} <= row.keys()
    assert (row["ref"], row["status"], row["category"]) == (ref, "resolved", "cert-expiry")
    assert row["severity"] == "critical"
    assert row["started_at"].startswith("2025-09-01T02:00:01")

    table = ok("incidents", "list").stdout.splitlines()
    assert table[0].split()[:5] == ["REF", "STATUS", "SEVERITY", "CATEGORY", "STARTED"]
    assert table[1].split()[:4] == [ref, "resolved", "critical", "cert-expiry"]

    draft = ok("incidents", "export", ref).stdout
    assert draft.startswith(f"# Post-incident review (draft): {ref} ")
    for heading in ("## Summary", "## Impact", "## Root cause and trigger", "## Detection",
                    "## Resolution", "## Action items", "## Timeline (UTC)",
                    "## Lessons learned (open questions)", "## Supporting evidence"):  # fmt: skip
        assert f"\n{heading}\n" in draft
    assert ("Confirmed root cause: **cert-expiry** (Certificate/shop/inventory-tls): "
            "The issuer secret was rotated") in draft  # fmt: skip
    assert "**Resolved** 2025-09-01 03:10:00Z (1h9m59s after onset)" in draft
    assert "- [ ] alert 14 days before any certificate expires" in draft
    assert "Detected by alert **SSLCertificateExpired** at 2025-09-01 02:03:00Z" in draft
    assert "(decision) renew the certificate by hand" in draft
    assert "2025-09-01 02:40:00Z (status) status open -> mitigated" in draft
    assert "x509: certificate has expired" in draft  # evidence quoted verbatim

    data = json.loads(ok("incidents", "export", ref, "--format", "json").stdout)
    assert (data["ref"], data["status"]) == (ref, "resolved")
    assert data["started_at"] == "2025-09-01T02:00:01.265000+00:00"
    assert data["detected_at"] == "2025-09-01T02:03:00+00:00"
    assert data["mitigated_at"] == "2025-09-01T02:40:00+00:00"
    assert data["resolved_at"] == "2025-09-01T03:10:00+00:00"
    assert data["time_to_detect"] == pytest.approx(178.735)
    assert data["time_to_mitigate"] == pytest.approx(2398.735)
    assert data["time_to_resolve"] == pytest.approx(4198.735)
    assert data["root_cause"]["confirmed"] is True
    assert data["action_items"] == ["alert 14 days before any certificate expires"]

    shown = ok("incidents", "show", ref).stdout
    assert shown.startswith(f"# {ref}: ")
    assert "**Status** resolved" in shown
    assert "[decision] renew the certificate by hand" in shown
    assert "- v1 score 5 on cert-expiry: spot on" in shown
    assert "mitigated -> resolved" in shown
    assert "## Similar past incidents" in shown
    assert "## Latest report (version 1)" in shown and "### Hypotheses" in shown

    detail = show_json(ref)
    assert detail["report"]["hypotheses"][0]["category"] == "cert-expiry"
    assert [n["kind"] for n in detail["notes"]] == ["note", "decision", "action"]
    assert detail["feedback"][0]["score"] == 5 and detail["similar"] == []
    assert detail["human_culprit"] == "Certificate/shop/inventory-tls"


def test_saved_manifest_lists_every_input_with_size_and_sha256(db: str):
    detail = show_json(save_example())
    manifest = detail["versions"][0]["manifest"]
    files = {f["name"]: f for f in manifest["files"]}
    alerts = EXAMPLE / "alerts.json"
    entry = files[str(alerts)]
    assert entry["size"] == alerts.stat().st_size
    assert entry["sha256"] == hashlib.sha256(alerts.read_bytes()).hexdigest()
    assert len(files) == manifest["stats"]["inputs"] == 16
    assert detail["versions"][0]["has_inputs"] is False


def test_stdin_is_hashed_kept_and_still_triaged(db: str):
    text = (EXAMPLE / "k8s-events.json").read_text()
    result = ok("triage", "-", "--llm", "none", "--keep-inputs", input=text)
    assert "saved INC-0001 (version 1)" in result.stderr
    assert "# Incident brief" in result.stdout
    detail = show_json("INC-0001")
    (entry,) = detail["versions"][0]["manifest"]["files"]
    assert entry["name"] == "<stdin>"
    assert entry["sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert detail["versions"][0]["has_inputs"] is True
    assert detail["report"]["stats"]["events"] > 0


def test_incident_option_adds_a_version_and_a_later_incident_recalls_it(db: str):
    first = save_example()
    again = ok("triage", str(EXAMPLE), "--llm", "none", "--incident", first)
    assert f"saved {first} (version 2)" in again.stderr
    ok("incidents", "note", first, "watch cert expiry", "--kind", "action")
    ok("incidents", "resolve", first, "--category", "cert-expiry", "--summary", "renewed the cert")

    second = ok("triage", str(EXAMPLE), "--llm", "none", "--save")
    assert "saved INC-0002 (version 1)" in second.stderr
    assert "similar past incidents:" in second.stderr
    similar = [ln for ln in second.stderr.splitlines() if ln.startswith("  INC-")]
    assert 1 <= len(similar) <= 3
    assert similar[0].startswith(f"  {first} (score ")
    assert similar[0].endswith("cert-expiry): renewed the cert")
    assert "    - watch cert expiry" in second.stderr

    recalled = show_json("INC-0002")["similar"][0]
    assert (recalled["ref"], recalled["resolved_summary"]) == (first, "renewed the cert")
    assert "renewed the cert" in ok("incidents", "export", "INC-0002").stdout
    assert len(show_json(first)["versions"]) == 2


def test_list_filters_by_status_and_since(db: str):
    ref = save_example()
    ok("incidents", "resolve", ref, "--category", "cert-expiry", "--summary", "x")
    save_example()

    def refs(*args: str) -> list[str]:
        return [r["ref"] for r in json.loads(ok("incidents", "list", "-f", "json", *args).stdout)]

    assert refs("--status", "open") == ["INC-0002"]
    assert refs("--status", "resolved") == [ref]
    assert sorted(refs("--since", "2025-09-01T00:00:00Z")) == ["INC-0001", "INC-0002"]
    assert refs("--since", "2025-09-02T00:00:00Z") == []


def test_db_option_wins_over_the_environment(db: str, tmp_path: Path):
    other = f"sqlite:///{tmp_path / 'other.db'}"
    save_example("--db", other)
    assert json.loads(ok("incidents", "list", "-f", "json").stdout) == []
    assert len(json.loads(ok("incidents", "list", "-f", "json", "--db", other).stdout)) == 1


BAD_INPUT = [
    (["incidents", "show", "INC-0099"], "unknown incident 'INC-0099'"),
    (["incidents", "note", "INC-0099", "hello"], "unknown incident 'INC-0099'"),
    (["incidents", "export", "INC-0099"], "unknown incident 'INC-0099'"),
    (["incidents", "feedback", "INC-0099", "--score", "3"], "unknown incident 'INC-0099'"),
    (["incidents", "status", "INC-0099", "closed"], "unknown incident 'INC-0099'"),
    (["incidents", "list", "--since", "last tuesday"], "--since: cannot read 'last tuesday'"),
    (["incidents", "list", "--status", "gone"], "--status: 'gone' is not one of open, mitigated"),
    (["incidents", "note", "INC-0001", "x", "--kind", "todo"], "--kind: 'todo' is not one of note"),
    (["incidents", "status", "INC-0001", "done"], "STATUS: 'done' is not one of open"),
    (["incidents", "resolve", "INC-0001", "--category", "gremlins", "--summary", "s"],
     "unknown root-cause category 'gremlins'"),
    (["incidents", "resolve", "INC-0001", "--category", "oom", "--culprit", "web",
      "--summary", "s"], "--culprit: 'web' is not KIND/NAMESPACE/NAME"),
    (["incidents", "resolve", "INC-0001", "--category", "oom", "--summary", "s", "--at", "soon"],
     "--at: cannot read 'soon'"),
    (["incidents", "feedback", "INC-0001", "--score", "9"], "--score: 9 is out of range"),
    (["db", "prune", "--older-than", "soon"], "--older-than: cannot read 'soon'"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_one_line_and_exit_code_2(db: str, args: list[str], message: str):
    result = run(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith(f"error: {message}")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("url", ["mysql://u@h/db", "nonsense://", "postgresql+psycopg2://u@h/x"])
def test_bad_database_url_is_one_line_and_exit_code_2(url: str):
    result = run("incidents", "list", "--db", url)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_triage_fails_before_reading_inputs_on_an_unknown_incident(db: str):
    result = run("triage", str(EXAMPLE), "--llm", "none", "--incident", "INC-0042")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "error: unknown incident 'INC-0042' (see `opslens incidents list`)\n"


def test_feedback_names_a_hypothesis_the_report_does_not_have(db: str):
    ref = save_example()
    result = run("incidents", "feedback", ref, "--score", "2", "--hypothesis", "7")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --hypothesis: {ref} (version 1) has 2 hypotheses")


def test_db_commands_export_import_prune(db: str, tmp_path: Path):
    ref = save_example()
    ok("incidents", "note", ref, "keep me")
    assert re.search(r"at revision \w+", ok("db", "current").stdout)
    assert re.search(r"at revision \w+", ok("db", "upgrade").stdout)

    dump = tmp_path / "backup.jsonl"
    ok("db", "export", str(dump))
    tables = {json.loads(line)["table"] for line in dump.read_text().splitlines()}
    assert {"incidents", "report_versions", "notes"} <= tables

    copy = f"sqlite:///{tmp_path / 'copy.db'}"
    ok("db", "import", str(dump), "--db", copy)
    assert [n["text"] for n in show_json(ref, "--db", copy)["notes"]] == ["keep me"]

    assert "pruned 0 report versions" in ok("db", "prune", "--older-than", "90d").stderr
    time.sleep(1.1)  # the version must be older than the shortest age prune accepts
    assert "pruned 1 report versions" in ok("db", "prune", "--older-than", "1s").stderr
    pruned = show_json(ref)
    assert pruned["report"] is None and [n["text"] for n in pruned["notes"]] == ["keep me"]
    assert "No report evidence stored (pruned or empty)." in ok("incidents", "export", ref).stdout


def readme_walkthrough() -> list[list[str]]:
    """The commands of the README's "Incidents and notes" example, as argument lists."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Incidents and notes", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0].replace("\\\n", " ")
    commands = [shlex.split(line, comments=True) for line in block.splitlines()]
    assert all(c[0] == "opslens" for c in commands)
    return [c[1:] for c in commands]


def test_readme_walkthrough_runs_as_written(db: str):
    commands = readme_walkthrough()
    assert [c[:2] for c in commands][:2] == [["triage", "examples/cert-expiry"],
                                            ["incidents", "note"]]  # fmt: skip
    outputs = [ok(*[str(REPO / a) if a.startswith("examples/") else a for a in c], "--llm", "none")
               if c[0] == "triage" else ok(*c) for c in commands]  # fmt: skip
    assert "saved INC-0001 (version 1)" in outputs[0].stderr
    assert "Confirmed root cause: **cert-expiry**" in outputs[-2].stdout
    assert json.loads(outputs[-1].stdout)["time_to_resolve"] == pytest.approx(2398.735)
