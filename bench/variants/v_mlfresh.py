"""A second held-out set for the ML categories, written after the first one was measured and the
detectors were fixed on what it showed (a load line matched against a mined template, a noisy
latency series before the change): new stacks and wordings nothing was tuned on.

- model-regression: KServe with a TorchServe runtime, a canary (canaryTrafficPercent 20) to a new
  storageUri, TorchServe's own `Model ... loaded.` line;
- feature-pipeline: a plain FastAPI model server whose features arrive defaulted after a failed
  feature backfill Job (no Feast, no freshness gauge);
- model-drift: the same FastAPI stack, an input feature's histogram drifting.
"""

from __future__ import annotations

import json

from bench.variants import clock
from bench.variants.bundle import Bundle, Truth
from bench.variants.mlstacks import Stack, histogram, inference_service
from bench.variants.registry import variant
from bench.variants.scene import decoy, history, run
from bench.variants.v_mlops import MUST_NOT, SCORE, _kpi, _paste, _scene, _serve, _uri_section
from bench.variants.workload import Workload, start_pod_events

MODERATION = Stack("torchserve", "trust", "image-moderation-predictor", "image_moderation", "upload-api", "slog",
                   "appeal_rate", "moderation_prediction_score", SCORE)
ETA = Stack("fastapi", "logistics", "eta-predictor", "eta_gbm", "dispatch-api", "spring",
            "on_time_ratio", "eta_prediction_minutes", (5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0))
INCOME = Stack("fastapi", "lending", "default-risk", "default_gbm", "loan-portal", "rails",
               "funded_ratio", "applicant_income_feature", (1e3, 2e3, 3e3, 4e3, 5e3, 7.5e3, 1e4, 1.5e4))


@variant("mlreg-moderation-torchserve-canary", "model-regression", "KServe canary (20%) with a TorchServe runtime, Go caller",
         "gke", "2026-07-07T15:41:20Z", "inferenceservice.json, pods/*image-moderation-predictor*.log",
         "InferenceService canary to a new storageUri; TorchServe 'Model image_moderation loaded.'", metric_borne=True)
def torchserve_regression(b: Bundle) -> None:
    """A canary of a new moderation model gets 20% of traffic; blocks and appeals jump."""
    st = MODERATION
    sc = _scene(b, st)
    change = b.onset - 3 * 60
    run(b, sc)
    w = sc[st.server]
    from bench.variants.mlstacks import load_lines

    for t, line in load_lines(st, change + 40, "1", "2"):
        w.log(b, 0).add(t, line)
    doc = json.loads(inference_service(b, st, "gs://trust-models/image_moderation/v2", change, 9, b.start - 86400 * 80))
    doc["spec"]["predictor"]["canaryTrafficPercent"] = 20
    doc["spec"]["predictor"]["model"].update({"modelFormat": {"name": "pytorch"}, "runtime": "kserve-torchserve",
                                              "runtimeVersion": "0.11.1"})
    doc["status"]["components"]["predictor"]["traffic"] = [
        {"latestRevision": True, "percent": 20, "revisionName": f"{st.server}-00009", "tag": "latest"},
        {"latestRevision": False, "percent": 80, "revisionName": f"{st.server}-00008", "tag": "prev"}]
    b.file("inferenceservice.json", json.dumps(doc, indent=2) + "\n")
    _serve(b, sc, st, slow=1.9, after=b.onset)
    histogram(b, st, lambda t: 0.45 if t >= b.onset else 0.0, per_s=5.0)
    _kpi(b, st, lambda t: 0.011 if t < b.onset else 0.024)
    history(b, [(st.server, 8, [None, None, None]), (st.caller, 21, [None, None, None])])
    b.truth = Truth("model-regression", clock.iso(b.onset), {"kind": "Deployment", "namespace": st.ns, "name": st.server}, None,
                    ["gs://trust-models/image_moderation/v2", f"{st.histogram}_bucket", st.kpi], MUST_NOT,
                    [{"kind": "InferenceService", "namespace": st.ns, "name": "image-moderation"}])
    _paste(b, sc, st, "appeals spiking since the canary went out?", [_uri_section(st, "gs://trust-models/image_moderation/v2")])


