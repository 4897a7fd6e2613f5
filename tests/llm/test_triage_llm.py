"""Acceptance: `opslens triage DIR --llm ...` end to end, with a protocol-faithful model server.

Runs the real console script in a subprocess (as a user would) on a small incident written
for these tests: Kubernetes events and an application log containing an injection attempt.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from servers import FakeOllama, FakeOpenAI, Recorded, ScriptedServer, prompt_text

INCIDENT = Path(__file__).with_name("fixtures") / "incident"
OPSLENS = Path(sys.executable).with_name("opslens")


pytestmark = [pytest.mark.usefixtures("guard")]


def model_reply(request: Recorded) -> str:
    """What a misbehaving model says: real citations, an invented one, a destructive command."""
    ids = re.findall(r"^(E\d+) \| ", prompt_text(request), re.MULTILINE)
    cited = ids[:2] or ["E1"]
    return json.dumps(
        {
            "summary": f"payments-api ran out of heap and was OOMKilled [{cited[0]}][E999].",
            "hypotheses": [
                {
                    "ref": "H1",
                    "title": "heap limit too small",
                    "commentary": f"OOM errors [{', '.join(cited)}].",
                    "root_cause": False,
                    "evidence": cited,
                }
            ],
            "checks": [
                {
                    "command": "kubectl delete pod x",
                    "purpose": "restart the pod",
                    "hypothesis": "H1",
                    "evidence": ["E999"],
                },
                {
                    "command": "kubectl get events -n payments",
                    "purpose": "see recent events",
                    "hypothesis": "H1",
                    "evidence": cited[:1],
                },
            ],
            "open_questions": ["What changed in the cache configuration?"],
        }
    )


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OLLAMA_HOST", "OPENAI_BASE_URL", "OPENAI_API_KEY")
    }
    full.update(env)
    cmd = [str(OPSLENS), "triage", str(INCIDENT), "--format", "json", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=full, timeout=120, check=False)


def assert_grounded(report: dict) -> None:
    known = {e["id"] for e in report["evidence"]}
    llm = report["llm"]
    assert llm is not None
    llm_text = json.dumps({k: v for k, v in llm.items() if k != "verification"})
    assert set(re.findall(r"\bE\d+\b", llm_text)) <= known
    assert all(c["safety"] == "read_only" for c in report["commands"])
    assert any(a.startswith("kubectl delete pod x") for a in report["avoid"])
    assert (
        llm["verification"]["dropped_citations"] >= 2
        and "E999" in llm["verification"]["dropped_ids"]
    )
    assert llm["prompt"]["name"] == "triage_summary" and len(llm["prompt"]["sha256"]) == 64


def test_triage_with_ollama(server: ScriptedServer, isolated_config: Path) -> None:
    fake = FakeOllama(server)
    fake.default_answer = model_reply
    done = run(
        {"OLLAMA_HOST": f"127.0.0.1:{server.port}", "OPSLENS_CONFIG": str(isolated_config)},
        "--llm",
        "ollama",
        "--model",
        "qwen2.5:3b",
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert_grounded(report)
    assert (report["llm"]["provider"], report["llm"]["model"]) == ("ollama", "qwen2.5:3b")
    assert report["llm"]["tokens_in"] == 1873 and report["llm"]["cost_usd"] == 0.0


def test_triage_with_openai_compatible_server(
    server: ScriptedServer, isolated_config: Path
) -> None:
    fake = FakeOpenAI(server)
    fake.default_answer = model_reply
    done = run(
        {"OPENAI_BASE_URL": f"{server.url}/v1", "OPSLENS_CONFIG": str(isolated_config)},
        "--llm",
        "openai",
        "--model",
        "qwen2.5:3b",
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert_grounded(report)
    assert report["llm"]["provider"] == "openai"


def test_triage_auto_with_nothing_listening_says_so_once(isolated_config: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"OLLAMA_HOST": f"127.0.0.1:{port}", "OPSLENS_CONFIG": str(isolated_config)}
    done = run(env, "--llm", "auto")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["llm"] is None
    assert done.stderr.count("no model") == 1
    assert f"Ollama not reachable at 127.0.0.1:{port}" in done.stderr
    baseline = run(env, "--llm", "none")
    strip = lambda text: re.sub(r'"(generated_at|seconds)": [^,\n]+', "", text)  # noqa: E731
    assert strip(done.stdout) == strip(baseline.stdout)  # exactly the deterministic report
