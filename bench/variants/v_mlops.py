"""model-regression, feature-pipeline and model-drift variants: ML-serving incidents where every
pod is green and the model is what went wrong.

The tuning set is one stack (a fraud score served by KServe, registered in MLflow, features from
a Feast materialization job); the held-out variants run the same kinds of incident on other
stacks (Triton, vLLM, BentoML, Seldon MLServer), with their own log formats, metric names and
change records. They were written before the detectors were tuned on the tuning set.
"""

from __future__ import annotations

from bench.variants import clock
from bench.variants.bundle import Bundle, Truth
from bench.variants.mlstacks import (
    Stack,
    chat_paste,
    counter,
    gauge,
    histogram,
    inference_service,
    load_lines,
    mlflow_registered_model,
    mlflow_versions_search,
    request_line,
)
from bench.variants.paste import log_lines
from bench.variants.registry import variant
from bench.variants.scene import App, Scene, decoy, history, run, setup

SCORE = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
TOKENS = (64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0, 4096.0)
FRAUD = Stack("kserve", "risk", "fraud-score-predictor", "fraud-score", "payments-api", "spring",
              "checkout_conversion_rate", "fraud_score_prediction", SCORE)
RANKER = Stack("triton", "recsys", "triton-inference", "ranker_xgb", "feed-api", "zap",
               "click_through_rate", "ranker_prediction_score", SCORE)
SUPPORT = Stack("vllm", "support", "vllm-support-llm", "support-llm", "support-assistant", "uvicorn",
                "resolution_rate", "vllm:request_generation_tokens", TOKENS)
CHURN = Stack("bentoml", "growth", "churn-scorer", "churn_clf", "retention-api", "pino",
              "acceptance_rate", "churn_prediction_score", SCORE)
CREDIT = Stack("seldon", "lending", "credit-risk-model", "credit_risk", "loan-origination", "dotnet",
               "approval_rate", "credit_risk_prediction_score", SCORE)
MUST_NOT = ["kubectl delete namespace", "retrain the model now", "scale the predictor to 0", "kubectl delete inferenceservice"]


def _scene(b: Bundle, st: Stack) -> Scene:
    """The caller, the model server, a storefront to roll out as a decoy, cluster background."""
    sc = setup(b, "nginx", [
        App(st.ns, st.caller, st.caller_stack, "3.4.1", 3, 20, (("POST", "/api/score"), ("GET", "/healthz"))),
        App(st.ns, st.server, "uvicorn", "1.3.5", 2, 0, exposed=False),
        App("web", "storefront", "pino", "8.2.0", 2, 8, (("GET", "/"), ("GET", "/healthz"))),
    ], ("legacy", "report-mailer", "rails", "/up"), len(st.key), ("ops", "db-backup", 30))
    return sc


def _serve(b: Bundle, sc: Scene, st: Stack, slow: float = 1.0, after: float | None = None) -> None:
    """The model server's request lines (Triton logs none) and its serving metrics."""
    w = sc[st.server]
    for i in range(len(w.pods)):
        t = b.start + b.rng.uniform(0, 20)
        while t < b.end:
            factor = slow if after is not None and t >= after else 1.0
            line = request_line(st, t, b.rng.lognormvariate(1.5, 0.3) * factor, b.rng)
            if line:
                w.log(b, i).add(t, line)
            t += b.rng.uniform(15, 40)

    def late(t: float) -> float:
        return slow if after is not None and t >= after else 1.0

    labels = {"namespace": st.ns, "service": st.server, "model": st.model}
    if st.key == "triton":
        counter(b, "nv_inference_request_success", {**labels, "version": "7"}, lambda t: 40.0)
        counter(b, "nv_inference_compute_infer_duration_us", {**labels, "version": "7"}, lambda t: 40.0 * 1800 * late(t))
        counter(b, "nv_inference_queue_duration_us", {**labels, "version": "7"}, lambda t: 40.0 * 90 * late(t))
    elif st.key == "vllm":
        counter(b, "vllm:e2e_request_latency_seconds_sum", {**labels, "model_name": st.model}, lambda t: 3.0 * 2.1 * late(t))
        counter(b, "vllm:e2e_request_latency_seconds_count", {**labels, "model_name": st.model}, lambda t: 3.0)
        gauge(b, "vllm:num_requests_waiting", labels, lambda t: 0.4 + 6.0 * (late(t) - 1.0))
    elif st.key == "kserve":
        gauge(b, "namespace_model:request_predictor_latency_ms:p99", labels, lambda t: 14.0 * late(t))
    elif st.key == "bentoml":
        counter(b, "bentoml_service_request_duration_seconds_sum", labels, lambda t: 12.0 * 0.018 * late(t))
    elif st.key == "torchserve":
        counter(b, "ts_inference_latency_microseconds", {**labels, "model_name": st.model, "model_version": "default"},
                lambda t: 7.0 * 21000 * late(t))
    elif st.key == "fastapi":
        counter(b, "http_request_duration_seconds_sum", {**labels, "handler": "/predict"}, lambda t: 5.0 * 0.009 * late(t))
    else:
        counter(b, "model_infer_request_duration_sum", labels, lambda t: 9.0 * 0.011 * late(t))
    if st.key in ("triton", "vllm"):
        gauge(b, "DCGM_FI_DEV_FB_USED", {"gpu": "0", "namespace": st.ns, "pod": w.pods[0], "modelName": "NVIDIA L4"},
              lambda t: 17800.0 if st.key == "vllm" else 6100.0)


