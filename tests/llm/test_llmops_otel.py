"""With an OTLP endpoint configured, `opslens triage` exports the OpenTelemetry GenAI metrics:
a local OTLP/HTTP receiver on 127.0.0.1 gets protobuf it decodes into exactly the calls made
(one failed attempt, one served)."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from llm_helpers import TEST_CONFIG
from servers import FakeOllama, ScriptedServer, pieces
from test_llmops_metrics import scripted_answer

from opslens.llmops.datasets import builtin_dir

metrics_service_pb2 = pytest.importorskip(
    "opentelemetry.proto.collector.metrics.v1.metrics_service_pb2")
pytestmark = pytest.mark.usefixtures("guard")


class Receiver:
    """An OTLP/HTTP metrics receiver: keeps every decoded ExportMetricsServiceRequest."""

    def __init__(self) -> None:
        self.requests: list = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                assert self.path == "/v1/metrics"
                assert self.headers["Content-Type"] == "application/x-protobuf"
                receiver.requests.append(
                    metrics_service_pb2.ExportMetricsServiceRequest.FromString(body))
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def points(self, name: str) -> list:
        return [p for r in self.requests for rm in r.resource_metrics for sm in rm.scope_metrics
                for m in sm.metrics if m.name == name for p in m.histogram.data_points]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.httpd.shutdown()


def _attrs(point) -> dict[str, str]:  # noqa: ANN001
    return {kv.key: kv.value.string_value for kv in point.attributes}


def test_triage_exports_genai_token_usage_and_duration(
    receiver: Receiver, ollama: FakeOllama, server: ScriptedServer, tmp_path: Path
) -> None:
    ollama.default_answer = scripted_answer()
    config = tmp_path / "c.toml"
    config.write_text(TEST_CONFIG.replace(
        "[llm]", '[llm]\nroutes = { summarize = ["missing:1b", "qwen2.5:3b"] }'))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPSLENS_", "OTEL_"))}
    env.update(OPSLENS_CONFIG=str(config), XDG_DATA_HOME=str(tmp_path / "data"),
               OLLAMA_HOST=f"127.0.0.1:{server.port}",
               OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{receiver.httpd.server_port}")
    done = subprocess.run([sys.executable, "-m", "opslens", "triage", str(builtin_dir() / "oom-ledger"),
                           "--llm", "ollama", "--format", "json"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    tokens = receiver.points("gen_ai.client.token.usage")
    by_type = {_attrs(p)["gen_ai.token.type"]: p for p in tokens}
    assert set(by_type) == {"input", "output"}
    assert (by_type["input"].count, by_type["input"].sum) == (1, 1873)
    assert (by_type["output"].count, by_type["output"].sum) == (1, len(pieces(scripted_answer())))
    assert _attrs(by_type["input"]) == {
        "gen_ai.operation.name": "chat", "gen_ai.provider.name": "ollama",
        "gen_ai.request.model": "qwen2.5:3b", "gen_ai.token.type": "input"}
    durations = {_attrs(p)["gen_ai.request.model"]: p for p in receiver.points("gen_ai.client.operation.duration")}
    assert durations["qwen2.5:3b"].count == 1 and "error.type" not in _attrs(durations["qwen2.5:3b"])
    assert _attrs(durations["missing:1b"])["error.type"] == "model_not_found"
    assert list(durations["qwen2.5:3b"].explicit_bounds)[:3] == [0.01, 0.02, 0.04]
