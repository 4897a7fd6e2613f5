"""The store's LLMOps reads and writes, on SQLite and PostgreSQL: call statistics over a
period, today's tokens, evaluation runs and the latest pass rates, digests, decode speed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from opslens.store import LLMCallRecord, Store
from opslens.store import llmops as ops

NOW = datetime.now(UTC)


def _call(model: str, outcome: str = "ok", *, tokens: tuple[int, int] = (100, 10),
          ago: timedelta = timedelta(0), version: str = "v1", **extra: float) -> LLMCallRecord:
    return LLMCallRecord(provider="ollama", model=model, outcome=outcome, prompt_name="triage_summary",
                         prompt_version=version, tokens_in=tokens[0] if outcome == "ok" else None,
                         tokens_out=tokens[1] if outcome == "ok" else None, latency_ms=2000.0,
                         created_at=NOW - ago, **extra)


def test_call_stats_group_by_model_and_prompt_version_within_the_period(store: Store) -> None:
    store.record_llm_call(_call("a", first_token_ms=500.0, compute_ms=1500.0, cost=0.002))
    store.record_llm_call(_call("a", "timeout"))
    store.record_llm_call(_call("a", version="v2"))
    store.record_llm_call(_call("a", ago=timedelta(days=10)))
    stats = {(s.model, s.prompt_version): s for s in ops.call_stats(store, NOW - timedelta(days=7))}
    v1 = stats[("a", "v1")]
    assert (v1.calls, v1.errors, v1.tokens_in, v1.tokens_out) == (2, 1, 100, 10)
    assert v1.error_rate == 0.5 and v1.latency_s_mean == pytest.approx(2.0)
    assert v1.first_token_s_mean == pytest.approx(0.5) and v1.compute_s == pytest.approx(1.5)
    assert v1.cost_usd == pytest.approx(0.002)
    assert stats[("a", "v2")].calls == 1
    assert sum(s.calls for s in ops.call_stats(store)) == 4


def test_tokens_since_counts_in_and_out(store: Store) -> None:
    store.record_llm_call(_call("a", tokens=(1000, 200)))
    store.record_llm_call(_call("a", tokens=(5, 5), ago=timedelta(days=2)))
    assert ops.tokens_since(store, NOW - timedelta(hours=1)) == 1200


def test_latest_pass_rate_per_dataset_model_and_version(store: Store) -> None:
    def save(model: str, version: str, rate: float) -> int:
        return ops.save_eval_run(store, dataset="d", provider="ollama", model=model,
                                 prompt_version=version, pass_rate=rate, totals={"n": 1},
                                 cases=[{"scenario": "c", "passed": rate > 0.5}])
    first = save("m", "v1", 0.9)
    save("m", "v1", 0.6)
    save("m", "v2", 1.0)
    assert ops.latest_pass_rates(store) == [("d", "m", "v1", 0.6), ("d", "m", "v2", 1.0)]
    run = ops.eval_run(store, first)
    assert run is not None and run.cases == [{"scenario": "c", "passed": True}]
    assert [r.pass_rate for r in ops.eval_runs(store)] == [1.0, 0.6, 0.9]
    assert ops.eval_run(store, 999) is None


def test_a_changed_digest_is_noted_and_listed(store: Store) -> None:
    assert ops.note_digest(store, "ollama", "m", "aaa") is False
    assert ops.note_digest(store, "ollama", "m", "aaa") is False
    assert ops.note_digest(store, "ollama", "other", "ccc") is False
    assert ops.note_digest(store, "ollama", "m", "bbb") is True
    assert [(d.model, d.digest) for d in ops.digest_history(store)] == [("m", "aaa"), ("m", "bbb")]
    assert ops.digest_history(store, NOW + timedelta(hours=1)) == []


def test_decode_speed_from_recent_calls(store: Store) -> None:
    store.record_llm_call(_call("a", tokens=(10, 100), decode_ms=2000.0))
    store.record_llm_call(_call("a", tokens=(10, 50), decode_ms=500.0))
    store.record_llm_call(_call("b", tokens=(10, 50)))  # no decode time: not counted
    assert ops.decode_speeds(store) == {("ollama", "a"): pytest.approx(150 / 2.5)}
