"""`opslens runbooks index` and `opslens runbooks search`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import opslens.cli.commands.runbooks  # noqa: F401  (registers the command)
from opslens import config
from opslens.cli.app import app
from opslens.errors import InputError

runner = CliRunner()

CRASH = {
    "status": "firing",
    "labels": {"namespace": "shop", "pod": "cart-7d9", "severity": "warning"},
    "annotations": {
        "summary": "Pod is crash looping.",
        "description": 'Pod shop/cart-7d9 (cart) is in waiting state (reason: "CrashLoopBackOff").',
    },
}
UNRELATED = {"labels": {}, "annotations": {"summary": "Quarterly marketing offsite agenda."}}


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No user config or data: XDG dirs point into the test's temporary directory."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for var in ("OPSLENS_CONFIG", "OPSLENS_RUNBOOKS_DB", "OPSLENS_RUNBOOKS_EMBEDDINGS"):
        monkeypatch.delenv(var, raising=False)
    config.load.cache_clear()
    yield
    config.load.cache_clear()


@pytest.fixture
def indexed(corpus: Path, tmp_path: Path) -> Path:
    result = runner.invoke(app, ["runbooks", "index", str(corpus)])
    assert result.exit_code == 0, result.output
    return tmp_path / "data" / "opslens" / "runbooks.sqlite"


def test_index_reports_what_it_did_and_is_incremental(corpus, indexed):
    assert indexed.is_file()
    again = runner.invoke(app, ["runbooks", "index", str(corpus)])
    assert again.exit_code == 0
    assert "0 added, 0 updated, 0 removed, 12 unchanged" in again.stdout


def test_search_text_as_json(indexed):
    result = runner.invoke(app, ["runbooks", "search", "pod crash looping", "-k", "3",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["results"]) == 3
    top = data["results"][0]
    assert (top["path"], top["section"]) == ("kubernetes/pod-crash-looping.md", "Meaning")
    assert 0 < top["score"] <= 1 and data["threshold"] == 0.2 and data["abstained"] is False
    assert top["excerpt"].startswith("A container keeps exiting")


def test_search_text_output_lists_ranked_paths(indexed):
    result = runner.invoke(app, ["runbooks", "search", "pod crash looping", "-k", "2"])
    lines = [ln for ln in result.stdout.splitlines() if ln[:1].isdigit()]
    assert len(lines) == 2
    assert lines[0].startswith("1. kubernetes/pod-crash-looping.md:")


@pytest.mark.parametrize(
    "document",
    [CRASH, {"version": "4", "status": "firing", "alerts": [CRASH], "commonLabels": {},
             "commonAnnotations": {}}, [CRASH]],
    ids=["alert", "webhook-payload", "api-list"],
)
def test_search_alert_file(indexed, tmp_path, document):
    path = tmp_path / "alert.json"
    path.write_text(json.dumps(document))
    result = runner.invoke(app, ["runbooks", "search", "--alert", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"][0]["path"] == "kubernetes/pod-crash-looping.md"


def test_alerts_jsonl_answers_each_row_in_order(indexed, tmp_path):
    rows = [{"id": "r1", "alert": CRASH}, {"id": "r2", "alert": UNRELATED}, {"alert": CRASH}]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    result = runner.invoke(app, ["runbooks", "search", "--alerts-jsonl", str(path), "-k", "3"])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["r1", "r2", None]
    assert [len(o["results"]) for o in out] == [3, 0, 3]
    assert set(out[0]["results"][0]) == {"path", "section", "score"}
    assert out[1]["abstained"] and out[1]["best_score"] < out[1]["threshold"]


def test_dir_option_refreshes_and_scopes_the_search(corpus, tmp_path):
    db = tmp_path / "scoped.sqlite"
    result = runner.invoke(app, ["runbooks", "search", "kafka consumer lag", "--dir", str(corpus),
                                 "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"][0]["path"] == "streaming/kafka-consumer-lag.txt"


def test_config_dirs_are_refreshed_before_searching(corpus, tmp_path):
    (tmp_path / "config" / "opslens").mkdir(parents=True)
    (tmp_path / "config" / "opslens" / "config.toml").write_text(
        f'[runbooks]\ndirs = ["{corpus}"]\nthreshold = 0.9\n'
    )
    config.load.cache_clear()
    result = runner.invoke(app, ["runbooks", "search", "pod crash looping", "--format", "json"])
    data = json.loads(result.stdout)
    assert data["threshold"] == 0.9 and data["best_score"] > 0


def test_abstention_in_text_mode_says_why(indexed):
    result = runner.invoke(app, ["runbooks", "search", "quarterly marketing offsite agenda"])
    assert result.exit_code == 0 and result.stdout == ""
    assert "no runbook matches well enough" in result.stderr


def test_nothing_indexed_is_an_actionable_error():
    result = runner.invoke(app, ["runbooks", "search", "anything"])
    assert result.exit_code == 2
    assert "run `opslens runbooks index DIR`" in result.stderr


def test_exactly_one_query_source_is_required(indexed, tmp_path):
    assert runner.invoke(app, ["runbooks", "search"]).exit_code == 2
    path = tmp_path / "a.json"
    path.write_text(json.dumps(CRASH))
    both = runner.invoke(app, ["runbooks", "search", "text", "--alert", str(path)])
    assert both.exit_code == 2 and "exactly one" in both.stderr


def test_bad_jsonl_row_names_file_and_line(indexed, tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"alert": CRASH}) + "\n{oops\n")
    result = runner.invoke(app, ["runbooks", "search", "--alerts-jsonl", str(path)])
    assert isinstance(result.exception, InputError)
    assert (result.exception.path, result.exception.line) == (str(path), 2)


def test_bad_alert_file_is_a_one_line_error(tmp_path, corpus):
    path = tmp_path / "alert.json"
    path.write_text('{"not": "an alert"}')
    opslens = Path(sys.executable).with_name("opslens")
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "PATH": "/usr/bin:/bin"}
    subprocess.run([str(opslens), "runbooks", "index", str(corpus)], env=env, check=True,
                   capture_output=True, timeout=60)
    done = subprocess.run([str(opslens), "runbooks", "search", "--alert", str(path)], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: {path}: expected an Alertmanager alert (labels/annotations) or a webhook payload"
    ]


def test_index_without_folders_uses_config_or_says_what_to_do(corpus, tmp_path):
    missing = runner.invoke(app, ["runbooks", "index"])
    assert missing.exit_code == 2 and "opslens runbooks index DIR" in missing.stderr
    (tmp_path / "config" / "opslens").mkdir(parents=True)
    (tmp_path / "config" / "opslens" / "config.toml").write_text(
        f'[runbooks]\ndirs = ["{corpus}"]\n'
    )
    config.load.cache_clear()
    result = runner.invoke(app, ["runbooks", "index"])
    assert result.exit_code == 0 and "12 added" in result.stdout
