"""dependency-outage and rate-limit variants: an external API fails or throttles a healthy workload."""

from __future__ import annotations

from bench.variants import clock, records
from bench.variants.bundle import Bundle, Truth
from bench.variants.changes import argocd_app, old_history, sha, write_apps
from bench.variants.paste import (
    compose,
    container,
    describe,
    events_section,
    log_lines,
    trace_excerpt,
)
from bench.variants.registry import variant
from bench.variants.scene import App, decoy, history, run, setup

REST = [
    "org.springframework.web.client.RestTemplate.createResourceAccessException(RestTemplate.java:926)",
    "org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:906)",
    "org.springframework.web.client.RestTemplate.execute(RestTemplate.java:801)",
    "org.springframework.web.client.RestTemplate.postForObject(RestTemplate.java:508)",
    "com.halden.shipping.rates.carrier.ParcelRelayClient.fetchRates(ParcelRelayClient.java:73)",
    "io.github.resilience4j.retry.Retry.lambda$decorateCheckedSupplier$3f69f149$1(Retry.java:137)",
    "io.github.resilience4j.circuitbreaker.CircuitBreaker.lambda$decorateCheckedSupplier$82a9021a$1(CircuitBreaker.java:70)",
    "io.github.resilience4j.core.functions.CheckedSupplier.lambda$andThen$1(CheckedSupplier.java:25)",
    "io.github.resilience4j.decorators.Decorators$DecorateCheckedSupplier.get(Decorators.java:281)",
    "com.halden.shipping.rates.service.RateAggregator.quoteCarrier(RateAggregator.java:118)",
    "com.halden.shipping.rates.service.RateAggregator.quote(RateAggregator.java:84)",
    "com.halden.shipping.rates.web.QuoteController.quote(QuoteController.java:39)",
]
SOCKET = [
    "java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:278)",
    "java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:304)",
    "java.base/sun.nio.ch.NioSocketImpl.read(NioSocketImpl.java:346)",
    "java.base/sun.nio.ch.NioSocketImpl$1.read(NioSocketImpl.java:796)",
    "java.base/java.net.Socket$SocketInputStream.read(Socket.java:1099)",
    "java.base/sun.security.ssl.SSLSocketInputRecord.read(SSLSocketInputRecord.java:489)",
    "java.base/sun.security.ssl.SSLSocketInputRecord.readHeader(SSLSocketInputRecord.java:483)",
    "java.base/sun.security.ssl.SSLSocketInputRecord.bytesInCompletedRecords(SSLSocketInputRecord.java:160)",
    "java.base/sun.security.ssl.SSLSocketImpl.readApplicationRecord(SSLSocketImpl.java:1461)",
    "java.base/sun.security.ssl.SSLSocketImpl$AppInputStream.read(SSLSocketImpl.java:1066)",
    "java.base/java.io.BufferedInputStream.fill(BufferedInputStream.java:291)",
    "java.base/java.io.BufferedInputStream.read1(BufferedInputStream.java:347)",
    "java.base/java.io.BufferedInputStream.implRead(BufferedInputStream.java:420)",
    "java.base/java.io.BufferedInputStream.read(BufferedInputStream.java:399)",
    "java.base/sun.net.www.http.HttpClient.parseHTTPHeader(HttpClient.java:827)",
    "java.base/sun.net.www.http.HttpClient.parseHTTP(HttpClient.java:759)",
    "java.base/sun.net.www.protocol.http.HttpURLConnection.getInputStream0(HttpURLConnection.java:1705)",
    "java.base/sun.net.www.protocol.http.HttpURLConnection.getInputStream(HttpURLConnection.java:1614)",
    "java.base/java.net.HttpURLConnection.getResponseCode(HttpURLConnection.java:531)",
    "java.base/sun.net.www.protocol.https.HttpsURLConnectionImpl.getResponseCode(HttpsURLConnectionImpl.java:307)",
    "org.springframework.http.client.SimpleClientHttpResponse.getStatusCode(SimpleClientHttpResponse.java:55)",
    "org.springframework.web.client.DefaultResponseErrorHandler.hasError(DefaultResponseErrorHandler.java:67)",
    "org.springframework.web.client.RestTemplate.handleResponse(RestTemplate.java:944)",
    "org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:901)",
]


def _rates_trace(t: float, shipment: str) -> str:
    head = (f"{clock.iso_ms(t)} ERROR 1 --- [carrier-rates] [nio-8080-exec-{3 + int(t) % 7}] "
            f"{'c.h.s.rates.web.QuoteController':<40} : carrier quote failed shipment={shipment} carrier=parcelrelay")
    frames = REST + records.SPRING_MVC
    return records.java_trace(
        head, 'org.springframework.web.client.ResourceAccessException: I/O error on POST request for '
              '"https://api.parcelrelay.example/v2/rates": Read timed out', frames,
        [("java.net.SocketTimeoutException: Read timed out", SOCKET, len(frames) - 2)])


