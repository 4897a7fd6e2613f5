"""`opslens serve`: the model calls its triage worker (a process of its own) makes reach the
server's /metrics, and the eval pass rate of the latest saved run is exposed. The real
command, a real SQLite file, the fake Ollama on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from llm_helpers import TEST_CONFIG
from prometheus_client.parser import text_string_to_metric_families
from servers import FakeOllama, ScriptedServer
from test_llmops_metrics import scripted_answer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from server_helpers import TOKEN, alertmanager_payload, closed_port, wait_for  # noqa: E402

pytestmark = pytest.mark.usefixtures("guard")


def _sample(text: str, name: str, **labels: str) -> float | None:
    """A sample's value in an exposition (label order differs between process modes)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return None


def test_worker_model_calls_and_the_pass_rate_reach_metrics(
    tmp_path: Path, ollama: FakeOllama, server: ScriptedServer
) -> None:
    ollama.default_answer = scripted_answer()
    db = tmp_path / "served.db"
    config = tmp_path / "config.toml"
    config.write_text(TEST_CONFIG.replace("[llm]", '[llm]\nmodel = "qwen2.5:3b"'))
    from opslens.store import open_store
    from opslens.store.llmops import save_eval_run

    with open_store(f"sqlite:///{db}") as store:
        save_eval_run(store, dataset="builtin", provider="ollama", model="qwen2.5:3b",
                      prompt_version="v1", pass_rate=0.5, totals={}, cases=[])
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OPSLENS_", "PROMETHEUS_MULTIPROC"))}
    env.update(OPSLENS_DATABASE_URL=f"sqlite:///{db}", OPSLENS_API_TOKEN=TOKEN,
               OPSLENS_CONFIG=str(config), XDG_DATA_HOME=str(tmp_path / "data"),
               OLLAMA_HOST=f"127.0.0.1:{server.port}")
    port = closed_port()
    served = subprocess.Popen(
        [sys.executable, "-m", "opslens", "serve", "--port", str(port), "--llm", "ollama"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base, auth = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {TOKEN}"}
    try:
        wait_for(lambda: httpx.get(base + "/readyz").status_code == 200, "the server")
        posted = httpx.post(base + "/api/v1/alerts/alertmanager", headers=auth,
                            json=alertmanager_payload(fingerprints=("f1",)))
        assert posted.status_code == 202, posted.text
        wait_for(lambda: httpx.get(base + "/api/v1/jobs/1", headers=auth).json().get("status") == "done",
              "the triage job")
        text = httpx.get(base + "/metrics").text
    finally:
        served.terminate()
        served.wait(timeout=30)
    model = {"provider": "ollama", "model": "qwen2.5:3b"}
    assert _sample(text, "opslens_llm_requests_total", **model, prompt="triage_summary",
                   prompt_version="v1", outcome="ok") == 1.0, text
    assert _sample(text, "opslens_tokens_in_total", **model) == 1873.0
    assert _sample(text, "opslens_model_latency_seconds_count", **model) == 1.0
    assert _sample(text, "opslens_eval_pass_rate", dataset="builtin", model="qwen2.5:3b",
                   prompt_version="v1") == 0.5
    assert len(ollama.server.hits("/api/chat")) == 1
