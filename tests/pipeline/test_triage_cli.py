"""`opslens triage` end to end, as a real process: formats, bad input, schema, exit codes."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import jsonschema
import pytest

from opslens.analysis.excerpt import verbatim_pieces
from tests.pipeline.bundle_files import write_every_format

OPSLENS = [sys.executable, "-m", "opslens"]


def run(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run([*OPSLENS, *args], input=stdin.decode() if stdin is not None else None,
                          capture_output=True, text=True, env=full_env, timeout=300)


@pytest.fixture(scope="module")
def schema() -> dict:
    proc = run("schema", "report")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _inputs_text(root: Path) -> str:
    chunks = []
    for p in sorted(root.rglob("*")):
        if p.is_file():
            data = p.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            chunks.append(data.decode("utf-8", errors="replace"))
    return "\n".join(chunks)


def _check_report(report: dict, schema: dict, inputs: str) -> None:
    jsonschema.validate(report, schema)
    for e in report["evidence"]:
        if "[REDACTED:" not in e["text"]:  # secrets are replaced before anything is written out
            for piece in verbatim_pieces(e["text"]):
                assert piece in inputs, f"evidence {e['id']} is not verbatim: {piece!r} of {e['text']!r}"
    times = [t["ts"] for t in report["timeline"]]
    assert times == sorted(times)
    ids = {e["id"] for e in report["evidence"]}
    for h in report["hypotheses"]:
        assert set(h["evidence"]) <= ids
    for t in report["timeline"]:
        assert set(t["evidence"]) <= ids


def test_every_format_plus_bad_files_is_triaged_and_bad_ones_are_listed(tmp_path: Path, schema: dict) -> None:
    root = tmp_path / "bundle"
    good = write_every_format(root)
    (root / "core.bin").write_bytes(bytes(range(256)) * 8)
    (root / "truncated-events.json").write_text('{"apiVersion": "v1", "kind": "List", "items": [{"kind": "Event", "reason": "BackOff", "mess')
    (root / "latin1.log").write_bytes(bytes(range(0x80, 0x100)) * 40)
    (root / "empty.log").write_bytes(b"")
    proc = run("triage", str(root), "--format", "json", "--llm", "none")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    _check_report(report, schema, _inputs_text(root))
    skipped = {Path(s["source"].split(":")[0]).name: s["reason"] for s in report["stats"]["skipped"]}
    for bad in ("core.bin", "truncated-events.json", "latin1.log", "empty.log"):
        assert bad in skipped, (bad, skipped)
    # one warning line on stderr per problem, naming the file; never a traceback
    assert "Traceback" not in proc.stderr
    for bad in ("core.bin", "latin1.log", "empty.log"):
        assert any(bad in line for line in proc.stderr.splitlines())
    readers = report["stats"]["readers"]
    for reader in good.values():
        assert readers.get(reader, 0) > 0, (reader, readers)
    assert report["stats"]["inputs"] >= len(good)


def test_shared_format_samples_with_bad_files_exit_zero(tmp_path: Path, schema: dict, shared_data: Path) -> None:
    root = tmp_path / "formats"
    shutil.copytree(shared_data / "formats", root)
    (root / "blob.bin").write_bytes(os.urandom(4096) + b"\x00")
    (root / "cut.json").write_text((shared_data / "formats" / "k8s-events-corev1.json").read_text()[:700])
    (root / "bad-utf8.log").write_bytes(b"\xff\xfe\xfa" * 500)
    proc = run("triage", str(root), "--format", "json", "--llm", "none")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    _check_report(report, schema, _inputs_text(root))
    skipped = " ".join(s["source"] for s in report["stats"]["skipped"])
    for bad in ("blob.bin", "cut.json", "bad-utf8.log"):
        assert bad in skipped
    assert report["stats"]["readers"].get("k8s-events", 0) > 0
    assert report["stats"]["readers"].get("prometheus", 0) > 0


@pytest.mark.parametrize("scenario", ["inc-1fed3c4b", "inc-f6e2128a"])
def test_dev_scenarios_validate_and_quote_verbatim(scenario: str, schema: dict, shared_data: Path) -> None:
    path = shared_data / "scenarios-dev" / scenario
    proc = run("triage", str(path), "--format", "json", "--llm", "none")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    _check_report(report, schema, _inputs_text(path))
    assert report["hypotheses"] and report["commands"]
    assert all(c["safety"] == "read_only" for c in report["commands"])


def test_archives_and_stdin_are_inputs(tmp_path: Path) -> None:
    root = tmp_path / "src"
    write_every_format(root)
    archive = tmp_path / "bundle.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname="support-bundle")
    proc = run("triage", str(archive), "--format", "json", "--llm", "none")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["stats"]["inputs"] >= 5
    assert all("bundle.tgz!support-bundle/" in e["source"] for e in report["evidence"])

    line = b'2025-03-14T10:00:00Z ERROR payment failed: upstream timed out\n' * 3
    proc = run("triage", "-", "--format", "json", "--llm", "none", stdin=line)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["stats"]["events"] == 3


def test_nothing_usable_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.bin").write_bytes(b"\x00\x01\x02" * 100)
    proc = run("triage", str(tmp_path), "--llm", "none")
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "no usable input" in errors[0]
    proc = run("triage", str(tmp_path / "missing"), "--llm", "none")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_since_until_and_output_file(tmp_path: Path) -> None:
    root = tmp_path / "b"
    root.mkdir()
    (root / "app.log").write_text("".join(f"2025-03-14T10:{m:02d}:00Z ERROR boom {m}\n" for m in range(30)))
    out = tmp_path / "r.json"
    proc = run("triage", str(root), "--format", "json", "--llm", "none", "--since", "2025-03-14T10:10:00Z",
               "--until", "2025-03-14T10:19:59Z", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    report = json.loads(out.read_text())
    assert report["stats"]["filtered"] == 20
    assert report["window"]["start"].startswith("2025-03-14T10:10:00")
    assert report["window"]["end"].startswith("2025-03-14T10:19:00")


def test_naive_times_use_tz(tmp_path: Path) -> None:
    (tmp_path / "app.log").write_text("2025-03-14 10:00:00,000 - app - ERROR - boom\n")
    proc = run("triage", str(tmp_path), "--format", "json", "--llm", "none", "--tz", "Europe/Berlin")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["window"]["start"].startswith("2025-03-14T09:00:00")
    bad = run("triage", str(tmp_path), "--tz", "Mars/Olympus")
    assert bad.returncode == 2 and "unknown time zone" in bad.stderr


def test_markdown_is_the_default_and_fits_the_terminal(tmp_path: Path) -> None:
    write_every_format(tmp_path)
    proc = run("triage", str(tmp_path), "--llm", "none")
    assert proc.returncode == 0
    assert proc.stdout.startswith("# Incident brief")
    assert max(len(line) for line in proc.stdout.splitlines()) <= 120
    assert "\x1b[" not in proc.stdout


def test_gzip_single_file(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as gz:
        gz.write(b"2025-03-14T10:00:00Z WARN disk almost full\n")
    (tmp_path / "app.log.gz").write_bytes(buf.getvalue())
    proc = run("triage", str(tmp_path / "app.log.gz"), "--format", "json", "--llm", "none")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["stats"]["events"] == 1


def test_status_update_is_short_and_names_impact_hypothesis_and_next_step() -> None:
    bundle = Path(__file__).resolve().parents[2] / "examples" / "cert-expiry"
    proc = run("triage", str(bundle), "--status-update", "--llm", "none")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.strip()
    assert text.startswith("Impact:") and "Current hypothesis" in text and "Next step" in text
    assert "cert" in text.lower() and len(text) < 700
    assert "\n#" not in text  # not the full report