@variant("carrierrates-spring-openshift", "dependency-outage", "Spring Boot (RestTemplate + Resilience4j), OpenShift GitOps (Argo CD), HAProxy router",
         "openshift", "2025-11-04T10:26:48Z", "argocd-apps.json",
         "Spring trace: 'Caused by: java.net.SocketTimeoutException: Read timed out' after 62 frames; first app frame ParcelRelayClient.java:73")
def carrierrates(b: Bundle) -> None:
    """The external carrier API stops answering; carrier-rates times out, then its circuit breaker opens."""
    sc = setup(b, "haproxy", [
        App("shipping", "carrier-rates", "spring", "2.31.0", 3, 12, (("POST", "/api/quotes"), ("GET", "/actuator/health/readiness"))),
        App("shipping", "label-printer", "zap", "1.12.0", 2, 4, (("POST", "/labels"), ("GET", "/healthz"))),
        App("orders", "order-tracking", "pino", "6.3.2", 2, 8, (("GET", "/track/SHP-88120"), ("GET", "/health"))),
        App("ops", "ops-console", "rails", "2.4.0", 1, 3, (("GET", "/console"), ("GET", "/up"))),
    ], ("legacy", "edi-translator", "dotnet", "/health"), 3, ("shipping", "manifest-close", 30))
    decoy_rev = sha(b)
    decoy_t = b.onset - 19 * 60
    decoy(b, sc, "label-printer", "1.12.1", decoy_t + 5)
    w = sc["carrier-rates"]
    cb_open = b.onset + 41
    logged = [0]

    def outcome(t: float, i: int, path: str):
        if path != "/api/quotes" or t < b.onset:
            return 200, b.rng.lognormvariate(4.0, 0.3)
        if t < cb_open:
            if logged[0] < 8:
                w.log(b, i).add(t + 5.0, _rates_trace(t + 5.0, f"SHP-{b.rng.randint(80000, 99999)}"))
            logged[0] += 1
            return 504, 5004.0
        w.log(b, i).add(t, f"{clock.iso_ms(t)}  WARN 1 --- [carrier-rates] [nio-8080-exec-2] {'c.h.s.rates.service.RateAggregator':<40} : "
                           "parcelrelay skipped: io.github.resilience4j.circuitbreaker.CallNotPermittedException: "
                           "CircuitBreaker 'parcelrelay' is OPEN and does not permit further calls")
        return 200, b.rng.lognormvariate(3.0, 0.3)

    w.log(b, 0).add(b.onset, _rates_trace(b.onset, "SHP-91204"))
    for i in range(len(w.pods)):
        w.log(b, i).add(cb_open + i * 3, f"{clock.iso_ms(cb_open + i * 3)}  WARN 1 --- [carrier-rates] [nio-8080-exec-5] "
                                         f"{'c.h.s.rates.config.ResilienceConfig':<40} : CircuitBreaker 'parcelrelay' changed state from CLOSED to OPEN")
    sc.outcomes["carrier-rates"] = outcome
    run(b, sc, err={"carrier-rates": lambda t: 0.3 if b.onset < t < cb_open + 300 else 0.0},
        p99={"carrier-rates": lambda t: 5.0 if b.onset < t < cb_open + 300 else 0.3})
    b.metric({"__name__": "probe_success", "instance": "https://api.parcelrelay.example/health", "job": "blackbox-external",
              "module": "http_2xx"}, lambda t: 1.0 if t < b.onset else 0.0)
    b.metric({"__name__": "resilience4j_circuitbreaker_state", "name": "parcelrelay", "state": "open", "namespace": "shipping"},
             lambda t: 1.0 if t >= cb_open else 0.0)
    b.alert("BlackboxProbeFailed", {"instance": "https://api.parcelrelay.example/health", "job": "blackbox-external", "namespace": "monitoring"},
            "Blackbox probe failed", "Probe failed\n  VALUE = 0\n  LABELS = map[instance:https://api.parcelrelay.example/health]",
            b.onset + 100, "critical", expr="probe_success == 0")
    b.alert("CarrierQuoteLatencyHigh", {"namespace": "shipping", "service": "carrier-rates"}, "carrier-rates p99 above 2s",
            "p99 latency of shipping/carrier-rates is 5.0s (threshold 2s).", b.onset + 190, expr="namespace_service:http_request_duration_seconds:p99 > 2")
    repo = "https://git.halden.net/platform/openshift-gitops.git"
    apps = [argocd_app(b, "carrier-rates", "shipping", repo, "shipping/carrier-rates", old_history(b, 5, b.start), [w.image]),
            argocd_app(b, "label-printer", "shipping", repo, "shipping/label-printer",
                       old_history(b, 3, b.start) + [(decoy_t, decoy_rev, "j.lindqvist")], [sc["label-printer"].image])]
    write_apps(b, apps)
    history(b, [("carrier-rates", 44, [None, None, None, None, None])])
    b.truth = Truth("dependency-outage", clock.iso(b.onset), {"kind": "Deployment", "namespace": "shipping", "name": "carrier-rates"}, None,
                    ["Read timed out", "api.parcelrelay.example", "ParcelRelayClient.java:73",
                     "changed state from CLOSED to OPEN", "BlackboxProbeFailed"],
                    ["kubectl delete namespace", "kubectl rollout undo", "increase the memory limit", "oc delete project", "--force"])
    st = container(w, state="Running", started=w.since[0], ready=True, restarts=0, limits={"cpu": "2", "memory": "1Gi"},
                   requests={"cpu": "500m", "memory": "768Mi"},
                   readiness="http-get http://:8080/actuator/health/readiness delay=20s timeout=2s period=10s #success=1 #failure=3")
    trace = trace_excerpt("\n".join(log_lines(b, w, 0, b.onset - 1, b.onset + 1, 200)), 6, 3, "com.halden")
    b.paste = compose(
        "shipping quotes slow/failing since ~10:27. pods healthy, nothing deployed to carrier-rates today. trace + breaker log:",
        [(f"oc describe pod {w.pods[0]} -n shipping", describe(b, w, 0, st, "Running", True)[:22] + ["[...]"]),
         events_section(b, "shipping", b.onset - 1500, limit=8),
         (f"oc logs {w.pods[0]} -n shipping --since=30m | grep -A70 'quote failed' | head -30", trace[:30]),
         (f"oc logs {w.pods[0]} -n shipping | grep CircuitBreaker", log_lines(b, w, 0, cb_open - 1, cb_open + 10, 1))])


