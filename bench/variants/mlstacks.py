"""ML-serving stacks for the MLOps variants: what each model server, registry and feature store
writes, in its own format.

- MLflow Model Registry REST answers (`registered-models/get`, `model-versions/search`);
- KServe InferenceService objects (`kubectl get inferenceservice -o json`);
- Triton (glog lines from model_lifecycle.cc), vLLM (its `INFO mm-dd hh:mm:ss file.py:N]` lines),
  BentoML (its JSON-less `[bentoml]` lines) and Seldon MLServer (`mlserver` logger) model loads;
- Prometheus series: prediction histograms, serving latency, GPU memory, feature freshness.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from bench.variants import clock
from bench.variants.bundle import Bundle


@dataclass(frozen=True)
class Stack:
    """One serving stack: where the model runs and how its server speaks."""

    key: str  # kserve | triton | vllm | bentoml | seldon
    ns: str
    server: str  # the serving Deployment
    model: str  # the model's name in the registry / repository
    caller: str  # the service that calls the model (its KPI suffers)
    caller_stack: str
    kpi: str  # business metric the model drives (falls when predictions go wrong)
    histogram: str  # prediction (or input) histogram name, without _bucket
    bounds: tuple[float, ...]


def glog(t: float, level: str, src: str, msg: str) -> str:
    """A Triton (glog) line: `I1207 10:02:11.123456 1 model_lifecycle.cc:839] msg`."""
    return f"{clock.klog(t, level)} 1 {src}] {msg}"


def vllm_line(t: float, src: str, msg: str, level: str = "INFO") -> str:
    """A vLLM line: `INFO 12-07 10:02:11 engine.py:267] msg`."""
    return f"{level} {clock.dt(t):%m-%d %H:%M:%S} {src}] {msg}"


def bentoml_line(t: float, msg: str, level: str = "INFO") -> str:
    """A BentoML server line: `2026-12-07T10:02:11+0000 [INFO] [entry_service:churn] msg`."""
    return f"{clock.dt(t):%Y-%m-%dT%H:%M:%S}+0000 [{level}] [entry_service:churn-scorer:1] {msg}"


def mlserver_line(t: float, msg: str, level: str = "INFO") -> str:
    """A Seldon MLServer line: `2026-12-07 10:02:11,123 [mlserver] INFO - msg`."""
    return f"{clock.dt(t):%Y-%m-%d %H:%M:%S},{int(t * 1000) % 1000:03d} [mlserver] {level} - {msg}"


def torchserve_line(t: float, thread: str, logger: str, msg: str, level: str = "INFO") -> str:
    """A TorchServe (log4j) line: `2026-12-07T10:02:11,123 [INFO ] main org.pytorch...ModelManager - msg`."""
    return f"{clock.dt(t):%Y-%m-%dT%H:%M:%S},{int(t * 1000) % 1000:03d} [{level:<5}] {thread} {logger} - {msg}"


def load_lines(stack: Stack, t: float, old: str, new: str) -> list[tuple[float, str]]:
    """What the model server logs when it swaps model version `old` for `new`."""
    m = stack.model
    if stack.key == "triton":
        return [(t, glog(t, "I", "model_lifecycle.cc:462", f"loading: {m}:{new}")),
                (t + 6.2, glog(t + 6.2, "I", "model_lifecycle.cc:839", f"successfully loaded '{m}' version {new}")),
                (t + 6.9, glog(t + 6.9, "I", "model_lifecycle.cc:620", f"successfully unloaded '{m}' version {old}"))]
    if stack.key == "vllm":
        return [(t, vllm_line(t, "llm_engine.py:237", f"Initializing an LLM engine (v0.6.3) with config: model='/mnt/models/{m}/{new}', "
                                                        f"speculative_config=None, tokenizer='/mnt/models/{m}/{new}', dtype=torch.bfloat16, max_seq_len=8192")),
                (t + 41.5, vllm_line(t + 41.5, "model_runner.py:1067", "Loading model weights took 14.9917 GB"))]
    if stack.key == "torchserve":
        return [(t, torchserve_line(t, "main", "org.pytorch.serve.wlm.ModelManager", f"Registering model: {m}, version: {new}.0")),
                (t + 9.5, torchserve_line(t + 9.5, "main", "org.pytorch.serve.wlm.ModelManager", f"Model {m} loaded."))]
    if stack.key == "bentoml":
        return [(t, bentoml_line(t, f"Loading model {m}:{new} from the model store")),
                (t + 3.1, bentoml_line(t + 3.1, f"Model '{m}:{new}' loaded successfully, replacing '{m}:{old}'"))]
    return [(t, mlserver_line(t, f"Loading model '{m}' version '{new}'")),
            (t + 2.4, mlserver_line(t + 2.4, f"Loaded model '{m}' succesfully.")),
            (t + 2.9, mlserver_line(t + 2.9, f"Unloaded model '{m}' version '{old}' successfully."))]


def request_line(stack: Stack, t: float, ms: float, rng) -> str | None:  # noqa: ANN001
    """One inference request as the server logs it (Triton logs none at its default level)."""
    if stack.key == "kserve":
        return f"{clock.dt(t):%Y-%m-%d %H:%M:%S}.{int(t * 1000) % 1000:03d} 1 kserve.trace requestId: {rng.getrandbits(64):016x}, " \
               f"preprocess_ms: 0.41, explain_ms: 0, predict_ms: {ms:.2f}, postprocess_ms: 0.12"
    if stack.key == "vllm":
        return vllm_line(t, "metrics.py:351", f"Avg prompt throughput: {rng.uniform(400, 900):.1f} tokens/s, Avg generation throughput: "
                                               f"{rng.uniform(60, 140):.1f} tokens/s, Running: {rng.randint(3, 12)} reqs, Swapped: 0 reqs, "
                                               f"Pending: 0 reqs, GPU KV cache usage: {rng.uniform(20, 45):.1f}%, CPU KV cache usage: 0.0%.")
    if stack.key == "bentoml":
        return bentoml_line(t, f'10.0.{rng.randint(1, 9)}.{rng.randint(2, 250)}:{rng.randint(30000, 60000)} (scheme=http,method=POST,path=/predict,'
                               f'type=application/json,length=412) (status=200,type=application/json,length=57) {ms:.3f}ms')
    if stack.key == "torchserve":
        return torchserve_line(t, "W-9000-" + stack.model, "org.pytorch.serve.wlm.WorkerThread",
                               f"Backend response time: {ms:.0f}") if rng.random() < 0.5 else None
    if stack.key == "fastapi":
        return f'INFO:     10.0.{rng.randint(1, 9)}.{rng.randint(2, 250)}:{rng.randint(30000, 60000)} - "POST /predict HTTP/1.1" 200 OK'
    if stack.key == "seldon":
        return f'INFO:     10.0.{rng.randint(1, 9)}.{rng.randint(2, 250)}:{rng.randint(30000, 60000)} - "POST /v2/models/{stack.model}/infer HTTP/1.1" 200 OK'
    return None


# --- registry and InferenceService documents --------------------------------------------------


def mlflow_registered_model(model: str, versions: list[tuple[str, str, float, float, str | None]], run_ids: list[str]) -> str:
    """`GET /api/2.0/mlflow/registered-models/get?name=...` (pretty-printed as `| jq .` would).

    versions: (version, stage, created, last_updated, alias or None)."""
    latest = []
    for (v, stage, created, updated, _), run in zip(versions, run_ids, strict=True):
        latest.append({"name": model, "version": v, "creation_timestamp": int(created * 1000),
                       "last_updated_timestamp": int(updated * 1000), "current_stage": stage, "description": "",
                       "source": f"s3://mlflow-artifacts/14/{run}/artifacts/model", "run_id": run, "status": "READY",
                       "run_link": ""})
    doc = {"registered_model": {
        "name": model, "creation_timestamp": int(versions[0][2] * 1000) - 86400_000 * 40,
        "last_updated_timestamp": max(int(v[3] * 1000) for v in versions), "description": "",
        "latest_versions": latest,
        "aliases": [{"alias": a, "version": v} for v, _, _, _, a in versions if a],
        "tags": [{"key": "team", "value": "risk-ml"}]}}
    return json.dumps(doc, indent=2) + "\n"


def mlflow_versions_search(model: str, versions: list[tuple[str, float, float, list[str]]], run_ids: list[str]) -> str:
    """`GET /api/2.0/mlflow/model-versions/search?filter=name='...'` (one line, as curl prints it).

    versions: (version, created, last_updated, aliases)."""
    out = []
    for (v, created, updated, aliases), run in zip(versions, run_ids, strict=True):
        out.append({"name": model, "version": v, "creation_timestamp": int(created * 1000),
                    "last_updated_timestamp": int(updated * 1000), "current_stage": "None", "description": "",
                    "source": f"models:/{model}/{v}", "run_id": run, "status": "READY", "aliases": aliases})
    return json.dumps({"model_versions": out}) + "\n"


def inference_service(b: Bundle, stack: Stack, uri: str, updated: float, revision: int, created: float) -> str:
    """`kubectl get inferenceservice NAME -o json` for a KServe (serverless) predictor."""
    name = stack.server.removesuffix("-predictor")
    rev = f"{stack.server}-{revision:05d}"
    prev = f"{stack.server}-{revision - 1:05d}"
    ready = [("IngressReady", updated + 48), ("LatestDeploymentReady", updated + 45), ("PredictorConfigurationReady", updated + 45),
             ("PredictorReady", updated + 47), ("PredictorRouteReady", updated + 47), ("Ready", updated + 48)]
    doc = {
        "apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService",
        "metadata": {
            "annotations": {"serving.kserve.io/deploymentMode": "Serverless"},
            "creationTimestamp": clock.iso(created), "finalizers": ["inferenceservice.finalizers"],
            "generation": revision, "name": name, "namespace": stack.ns,
            "managedFields": [
                {"apiVersion": "serving.kserve.io/v1beta1", "fieldsType": "FieldsV1",
                 "fieldsV1": {"f:spec": {"f:predictor": {"f:model": {"f:storageUri": {}}}}},
                 "manager": "argocd-controller", "operation": "Update", "time": clock.iso(updated)},
                {"apiVersion": "serving.kserve.io/v1beta1", "fieldsType": "FieldsV1",
                 "fieldsV1": {"f:status": {".": {}, "f:components": {}, "f:conditions": {}}},
                 "manager": "manager", "operation": "Update", "subresource": "status", "time": clock.iso(updated + 48)}],
            "resourceVersion": str(b.rng.randint(10_000_000, 99_999_999)), "uid": b.uid()},
        "spec": {"predictor": {"minReplicas": 2, "model": {
            "modelFormat": {"name": "xgboost"}, "protocolVersion": "v2", "runtime": "kserve-mlserver",
            "runtimeVersion": "1.3.5", "storageUri": uri,
            "resources": {"limits": {"cpu": "2", "memory": "2Gi"}, "requests": {"cpu": "500m", "memory": "1Gi"}}}}},
        "status": {
            "address": {"url": f"http://{name}.{stack.ns}.svc.cluster.local"},
            "components": {"predictor": {"latestCreatedRevision": rev, "latestReadyRevision": rev,
                                         "latestRolledoutRevision": rev, "previousRolledoutRevision": prev,
                                         "traffic": [{"latestRevision": True, "percent": 100, "revisionName": rev}],
                                         "url": f"http://{stack.server}.{stack.ns}.example.com"}},
            "conditions": [{"lastTransitionTime": clock.iso(t), "status": "True", "type": c} for c, t in ready],
            "modelStatus": {"copies": {"failedCopies": 0, "totalCopies": 2},
                            "states": {"activeModelState": "Loaded", "targetModelState": "Loaded"},
                            "transitionStatus": "UpToDate"},
            "observedGeneration": revision, "url": f"http://{name}.{stack.ns}.example.com"}}
    return json.dumps(doc, indent=4) + "\n"


# --- metric series ---------------------------------------------------------------------------


def histogram(b: Bundle, stack: Stack, shift, per_s: float = 6.0) -> None:  # noqa: ANN001
    """A prediction (or input) histogram whose mass moves up with shift(t) in 0..1."""
    n = len(stack.bounds) + 1
    totals = [0.0] * n
    labels = {"namespace": stack.ns, "service": stack.server, "model": stack.model}
    state = {"t": None}
    step = 30.0
    cumulative: dict[float, list[float]] = {}

    def shares(s: float) -> list[float]:
        raw = [math.exp(-((i - (2.0 + 4.5 * s)) ** 2) / 3.0) for i in range(n)]
        total = sum(raw)
        return [r / total for r in raw]

    t = int(b.start // step * step)
    while t <= b.end:
        p = shares(shift(float(t)))
        for i in range(n):
            totals[i] += per_s * step * p[i] * (0.95 + 0.1 * b.rng.random())
        running = 0.0
        cumulative[t] = []
        for i in range(n):
            running += totals[i]
            cumulative[t].append(running)
        t += int(step)
    state["t"] = t
    les = [f"{x:g}" for x in stack.bounds] + ["+Inf"]
    for i, le in enumerate(les):
        b.metric({"__name__": f"{stack.histogram}_bucket", **labels, "le": le},
                 lambda t, i=i: math.floor(cumulative[int(t)][i]) if int(t) in cumulative else None, fmt="{:.0f}")


def gauge(b: Bundle, name: str, labels: dict, value) -> None:  # noqa: ANN001
    """A plain gauge series with a little jitter."""
    b.metric({"__name__": name, **labels}, lambda t: value(t) * (0.97 + 0.06 * b.rng.random()))


def counter(b: Bundle, name: str, labels: dict, rate) -> None:  # noqa: ANN001
    """A cumulative counter growing at rate(t) per second."""
    acc = {"v": 0.0, "t": None}

    def value(t: float) -> float:
        if acc["t"] is not None:
            acc["v"] += rate(t) * (t - acc["t"]) * (0.95 + 0.1 * b.rng.random())
        acc["t"] = t
        return acc["v"]

    b.metric({"__name__": name, **labels}, value, fmt="{:.3f}")


# --- chat pastes -------------------------------------------------------------------------------


def chat_paste(b: Bundle, intro: str, namespaces: list[str], sections: list[tuple[str, list[str]]]) -> str:
    """What someone pastes into a chat: a sentence, the events of the busiest of `namespaces`
    (`kubectl get events`, relative ages), then the given command sections."""
    from bench.variants.paste import compose, events_section, namespace_events

    busiest = max(namespaces, key=lambda ns: len(namespace_events(b, ns, b.onset - 3600)))
    return compose(intro, [events_section(b, busiest, b.onset - 3600, limit=18), *sections])
