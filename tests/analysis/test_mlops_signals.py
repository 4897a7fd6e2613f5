"""The ML-serving and LLM-app signals (knowledge/signals-mlops.yaml) recognise what model
servers, feature stores and LLM providers print, also as mined templates (`<*>` for variable
parts), and not their near misses."""

from __future__ import annotations

import pytest

from opslens.analysis.signals import metric_signals, text_signals

RAISES = [
    ("I0402 09:43:16.201837 1 model_lifecycle.cc:839] successfully loaded 'ranker_xgb' version 7", "model_version_loaded"),
    ("<*> <*> 1 model_lifecycle.cc:<*>] successfully loaded '<*>' version <*>", "model_version_loaded"),
    ("I0402 09:43:16.9 1 model_lifecycle.cc:620] successfully unloaded 'ranker_xgb' version 6", "model_version_loaded"),
    ("2026-06-23 11:08:08,120 [mlserver] INFO - Loaded model 'credit_risk' succesfully.", "model_version_loaded"),
    ("2026-06-23T11:08:08+0000 [INFO] [entry_service:churn:1] Model 'churn_clf:7' loaded successfully", "model_version_loaded"),
    ("INFO 05-19 16:00:10 llm_engine.py:237] Initializing an LLM engine (v0.6.3) with config: model='/mnt/models/x/9'", "model_version_loaded"),
    ("level=info msg=\"activated prompt support_answer version 15 (sha256:9f2c)\"", "prompt_version_activated"),
    ("Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o', 'code': 'rate_limit_exceeded'}}", "rate_limited"),
    ('openai.RateLimitError: {"error": {"type": "tokens", "code": "rate_limit_exceeded"}}', "rate_limited"),
    ('anthropic.RateLimitError: {"type": "error", "error": {"type": "rate_limit_error"}}', "rate_limited"),
    ("ERROR feast.infra.materialization: Materialization of feature view 'card_txn_1h' failed: 403 Access Denied", "feature_stale"),
    ("WARNING features for <*> are stale: last materialized <*> ago (ttl <*>)", "feature_stale"),
    ("WARNING:  eta.features: missing features ['traffic_speed_5m'] for request 9a1f; using default value 0.0", "feature_malformed"),
    ("ValueError: X has 28 features, but XGBClassifier is expecting 30 features as input.", "model_input_mismatch"),
    ("unexpected shape for input 'INPUT__0' for model 'ranker_xgb'. Expected [-1,42], got [-1,40]", "model_input_mismatch"),
    ("rag.retriever: retrieved 0 documents for query 7f3a (index kb-2026-03)", "retrieval_empty"),
]

MISSES = [
    ("feature flag checkout-v2 is enabled for 10% of users", "feature_malformed"),
    ("feature flag new-nav is stale and can be removed", "feature_stale"),
    ("loaded configuration from /etc/app/config.yaml", "model_version_loaded"),
    ("model validation passed for order 1234", "model_version_loaded"),
    ("prompt for password", "prompt_version_activated"),
]

METRICS = [
    ('nv_inference_compute_infer_duration_us{model="ranker_xgb",version="7"}', "up", "inference_latency"),
    ('vllm:e2e_request_latency_seconds_sum{model_name="support-llm"}', "up", "inference_latency"),
    ('vllm:num_requests_waiting{model_name="support-llm"}', "up", "inference_queue"),
    ('DCGM_FI_DEV_FB_USED{gpu="0"}', "up", "gpu_memory_high"),
    ('nv_inference_request_failure{model="ranker_xgb"}', "up", "inference_failures"),
    ('feature_freshness_seconds{feature_view="card_txn_1h"}', "up", "feature_stale"),
    ('fraud_score_prediction_mean{namespace="risk"}', "down", "prediction_shift"),
    ('checkout_conversion_rate{namespace="risk"}', "down", "model_kpi_drop"),
]


@pytest.mark.parametrize(("line", "signal"), RAISES)
def test_the_wording_raises_its_signal(line: str, signal: str) -> None:
    assert signal in text_signals(line)


@pytest.mark.parametrize(("line", "signal"), MISSES)
def test_the_near_miss_does_not(line: str, signal: str) -> None:
    assert signal not in text_signals(line)


@pytest.mark.parametrize(("series", "direction", "signal"), METRICS)
def test_the_serving_metric_moving_the_bad_way_raises_its_signal(series: str, direction: str, signal: str) -> None:
    assert signal in metric_signals(series, direction)


def test_a_kpi_going_up_is_not_a_drop() -> None:
    assert "model_kpi_drop" not in metric_signals('checkout_conversion_rate{namespace="risk"}', "up")
