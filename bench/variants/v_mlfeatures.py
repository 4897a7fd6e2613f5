"""feature-pipeline and model-drift variants (see v_mlops.py for the stacks and the tuning set).

feature-pipeline: the job that materializes features into the online store starts failing;
features go stale (or default), predictions shift, no model changed.
model-drift: the prediction (or input) distribution creeps away from its baseline over hours;
nothing changed and every pipeline ran.
"""

from __future__ import annotations

from bench.variants import clock
from bench.variants.bundle import Bundle, Truth
from bench.variants.mlstacks import (
    Stack,
    bentoml_line,
    glog,
    histogram,
    mlflow_registered_model,
    mlserver_line,
)
from bench.variants.registry import variant
from bench.variants.scene import decoy, history, run
from bench.variants.v_mlops import (
    CHURN,
    CREDIT,
    FRAUD,
    MUST_NOT,
    RANKER,
    SUPPORT,
    _kpi,
    _paste,
    _scene,
    _serve,
)
from bench.variants.workload import Workload, start_pod_events

FEATURE_NS = "features"
JOB = "feature-materialize"


def _job_runs(b: Bundle, view: str, last_ok: float, error: str) -> None:
    """The materialization CronJob every 15 min: fine until `last_ok`, then each run fails."""
    image = b.image("ml/feast-materialize", "0.40.1")
    t = (b.start // 900 + 1) * 900
    while t < b.end - 120:
        stamp = int(t // 60)
        job = f"{JOB}-{stamp}"
        pod = f"{job}-{b.pod_suffix()}"
        w = Workload(FEATURE_NS, job, "logrus", JOB, image, job, [pod], [b.node(stamp)], [b.pod_ip()], [b.uid()], True,
                     [("GET", "/")], alive=[(t, t + 90)])
        b.event(FEATURE_NS, "CronJob", JOB, "SuccessfulCreate", f"Created job {job}", t, component="cronjob-controller", api_version="batch/v1")
        b.event(FEATURE_NS, "Job", job, "SuccessfulCreate", f"Created pod: {pod}", t + 0.2, component="job-controller", api_version="batch/v1")
        started = start_pod_events(b, w, 0, t + 0.4, pulled=False)
        log = w.log(b, 0)
        log.add(started + 1, f"{clock.spaced(started + 1)} INFO feast.infra.materialization: Materializing 1 feature views "
                             f"from {clock.iso(started - 900)} to {clock.iso(started)} into the redis online store.")
        if t <= last_ok:
            log.add(started + 48, f"{clock.spaced(started + 48)} INFO feast.infra.materialization: {view}: "
                                  f"{b.rng.randint(20000, 90000)} rows written in 46.2s")
            b.event(FEATURE_NS, "Job", job, "Completed", "Job completed", started + 50, component="job-controller", api_version="batch/v1")
        else:
            log.add(started + 31, f"{clock.spaced(started + 31)} ERROR feast.infra.materialization: Materialization of feature view "
                                  f"'{view}' failed: {error}")
            b.event(FEATURE_NS, "Job", job, "BackoffLimitExceeded", "Job has reached the specified backoff limit", started + 33,
                    type_="Warning", component="job-controller", api_version="batch/v1")
        t += 900


def _stale_line(st: Stack, t: float, view: str, age: float) -> str:
    text = f"features for {view} are stale: last materialized {age:.0f}s ago (ttl 1800s), serving them anyway"
    if st.key == "triton":
        return glog(t, "W", "python_be.cc:2184", f"[ranker_ensemble/preprocess] {text}")
    if st.key == "bentoml":
        return bentoml_line(t, text, "WARNING")
    if st.key == "seldon":
        return mlserver_line(t, text, "WARNING")
    return f"{clock.dt(t):%Y-%m-%d %H:%M:%S}.{int(t * 1000) % 1000:03d} 1 kserve.transformer WARNING {text}"


def _feature(b: Bundle, st: Stack, view: str, error: str) -> None:
    sc = _scene(b, st)
    run(b, sc)
    last_ok = b.onset - 1800 - 60  # the ttl runs out at the onset
    _job_runs(b, view, last_ok, error)
    w = sc[st.server]
    t = b.onset
    while t < b.end:
        w.log(b, int(t) % len(w.pods)).add(t, _stale_line(st, t, view, t - last_ok + 50))
        t += 120
    _serve(b, sc, st)
    b.metric({"__name__": "feature_freshness_seconds", "namespace": FEATURE_NS, "feature_view": view, "job": JOB},
             lambda t: 300.0 + (t - last_ok if t > last_ok + 300 else (t % 900)))
    histogram(b, st, lambda t: -0.5 if t >= b.onset else 0.0, per_s=6.0)
    _kpi(b, st, lambda t: 0.052 if t < b.onset else 0.043)
    if st.key == "kserve":
        b.file("mlflow-registered-model.json", mlflow_registered_model(st.model, [
            ("4", "Archived", b.start - 86400 * 30, b.start - 86400 * 12, None),
            ("5", "Production", b.start - 86400 * 12, b.start - 86400 * 12 + 300, "champion")], [b.hexid(32), b.hexid(32)]))
    history(b, [(st.server, 11, [None, None, None]), (st.caller, 40, [None, None, None])])
    b.truth = Truth("feature-pipeline", clock.iso(b.onset), {"kind": "CronJob", "namespace": FEATURE_NS, "name": JOB}, None,
                    [f"Materialization of feature view '{view}' failed", f"features for {view} are stale",
                     "feature_freshness_seconds"], MUST_NOT,
                    [{"kind": "Deployment", "namespace": st.ns, "name": st.server}])
    job = max((e for e in b.events if e["involvedObject"]["kind"] == "Job" and e["reason"] == "BackoffLimitExceeded"),
              key=lambda e: e["lastTimestamp"])["involvedObject"]["name"]
    _paste(b, sc, st, "predictions look off since the last hour; model server log:",
           [(f"kubectl -n {FEATURE_NS} logs job/{job}", [line for k, v in sorted(b.logs.items()) if f"_{job}-" in k
                                                         for _, _, _, line in v.entries])], (FEATURE_NS,))


@variant("tune-mlfeat-fraudscore-feast", "feature-pipeline", "KServe transformer + Feast materialization CronJob (tuning set)",
         "eks", "2026-03-17T08:44:20Z", "k8s-events.json, pods/*feature-materialize*.log",
         "Feast: Materialization of feature view 'card_txn_velocity_1h' failed; transformer warns features are stale", metric_borne=True)
def tune_feature(b: Bundle) -> None:
    """The Feast job cannot read the offline store; card velocity features go stale, fraud scores sag."""
    _feature(b, FRAUD, "card_txn_velocity_1h", "google.api_core.exceptions.Forbidden: 403 Access Denied: Table "
                                               "risk-prod:features.card_txn: User does not have permission to query table")


@variant("mlfeat-ranker-triton", "feature-pipeline", "Triton ensemble with a Python preprocessing model, Feast on Redis",
         "gke", "2026-04-09T21:15:00Z", "pods/*feature-materialize*.log",
         "Triton python backend warns features for user_engagement_7d are stale", metric_borne=True)
def triton_feature(b: Bundle) -> None:
    """The engagement feature view stops materializing (Spark source schema changed); rankings degrade."""
    _feature(b, RANKER, "user_engagement_7d", "pyarrow.lib.ArrowInvalid: Column 'session_count' expected type int64, got string")


@variant("mlfeat-creditrisk-seldon", "feature-pipeline", "Seldon MLServer (v2 protocol), Feast on Redis, .NET caller",
         "openshift", "2026-05-06T13:32:45Z", "pods/*feature-materialize*.log",
         "MLServer warns features for applicant_bureau_30d are stale", metric_borne=True)
def seldon_feature(b: Bundle) -> None:
    """The bureau feature view's job times out writing to Redis; credit scores drift, approvals fall."""
    _feature(b, CREDIT, "applicant_bureau_30d", "TimeoutError: write to online store timed out after 30s (batch 14 of 52)")


@variant("mlfeat-churn-bentoml", "feature-pipeline", "BentoML service reading Feast online features, Node caller",
         "k3s", "2026-06-30T07:05:30Z", "pods/*feature-materialize*.log",
         "BentoML warns features for customer_activity_14d are stale", metric_borne=True)
def bentoml_feature(b: Bundle) -> None:
    """The activity feature view's source table was renamed; materialization fails, churn scores fall."""
    _feature(b, CHURN, "customer_activity_14d", "FeatureViewNotFoundException: source table analytics.customer_activity does not exist")


# --- model-drift -------------------------------------------------------------------------------


def _drift(b: Bundle, st: Stack) -> None:
    sc = _scene(b, st)
    decoy(b, sc, "storefront", "8.3.0", b.onset - 12 * 60)
    run(b, sc)
    _serve(b, sc, st)
    span = b.end - b.start

    def creep(t: float) -> float:
        return 0.75 * (t - b.start) / span

    histogram(b, st, creep, per_s=6.0)
    _kpi(b, st, lambda t: 0.052 - 0.012 * (t - b.start) / span)
    if st.key in ("kserve", "vllm"):
        b.file("mlflow-registered-model.json", mlflow_registered_model(st.model, [
            ("4", "Archived", b.start - 86400 * 40, b.start - 86400 * 21, None),
            ("5", "Production", b.start - 86400 * 21, b.start - 86400 * 21 + 400, "champion")], [b.hexid(32), b.hexid(32)]))
    b.alert("ModelPredictionDistributionShift", {"namespace": st.ns, "service": st.server, "model": st.model},
            f"{st.model} outputs drift from their baseline",
            f"The distribution of {st.histogram} for {st.ns}/{st.server} moved away from its 7-day baseline.", b.onset,
            expr=f"histogram_quantile(0.5, sum by (le) (rate({st.histogram}_bucket[1h]))) > 1.3 * "
                 f"histogram_quantile(0.5, sum by (le) (rate({st.histogram}_bucket[1h] offset 7d)))")
    history(b, [(st.server, 11, [None, None, None]), (st.caller, 40, [None, None, None])])
    b.truth = Truth("model-drift", clock.iso(b.onset), {"kind": "Deployment", "namespace": st.ns, "name": st.server}, None,
                    [f"{st.histogram}_bucket", "ModelPredictionDistributionShift", st.kpi], MUST_NOT,
                    [{"kind": "InferenceService", "namespace": st.ns, "name": st.server.removesuffix("-predictor")}])
    _paste(b, sc, st, f"[FIRING:1] ModelPredictionDistributionShift ({st.ns} {st.server}): the distribution of "
                      f"{st.histogram} moved away from its 7-day baseline. Nothing deployed to the model. server log:")


@variant("tune-mldrift-fraudscore-kserve", "model-drift", "KServe + MLflow (tuning set)", "eks", "2026-03-24T19:05:00Z",
         "metrics.json", "fraud_score_prediction histogram creeps up over the window; no change, jobs healthy", metric_borne=True)
def tune_drift(b: Bundle) -> None:
    """Fraud scores creep up over hours as a new merchant segment grows; nothing changed."""
    _drift(b, FRAUD)


@variant("mldrift-ranker-triton", "model-drift", "Triton Inference Server, Go caller", "gke", "2026-04-16T12:30:00Z",
         "metrics.json", "ranker_prediction_score histogram creeps up; no model load, no failed job", metric_borne=True)
def triton_drift(b: Bundle) -> None:
    """Ranker scores creep up as a seasonal catalogue shifts the inputs."""
    _drift(b, RANKER)


@variant("mldrift-supportllm-vllm", "model-drift", "vLLM support assistant", "aks", "2026-05-26T10:40:00Z",
         "metrics.json", "vllm:request_generation_tokens histogram creeps up; no alias move, no reload", metric_borne=True)
def vllm_drift(b: Bundle) -> None:
    """Answers grow longer over the day as a new product's questions arrive; nothing changed."""
    _drift(b, SUPPORT)


@variant("mldrift-creditrisk-seldon", "model-drift", "Seldon MLServer, .NET caller", "openshift", "2026-05-13T15:20:00Z",
         "metrics.json", "credit_risk_prediction_score histogram creeps up; no change", metric_borne=True)
def seldon_drift(b: Bundle) -> None:
    """Credit risk scores creep up as the applicant mix shifts; nothing changed."""
    _drift(b, CREDIT)
