"""The LLMOps metrics after a scripted sequence of model calls against the fake servers:
every count, token sum and histogram count is exact."""

from __future__ import annotations

import json

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from servers import FakeOllama, FakeOpenAI, Reply, ScriptedServer, ollama_lines, pieces

from opslens.llm import apply_llm
from opslens.llm.prompts import load_prompt
from opslens.llmops.metrics import LLMMetrics
from opslens.report.models import Report

pytestmark = pytest.mark.usefixtures("guard")

PROMPT = load_prompt("triage_summary")
MODEL = "qwen2.5:3b"


def scripted_answer(*, bad_citation: bool = False, unsafe: bool = False) -> str:
    """A valid answer citing E1 and E4 in the summary and E1, E3 in a hypothesis; optionally
    one citation of an id that does not exist and one command that is not read-only."""
    checks = [{"command": "kubectl describe pod payments-api-7c9d6b8f5-2xkqp -n payments",
               "purpose": "limits", "hypothesis": "H1", "evidence": ["E1"]}]
    if unsafe:
        checks.append({"command": "kubectl delete pod payments-api-7c9d6b8f5-2xkqp -n payments",
                       "purpose": "restart it", "hypothesis": "H1", "evidence": ["E1"]})
    summary = "payments-api was OOMKilled [E1] at its 512Mi limit [E4]."
    if bad_citation:
        summary += " The node was also short of disk [E99]."
    return json.dumps({
        "summary": summary,
        "hypotheses": [{"ref": "H1", "title": "heap limit too small", "commentary": "OOM [E3].",
                        "root_cause": False, "evidence": ["E1", "E3"]}],
        "checks": checks,
        "open_questions": [],
    })


def value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    got = registry.get_sample_value(name, labels)
    return 0.0 if got is None else got