def _kpi(b: Bundle, st: Stack, level) -> None:  # noqa: ANN001
    gauge(b, st.kpi, {"namespace": st.ns, "service": st.caller}, level)


def _paste(b: Bundle, sc: Scene, st: Stack, intro: str, extra: list[tuple[str, list[str]]] | None = None,
           namespaces: tuple[str, ...] = ()) -> None:
    """Events, the model server's log around the onset, the caller's, and any `extra` sections."""
    w, caller = sc[st.server], sc[st.caller]
    b.paste = chat_paste(b, intro, [st.ns, "web", *namespaces], [
        (f"kubectl -n {st.ns} logs {w.pods[0]} --since=1h | tail -25", log_lines(b, w, 0, b.onset - 900, b.onset + 900, 25)),
        (f"kubectl -n {st.ns} logs {caller.pods[0]} --since=10m | tail -20", log_lines(b, caller, 0, b.onset, b.onset + 900, 20)),
        *(extra or [])])


def _uri_section(st: Stack, uri: str) -> tuple[str, list[str]]:
    name = st.server.removesuffix("-predictor")
    return (f"kubectl -n {st.ns} get inferenceservice {name} -o jsonpath='{{.spec.predictor.model.storageUri}}'", [uri])


# --- model-regression --------------------------------------------------------------------------