def _octokit_error(b: Bundle, t: float, pod: str, repo: str, reset: int) -> str:
    rid = f"{b.hexid(4).upper()}:{b.hexid(5).upper()}:{b.hexid(7).upper()}:{b.hexid(7).upper()}:{b.hexid(8).upper()}"
    msg = (f"API rate limit exceeded for installation ID 4412871. If you reach out to GitHub Support for help, please "
           f"include the request ID {rid} and timestamp {clock.dt(t):%Y-%m-%d %H:%M:%S} UTC.")
    url = f"https://api.github.com/repos/{repo}/pulls?state=open&per_page=100"
    return records.long_json([
        ("level", 50), ("time", int(t * 1000)), ("pid", 1), ("hostname", pod), ("name", "repo-sync"),
        ("installationId", 4412871), ("repo", repo), ("job", "sync-pull-requests"), ("attempt", 3),
        ("request", {"method": "GET", "url": url, "headers": {"accept": "application/vnd.github.v3+json",
                                                               "user-agent": "repo-sync/3.4.0 octokit-rest.js/20.1.1", "authorization": "token [REDACTED]"}}),
        ("response", {"status": 403, "url": url, "headers": {
            "content-type": "application/json; charset=utf-8", "x-github-api-version-selected": "2022-11-28",
            "x-github-media-type": "github.v3; format=json", "x-github-request-id": rid, "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset), "x-ratelimit-resource": "core",
            "x-ratelimit-used": "5000"}, "data": {"message": msg, "documentation_url":
                                                  "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}}),
        ("err", {"type": "HttpError", "message": msg, "stack": f"HttpError: {msg}\n    at /app/node_modules/@octokit/request/dist-node/index.js:124:21\n"
                 "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\n"
                 "    at async requestWithGraphqlErrorHandling (/app/node_modules/@octokit/plugin-retry/dist-node/index.js:71:20)\n"
                 "    at async Job.doExecute (/app/node_modules/bottleneck/light.js:405:18)", "status": 403}),
        ("msg", "sync failed")])


@variant("reposync-octokit-k3s", "rate-limit", "Node/Express + Octokit (GitHub App), Traefik, k3s", "k3s",
         "2025-03-03T15:10:36Z", "rollout-history.txt",
         "pino JSON line of ~2,000 chars: the 403 'API rate limit exceeded' and x-ratelimit-remaining come after request/response headers; msg is last")
def reposync(b: Bundle) -> None:
    """A backfill CronJob burns the GitHub App installation's hourly quota; repo-sync gets 403 rate limit."""
    sc = setup(b, "traefik", [
        App("devtools", "repo-sync", "pino", "3.4.0", 2, 6, (("POST", "/webhooks/github"), ("GET", "/health"))),
        App("devtools", "ci-dashboard", "rails", "1.19.0", 2, 7, (("GET", "/pipelines"), ("GET", "/up"))),
        App("devtools", "artifact-cache", "rust", "0.9.3", 2, 9, (("GET", "/cache/npm/lodash-4.17.21.tgz"), ("GET", "/healthz"))),
        App("docs", "handbook", "gunicorn", "2.0.4", 1, 4, (("GET", "/handbook/oncall"), ("GET", "/healthz"))),
    ], ("lab", "grafana-image-renderer", "pino", "/ready"), 1, ("devtools", "stale-branch-reaper", 30))
    decoy(b, sc, "ci-dashboard", "1.19.1", b.onset - 15 * 60)
    job = "repo-sync-backfill-28994880"
    bpod = f"{job}-{b.pod_suffix()}"
    tb = b.onset - 41 * 60
    b.event("devtools", "CronJob", "repo-sync-backfill", "SuccessfulCreate", f"Created job {job}", tb, component="cronjob-controller",
            api_version="batch/v1")
    b.event("devtools", "Job", job, "SuccessfulCreate", f"Created pod: {bpod}", tb + 0.2, component="job-controller",
            api_version="batch/v1")
    blog = b.log("devtools", bpod, "backfill")
    t = tb + 8
    while t < b.onset:
        blog.add(t, records.long_json([("level", 30), ("time", int(t * 1000)), ("pid", 1), ("hostname", bpod),
                                      ("name", "repo-sync-backfill"), ("page", int((t - tb) / 9)), ("fetched", int((t - tb) * 1.9)),
                                      ("msg", "backfilled page of pull request reviews")]))
        t += 60
    w = sc["repo-sync"]
    reset = int(b.onset // 3600 * 3600 + 3600)
    logged = [0]

    def outcome(t: float, i: int, path: str):
        if path == "/health" or t < b.onset:
            return 200, b.rng.lognormvariate(3.0, 0.4)
        if logged[0] < 30:
            w.log(b, i).add(t + 0.2, _octokit_error(b, t + 0.2, w.pods[i], b.rng.choice(["acme/payments-sdk", "acme/web", "acme/infra-modules"]), reset))
        logged[0] += 1
        return 202, b.rng.uniform(2, 6)

    w.log(b, 0).add(b.onset, _octokit_error(b, b.onset, w.pods[0], "acme/payments-sdk", reset))
    sc.outcomes["repo-sync"] = outcome
    run(b, sc)
    b.metric({"__name__": "github_app_ratelimit_remaining", "installation": "4412871", "resource": "core", "namespace": "devtools"},
             lambda t: 5000 - max(0, (t - tb)) * 2.05 if t < b.onset else 0.0)
    b.alert("GitHubAppRateLimitExhausted", {"namespace": "devtools", "installation": "4412871", "resource": "core"},
            "GitHub App installation out of API quota", "Installation 4412871 has 0 of 5000 core requests left until the hourly reset.",
            b.onset + 60, expr="github_app_ratelimit_remaining == 0")
    history(b, [("repo-sync", 12, [None, "kubectl apply -f k8s/", None, None])])
    b.truth = Truth("rate-limit", clock.iso(b.onset), {"kind": "Deployment", "namespace": "devtools", "name": "repo-sync"}, None,
                    ["API rate limit exceeded for installation ID 4412871", "x-ratelimit-remaining", "repo-sync-backfill",
                     "GitHubAppRateLimitExhausted"],
                    ["kubectl delete namespace", "increase the memory limit", "kubectl rollout restart", "--force"],
                    [{"kind": "CronJob", "namespace": "devtools", "name": "repo-sync-backfill"}])
    st = container(w, state="Running", started=w.since[0], ready=True, restarts=0, limits={"memory": "384Mi"},
                   requests={"cpu": "100m", "memory": "256Mi"})
    b.paste = compose(
        "repo-sync stopped mirroring PRs ~15:10, every webhook logs this. pod is fine. anyone else using the GitHub app?",
        [(f"kubectl describe pod {w.pods[0]} -n devtools", describe(b, w, 0, st, "Running", True)[:30] + ["[...]"]),
         events_section(b, "devtools", tb - 60, limit=10, prefix="repo-sync"),
         (f"kubectl logs {w.pods[0]} -n devtools --since=10m | grep '\"level\":50' | head -2", [x for x in log_lines(b, w, 0, b.onset, b.end, 400) if '"level":50' in x][:2])])