def test_a_scripted_sequence_gives_exact_metric_values(
    report: Report, ollama: FakeOllama, server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", f"{server.url}/v1")
    openai = FakeOpenAI(server)
    registry = CollectorRegistry()
    metrics = LLMMetrics(registry)
    plain, dropped_cite, unsafe = (
        scripted_answer(), scripted_answer(bad_citation=True), scripted_answer(unsafe=True)
    )
    # 1: Ollama serves an answer with a citation of a non-existent id, fast.
    ollama.answers.append(dropped_cite)
    # 2: Ollama serves a plain answer after a 0.6 s wait for the first token.
    ollama.answers.append(Reply(chunks=ollama_lines(plain, MODEL, prompt_eval_count=900),
                                content_type="application/x-ndjson", first_chunk_delay=0.6))
    # 3: Ollama has no such model: a model_not_found failure.
    # 4: the OpenAI-compatible server serves an answer with a command that is not read-only.
    openai.answers.append(unsafe)
    # 5: the OpenAI-compatible server refuses the key: an auth failure.
    for llm, model in (("ollama", MODEL), ("ollama", MODEL), ("ollama", "missing:1b"),
                       ("openai", MODEL)):
        out, notice = apply_llm(report, llm=llm, model=model, observer=metrics)
        assert (notice is None) == (model != "missing:1b"), notice
    openai.api_key = "sk-right"
    _, notice = apply_llm(report, llm="openai", model=MODEL, observer=metrics)
    assert notice is not None and "API key" in notice

    ollama_m = {"provider": "ollama", "model": MODEL}
    openai_m = {"provider": "openai", "model": MODEL}
    prompt = {"prompt": PROMPT.name, "prompt_version": PROMPT.version}
    requests = "opslens_llm_requests_total"
    assert value(registry, requests, **ollama_m, **prompt, outcome="ok") == 2
    assert value(registry, requests, provider="ollama", model="missing:1b", **prompt,
                 outcome="model_not_found") == 1
    assert value(registry, requests, **openai_m, **prompt, outcome="ok") == 1
    assert value(registry, requests, **openai_m, **prompt, outcome="auth") == 1
    assert value(registry, "opslens_llm_errors_total", provider="ollama", model="missing:1b",
                 error="model_not_found") == 1
    assert value(registry, "opslens_llm_errors_total", **openai_m, error="auth") == 1
    # token sums: Ollama's prompt_eval_count / eval_count, OpenAI's usage chunk
    assert value(registry, "opslens_tokens_in_total", **ollama_m) == 1873 + 900
    assert value(registry, "opslens_tokens_out_total", **ollama_m) == (
        len(pieces(dropped_cite)) + len(pieces(plain)))
    assert value(registry, "opslens_tokens_in_total", **openai_m) == 1873
    assert value(registry, "opslens_tokens_out_total", **openai_m) == len(pieces(unsafe))
    # histograms: every call has a latency, served calls a first token; one was slow
    assert value(registry, "opslens_model_latency_seconds_count", **ollama_m) == 2
    assert value(registry, "opslens_model_latency_seconds_count", **openai_m) == 2
    ttft = "opslens_model_time_to_first_token_seconds_bucket"
    assert value(registry, ttft, **ollama_m, le="0.5") == 1
    assert value(registry, ttft, **ollama_m, le="1.0") == 2
    assert value(registry, "opslens_model_time_to_first_token_seconds_count", **openai_m) == 1
    # Ollama's total_duration (2.667441907 s in each final line) is compute time; local is free
    assert value(registry, "opslens_model_compute_seconds_total", **ollama_m) == pytest.approx(
        2 * 2.667441907)
    assert value(registry, "opslens_llm_cost_usd_total", **ollama_m) == 0
    # verification: E99 dropped once; the delete command caught once
    assert value(registry, "opslens_llm_citations_dropped_total", **ollama_m) == 1
    assert value(registry, "opslens_llm_citations_dropped_total", **openai_m) == 0
    assert value(registry, "opslens_llm_unsafe_commands_caught_total", **openai_m) == 1
    assert value(registry, "opslens_llm_unsafe_commands_caught_total", **ollama_m) == 0
    # 6 citations in each answer (summary E1, E4; commentary E3; hypothesis E1, E3; check E1)
    # plus the dropped E99
    assert value(registry, "opslens_llm_citations_total", **ollama_m) == 6 + 1 + 6
    text = generate_latest(registry).decode()
    assert "opslens_llm_requests_total{" in text


def test_hosted_cost_follows_the_price_table(
    report: Report, openai: FakeOpenAI, isolated_config
) -> None:
    from opslens import config

    isolated_config.write_text(isolated_config.read_text()
                               + f'\n[llm.prices."{MODEL}"]\ninput = 2.0\noutput = 8.0\n')
    config.load.cache_clear()
    registry = CollectorRegistry()
    metrics = LLMMetrics(registry)
    openai.answers.append(scripted_answer())
    _, notice = apply_llm(report, llm="openai", model=MODEL, observer=metrics)
    assert notice is None
    expected = round((1873 * 2.0 + len(pieces(scripted_answer())) * 8.0) / 1e6, 6)
    assert value(registry, "opslens_llm_cost_usd_total", provider="openai",
                 model=MODEL) == pytest.approx(expected)


def test_routing_falls_back_on_a_timeout_and_the_metrics_say_so(
    report: Report, ollama: FakeOllama, isolated_config
) -> None:
    """Route: the larger model first, the small one on error or timeout (docs/llmops.md)."""
    from opslens import config

    ollama.models = {"qwen2.5:7b": 32768, MODEL: 32768}
    isolated_config.write_text(
        isolated_config.read_text().replace("first_token_timeout = 2.0", "first_token_timeout = 0.4")
        + f'\n[llm.routes]\nsummarize = ["qwen2.5:7b", "{MODEL}"]\n')
    config.load.cache_clear()
    slow = Reply(chunks=ollama_lines(scripted_answer(), "qwen2.5:7b"),
                 content_type="application/x-ndjson", first_chunk_delay=1.0)
    ollama.answers += [slow, scripted_answer()]
    registry = CollectorRegistry()
    out, notice = apply_llm(report, llm="ollama", observer=LLMMetrics(registry))
    assert notice is None and out.llm is not None and out.llm.model == MODEL
    assert [a.outcome.split(":")[0] for a in out.llm.attempts] == ["timeout", "served"]
    prompt = {"prompt": PROMPT.name, "prompt_version": PROMPT.version}
    assert value(registry, "opslens_llm_requests_total", provider="ollama", model="qwen2.5:7b",
                 **prompt, outcome="timeout") == 1
    assert value(registry, "opslens_llm_errors_total", provider="ollama", model="qwen2.5:7b",
                 error="timeout") == 1
    assert value(registry, "opslens_llm_requests_total", provider="ollama", model=MODEL,
                 **prompt, outcome="ok") == 1
