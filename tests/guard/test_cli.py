"""`opslens guard classify` and `opslens guard redact`, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(
    args: list[str], stdin: str = "", tmp_path: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path or "/nonexistent"), "NO_COLOR": "1"}
    env.pop("OPSLENS_CONFIG", None)
    code = "from opslens.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_classify_prints_cmd_label_reason_part(tmp_path: Path) -> None:
    result = run(
        ["guard", "classify", "kubectl get pods && kubectl -n x delete pod y"], tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)
    assert row == {
        "cmd": "kubectl get pods && kubectl -n x delete pod y",
        "label": "destructive",
        "reason": row["reason"],
        "part": "kubectl -n x delete pod y",
    }
    assert row["reason"]


def test_classify_jsonl_keeps_order_and_adds_label(tmp_path: Path) -> None:
    source = tmp_path / "cmds.jsonl"
    rows = [
        {"cmd": "ls -la", "id": 1},
        {"cmd": "rm -rf /", "id": 2},
        {"cmd": "helm get values x", "id": 3},
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = run(["guard", "classify", "--jsonl", str(source)], tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out == [
        {**rows[0], "label": "read_only"},
        {**rows[1], "label": "destructive"},
        {**rows[2], "label": "sensitive_read"},
    ]


def test_classify_jsonl_bad_row_is_a_one_line_error(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"cmd": "ls"}\n{"command": "ls"}\n', encoding="utf-8")
    result = run(["guard", "classify", "--jsonl", str(source)], tmp_path=tmp_path)
    assert result.returncode != 0
    assert f"{source}:2" in result.stderr
    assert "Traceback" not in result.stderr


def test_redact_file_line_for_line(tmp_path: Path) -> None:
    source = tmp_path / "app.log"
    lines = [
        "start ok\n",
        "db password=hunter22 host=db.internal\n",
        "token ghp_abcdefghijklmnopqrstuvwxyz0123456789 reused ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
        "done\n",
    ]
    source.write_text("".join(lines), encoding="utf-8")
    result = run(["guard", "redact", str(source)], tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert len(out) == len(lines)
    assert out[0] == "start ok" and out[3] == "done"
    assert out[1] == "db password=[REDACTED:password#1] host=db.internal"
    assert out[2] == "token [REDACTED:github-token#1] reused [REDACTED:github-token#1]"
    assert "github-token=1" in result.stderr and "password=1" in result.stderr


def test_redact_stdin(tmp_path: Path) -> None:
    result = run(
        ["guard", "redact", "-", "--quiet"], stdin="AKIAIOSFODNN7REALKEY\n", tmp_path=tmp_path
    )
    assert result.stdout == "[REDACTED:aws-access-key-id#1]\n"
    assert result.stderr == ""


def test_redact_jsonl_adds_redacted_and_keeps_multiline_values(tmp_path: Path) -> None:
    source = tmp_path / "rows.jsonl"
    pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQ\n-----END PRIVATE KEY-----"
    rows = [
        {"id": "a", "line": "ok"},
        {"id": "b", "line": pem},
        {"id": "c", "line": "pwd=Secr3t!x"},
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = run(["guard", "redact", "--jsonl", str(source)], tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in out] == ["a", "b", "c"]
    assert out[0]["redacted"] == "ok"
    assert "MIIEvQ" not in out[1]["redacted"] and out[1]["redacted"].count("\n") == 3
    assert out[2]["redacted"] == "pwd=[REDACTED:password#1]"


def test_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = run(["guard", "redact", str(tmp_path / "nope.log")], tmp_path=tmp_path)
    assert result.returncode == 2
    assert "nope.log" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args", [["guard", "classify"], ["guard", "classify", "ls", "--jsonl", "x"]]
)
def test_classify_needs_exactly_one_input(tmp_path: Path, args: list[str]) -> None:
    result = run(args, tmp_path=tmp_path)
    assert result.returncode != 0