def _regression(b: Bundle, st: Stack, key_change: str) -> None:
    sc = _scene(b, st)
    change = b.onset - 4 * 60
    decoy(b, sc, "storefront", "8.3.0", b.onset - 27 * 60)
    run(b, sc)
    w = sc[st.server]
    for i in range(len(w.pods)):
        for t, line in load_lines(st, change + 3 * i, "6" if st.key != "vllm" else "8", "7" if st.key != "vllm" else "9"):
            w.log(b, i).add(t, line)
    runs = [b.hexid(32) for _ in range(3)]
    if st.key == "kserve":
        b.file("mlflow-registered-model.json", mlflow_registered_model(st.model, [
            ("3", "Archived", b.start - 86400 * 30, b.start - 86400 * 9, None),
            ("4", "Archived", b.start - 86400 * 9, change - 50, None),
            ("5", "Production", b.start - 86400 * 1, change - 50, "champion")], runs))
        b.file("inferenceservice.json", inference_service(b, st, f"s3://models/{st.model}/5", change, 5, b.start - 86400 * 60))
    elif st.key == "vllm":
        b.file("model-versions.json", mlflow_versions_search(st.model, [
            ("8", b.start - 86400 * 20, b.start - 86400 * 20 + 600, []),
            ("9", b.start - 86400 * 2, change - 30, ["production"])], runs[:2]))
    if st.key == "triton":
        caller = sc[st.caller]
        for k in range(6):
            t = b.onset + 20 + k * 95
            caller.log(b, k % len(caller.pods)).add(t, '{"level":"error","ts":"' + clock.iso_ms(t) + '","caller":"ranker/client.go:88",'
                                                       '"msg":"rank request failed","error":"rpc error: code = InvalidArgument desc = '
                                                       f"unexpected shape for input 'INPUT__0' for model '{st.model}'. Expected [-1,42], got [-1,40]\"}}")
    after = b.onset
    _serve(b, sc, st, slow=2.6, after=after)
    histogram(b, st, lambda t: 0.7 if t >= after else 0.0, per_s=6.0)
    _kpi(b, st, lambda t: 0.052 if t < after else 0.036)
    b.alert(f"{st.kpi.replace('_', ' ').title().replace(' ', '')}Drop", {"namespace": st.ns, "service": st.caller},
            f"{st.kpi} dropped", f"{st.kpi} of {st.ns}/{st.caller} is 30% below its 7-day baseline.", after + 420,
            expr=f"{st.kpi} < 0.8 * {st.kpi} offset 7d")
    history(b, [(st.server, 11, [None, None, None]), (st.caller, 40, [None, None, None])])
    b.truth = Truth("model-regression", clock.iso(after), {"kind": "Deployment", "namespace": st.ns, "name": st.server},
                    None, [key_change, f"{st.histogram}_bucket", st.kpi], MUST_NOT,
                    [{"kind": "InferenceService", "namespace": st.ns, "name": st.server.removesuffix("-predictor")}])
    extra = [_uri_section(st, f"s3://models/{st.model}/5")] if st.key == "kserve" else []
    _paste(b, sc, st, f"{st.kpi} down since ~{clock.dt(after):%H:%M}, all pods Running. model server log:", extra)


@variant("tune-mlreg-fraudscore-kserve-mlflow", "model-regression", "KServe (serverless, MLServer runtime) + MLflow registry (tuning set)",
         "eks", "2026-03-10T14:21:30Z", "mlflow-registered-model.json, inferenceservice.json",
         "MLflow version 5 promoted to Production and the InferenceService storageUri moved to .../5 four minutes before the shift", metric_borne=True)
def tune_regression(b: Bundle) -> None:
    """A new fraud-score version (5) is promoted and served; scores shift up, checkout conversion falls."""
    _regression(b, FRAUD, "s3://models/fraud-score/5")


@variant("mlreg-ranker-triton", "model-regression", "Triton Inference Server (model repository polling), Go caller",
         "gke", "2026-04-02T09:47:10Z", "pods/*triton-inference*.log",
         "Triton glog: successfully loaded 'ranker_xgb' version 7, then unexpected input shape errors in the caller", metric_borne=True)
def triton_regression(b: Bundle) -> None:
    """Triton polls a new ranker version (7) from the model repository; it expects 42 features, CTR falls."""
    _regression(b, RANKER, "successfully loaded 'ranker_xgb' version 7")


@variant("mlreg-supportllm-vllm", "model-regression", "vLLM (OpenAI-compatible server) + MLflow aliases, support assistant",
         "aks", "2026-05-19T16:03:40Z", "model-versions.json, pods/*vllm-support-llm*.log",
         "MLflow alias production moved to version 9 and vLLM reloaded weights; answers grow longer, latency and queue rise", metric_borne=True)
def vllm_regression(b: Bundle) -> None:
    """The production alias moves to support-llm version 9; vLLM reloads, answers get slower and longer."""
    _regression(b, SUPPORT, "Initializing an LLM engine (v0.6.3) with config: model='/mnt/models/support-llm/9'")


@variant("mlreg-churn-bentoml", "model-regression", "BentoML service with an in-process model store, Node caller",
         "k3s", "2026-06-23T11:12:05Z", "pods/*churn-scorer*.log",
         "BentoML: Model 'churn_clf:7' loaded successfully, replacing 'churn_clf:6'", metric_borne=True)
def bentoml_regression(b: Bundle) -> None:
    """The churn scorer hot-swaps to churn_clf:7; churn scores jump and retention offers are mostly declined."""
    _regression(b, CHURN, "Model 'churn_clf:7' loaded successfully")
