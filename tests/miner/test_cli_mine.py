"""`opslens mine FILE [--log-format FMT] [--per-line OUT] [--top N] [--format markdown|json]`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import opslens.cli.commands.mine  # noqa: F401  (registers the command)
from opslens.analysis.mining import template_id
from opslens.cli.app import app

runner = CliRunner()

APP_LOG = [
    "2024-03-14T09:53:20.001Z INFO  worker 1 started",
    "2024-03-14T09:53:21.002Z ERROR connection to 10.0.0.7:5432 timed out after 3000 ms",
    "2024-03-14T09:53:22.003Z INFO  worker 2 started",
    "2024-03-14T09:53:23.004Z ERROR connection to 10.0.0.8:5432 timed out after 2950 ms",
    "2024-03-14T09:53:24.005Z INFO  worker 3 started",
    "2024-03-14T09:53:25.006Z WARN  queue depth 120 above 100",
]

SSH_LOG = [
    "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
    "Dec 10 06:55:48 LabSZ sshd[24200]: Connection closed by 173.234.31.186 [preauth]",
    "Dec 10 07:02:47 LabSZ sshd[24203]: Invalid user test9 from 52.80.34.196",
]
SSH_FORMAT = r"<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>"


@pytest.fixture
def app_log(tmp_path: Path) -> Path:
    path = tmp_path / "app.log"
    path.write_text("\n".join(APP_LOG) + "\n")
    return path


def test_markdown_lists_templates_with_counts_and_times(app_log: Path) -> None:
    result = runner.invoke(app, ["mine", str(app_log)])
    assert result.exit_code == 0, result.output
    assert "# Templates: 3 from 6 lines" in result.output
    assert "| 1 | 3 | 2024-03-14T09:53:20.001Z | 2024-03-14T09:53:24.005Z | `worker <*> started` |" in result.output
    assert "`connection to <*>:<*> timed out after <*> ms`" in result.output


def test_top_limits_the_list(app_log: Path) -> None:
    result = runner.invoke(app, ["mine", str(app_log), "--top", "1"])
    assert result.exit_code == 0, result.output
    assert "worker <*> started" in result.output
    assert "timed out" not in result.output
    assert "(2 more; use --top 0 for all)" in result.output


def test_json_output(app_log: Path) -> None:
    result = runner.invoke(app, ["mine", str(app_log), "--format", "json", "--top", "0"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["lines"] == 6 and doc["templates_total"] == 3
    first = doc["templates"][0]
    assert first["template"] == "worker <*> started"
    assert first["id"] == template_id("worker <*> started")
    assert first["count"] == 3
    assert first["examples"][0] == {"origin": f"{app_log}:1", "text": "worker 1 started"}
    assert first["params"] == [["1", "2", "3"]]


def test_per_line_rows_are_in_input_order(app_log: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    result = runner.invoke(app, ["mine", str(app_log), "--per-line", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert all(set(r) == {"line", "template_id", "template"} for r in rows)
    assert [r["template"] for r in rows][:2] == ["worker <*> started", "connection to <*>:<*> timed out after <*> ms"]
    assert all(r["template_id"] == template_id(r["template"]) for r in rows)


def test_log_format_mines_only_the_content(tmp_path: Path) -> None:
    log = tmp_path / "auth.log"
    log.write_text("\r\n".join(SSH_LOG))  # CRLF and no final newline, as in Loghub
    out = tmp_path / "rows.jsonl"
    result = runner.invoke(app, ["mine", str(log), "--log-format", SSH_FORMAT, "--per-line", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["template"] for r in rows] == [
        "Invalid user webmaster from <*>",
        "Connection closed by <*> [preauth]",
        "Invalid user test9 from <*>",
    ]


def test_stdin(app_log: Path) -> None:
    result = runner.invoke(app, ["mine", "-", "--top", "0"], input=app_log.read_text())
    assert result.exit_code == 0, result.output
    assert "# Templates: 3 from 6 lines" in result.output


def _opslens(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from opslens.cli import main; sys.argv = ['opslens', *sys.argv[1:]]; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)


def test_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    proc = _opslens("mine", str(tmp_path / "nope.log"))
    assert proc.returncode == 2
    assert "nope.log: no such file" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_bad_log_format_is_a_one_line_error(app_log: Path) -> None:
    proc = _opslens("mine", str(app_log), "--log-format", "<Date> <Level>")
    assert proc.returncode == 2
    assert "--log-format" in proc.stderr and "<Content>" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_lines_that_do_not_fit_the_format_are_reported(app_log: Path) -> None:
    proc = _opslens("mine", str(app_log), "--log-format", "<Date> <Level> worker <Content>")
    assert proc.returncode == 0, proc.stderr
    assert "3 of 6 lines do not fit --log-format (first: line 2)" in proc.stderr