def _backfill(b: Bundle, ns: str, name: str, fail_from: float, error: str) -> None:
    """An hourly feature backfill Job (Spark driver lines) failing from `fail_from` on."""
    t = (b.start // 1800 + 1) * 1800
    while t < b.end - 120:
        stamp = int(t // 60)
        job, pod = f"{name}-{stamp}", f"{name}-{stamp}-{b.pod_suffix()}"
        w = Workload(ns, job, "logrus", name, b.image(f"data/{name}", "2.4.0"), job, [pod], [b.node(stamp)], [b.pod_ip()],
                     [b.uid()], True, [("GET", "/")], alive=[(t, t + 120)])
        b.event(ns, "CronJob", name, "SuccessfulCreate", f"Created job {job}", t, component="cronjob-controller", api_version="batch/v1")
        started = start_pod_events(b, w, 0, t + 0.4, pulled=False)
        stamp_s = f"{clock.dt(started + 5):%y/%m/%d %H:%M:%S}"
        w.log(b, 0).add(started + 5, f"{stamp_s} INFO SparkContext: Running Spark version 3.5.1")
        if t < fail_from:
            w.log(b, 0).add(started + 80, f"{clock.dt(started + 80):%y/%m/%d %H:%M:%S} INFO FeatureBackfill: wrote 184220 rows to the online store")
            b.event(ns, "Job", job, "Completed", "Job completed", started + 85, component="job-controller", api_version="batch/v1")
        else:
            w.log(b, 0).add(started + 61, f"{clock.dt(started + 61):%y/%m/%d %H:%M:%S} ERROR FeatureBackfill: {error}")
            b.event(ns, "Job", job, "BackoffLimitExceeded", "Job has reached the specified backoff limit", started + 64,
                    type_="Warning", component="job-controller", api_version="batch/v1")
        t += 1800


@variant("mlfeat-eta-fastapi-backfill", "feature-pipeline", "FastAPI + LightGBM model server, Spark feature backfill CronJob",
         "eks", "2026-07-14T06:18:40Z", "pods/*eta-predictor*.log, pods/*traffic-features-backfill*.log",
         "server: missing features ['traffic_speed_5m'] defaulted; Spark job: schema error", metric_borne=True)
def fastapi_feature(b: Bundle) -> None:
    """The traffic feature backfill fails on a schema change; the ETA model gets defaulted features."""
    st = ETA
    sc = _scene(b, st)
    run(b, sc)
    _backfill(b, "data", "traffic-features-backfill", b.onset - 25 * 60,
              "Job aborted due to stage failure: org.apache.spark.sql.AnalysisException: [UNRESOLVED_COLUMN] "
              "A column `speed_kph` cannot be resolved.")
    w = sc[st.server]
    t = b.onset
    while t < b.end:
        w.log(b, int(t) % len(w.pods)).add(t, f"WARNING:  eta.features: missing features ['traffic_speed_5m', 'traffic_speed_15m'] "
                                              f"for request {b.hexid(12)}; using default value 0.0")
        t += 75
    _serve(b, sc, st)
    histogram(b, st, lambda t: -0.6 if t >= b.onset else 0.0, per_s=5.0)
    _kpi(b, st, lambda t: 0.91 if t < b.onset else 0.78)
    history(b, [(st.server, 5, [None, None, None]), (st.caller, 17, [None, None, None])])
    b.truth = Truth("feature-pipeline", clock.iso(b.onset), {"kind": "CronJob", "namespace": "data", "name": "traffic-features-backfill"},
                    None, ["missing features ['traffic_speed_5m', 'traffic_speed_15m']", "A column `speed_kph` cannot be resolved",
                           st.kpi],
                    MUST_NOT, [{"kind": "Deployment", "namespace": st.ns, "name": st.server}])
    _paste(b, sc, st, "ETAs way off since early morning; predictor log:")


@variant("mldrift-income-fastapi", "model-drift", "FastAPI + GBM default-risk model, Rails caller", "aks", "2026-07-21T17:55:00Z",
         "metrics.json", "applicant_income_feature histogram creeps up; no change, no failed job", metric_borne=True)
def fastapi_drift(b: Bundle) -> None:
    """Applicant incomes creep up as a new partner channel grows; the model's input drifts."""
    st = INCOME
    sc = _scene(b, st)
    decoy(b, sc, "storefront", "8.3.0", b.onset - 18 * 60)
    run(b, sc)
    _serve(b, sc, st)
    span = b.end - b.start
    histogram(b, st, lambda t: 0.8 * (t - b.start) / span, per_s=5.0)
    _kpi(b, st, lambda t: 0.34 - 0.05 * (t - b.start) / span)
    b.alert("FeatureDistributionDrift", {"namespace": st.ns, "service": st.server},
            "applicant income feature drifts", f"{st.histogram} for {st.ns}/{st.server} moved away from its training baseline.",
            b.onset, expr=f"sum(rate({st.histogram}_bucket[1h]))")
    history(b, [(st.server, 9, [None, None, None]), (st.caller, 33, [None, None, None])])
    b.truth = Truth("model-drift", clock.iso(b.onset), {"kind": "Deployment", "namespace": st.ns, "name": st.server}, None,
                    [f"{st.histogram}_bucket", "FeatureDistributionDrift", st.kpi], MUST_NOT)
    _paste(b, sc, st, f"[FIRING:1] FeatureDistributionDrift ({st.ns} {st.server}): {st.histogram} moved away from its "
                      "training baseline. Nothing changed on our side:")
