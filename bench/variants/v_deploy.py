"""bad-deploy variants: a new version breaks a request path right after its rollout."""

from __future__ import annotations

from bench.variants import clock, records
from bench.variants.bundle import Bundle, Truth
from bench.variants.changes import (
    Commit,
    argocd_app,
    background_commits,
    git_log_fuller,
    old_history,
    sha,
    write_apps,
)
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
from bench.variants.workload import rollout

FX_TOP = [
    "org.springframework.web.client.HttpMessageConverterExtractor.extractData(HttpMessageConverterExtractor.java:118)",
    "org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:891)",
    "org.springframework.web.client.RestTemplate.execute(RestTemplate.java:790)",
    "org.springframework.web.client.RestTemplate.getForObject(RestTemplate.java:380)",
    "com.northwind.ledger.fx.FxRatesClient.quote(FxRatesClient.kt:57)",
    "com.northwind.ledger.service.PostingService.convert(PostingService.kt:171)",
    "com.northwind.ledger.service.PostingService.post(PostingService.kt:142)",
]
FX_MID = ["com.northwind.ledger.service.PostingService$$SpringCGLIB$$0.post(<generated>)",
          "com.northwind.ledger.web.PostingController.create(PostingController.kt:48)"]
JACKSON = [
    "org.springframework.http.converter.json.AbstractJackson2HttpMessageConverter.readJavaType(AbstractJackson2HttpMessageConverter.java:406)",
    "org.springframework.http.converter.json.AbstractJackson2HttpMessageConverter.read(AbstractJackson2HttpMessageConverter.java:354)",
    "org.springframework.web.client.HttpMessageConverterExtractor.extractData(HttpMessageConverterExtractor.java:105)",
]
KOTLIN_MOD = [
    "com.fasterxml.jackson.module.kotlin.KotlinValueInstantiator.createFromObjectWith(KotlinValueInstantiator.kt:84)",
    "com.fasterxml.jackson.databind.deser.impl.PropertyBasedCreator.build(PropertyBasedCreator.java:202)",
    "com.fasterxml.jackson.databind.deser.BeanDeserializer._deserializeUsingPropertyBased(BeanDeserializer.java:526)",
    "com.fasterxml.jackson.databind.deser.BeanDeserializerBase.deserializeFromObjectUsingNonDefault(BeanDeserializerBase.java:1493)",
    "com.fasterxml.jackson.databind.deser.BeanDeserializer.deserializeFromObject(BeanDeserializer.java:348)",
    "com.fasterxml.jackson.databind.deser.BeanDeserializer.deserialize(BeanDeserializer.java:185)",
    "com.fasterxml.jackson.databind.deser.DefaultDeserializationContext.readRootValue(DefaultDeserializationContext.java:342)",
    "com.fasterxml.jackson.databind.ObjectReader._bindAndClose(ObjectReader.java:2125)",
    "com.fasterxml.jackson.databind.ObjectReader.readValue(ObjectReader.java:1501)",
    "org.springframework.http.converter.json.AbstractJackson2HttpMessageConverter.readJavaType(AbstractJackson2HttpMessageConverter.java:395)",
]
MISSING = ("com.fasterxml.jackson.module.kotlin.MissingKotlinParameterException: Instantiation of [simple type, "
           "class com.northwind.ledger.fx.FxQuote] value failed for JSON property rateScale due to missing "
           "(therefore NULL) value for creator parameter rateScale which is a non-nullable type")


def _ledger_trace(t: float, rid: str, thread: int) -> str:
    head = (f"{clock.iso_ms(t)} ERROR 1 --- [ledger-api] [nio-8080-exec-{thread}] "
            f"{'c.n.ledger.web.ApiExceptionHandler':<40} : Unhandled exception on POST /api/v2/postings (traceId={rid})")
    frames = FX_TOP + records.SPRING_TX_PROXY + FX_MID + records.SPRING_MVC
    causes = [
        ("org.springframework.http.converter.HttpMessageNotReadableException: JSON parse error: Instantiation of "
         "[simple type, class com.northwind.ledger.fx.FxQuote] value failed for JSON property rateScale due to "
         "missing (therefore NULL) value for creator parameter rateScale which is a non-nullable type", JACKSON, len(frames) - 1),
        (MISSING + "\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 142] "
         "(through reference chain: com.northwind.ledger.fx.FxQuote[\"rateScale\"])", KOTLIN_MOD, len(frames) + 1),
    ]
    return records.java_trace(head, "org.springframework.web.client.RestClientException: Error while extracting "
                              "response for type [class com.northwind.ledger.fx.FxQuote] and content type "
                              "[application/json]", frames, causes)


@variant("ledger-kotlin-argocd", "bad-deploy", "Kotlin/Spring Boot 3 + PostgreSQL, ingress-nginx, Argo CD", "eks",
         "2025-02-18T14:07:31Z", "argocd-apps.json",
         "Spring trace: MissingKotlinParameterException in the 2nd Caused by, after 70+ frames; first app frame FxRatesClient.kt:57")
def ledger(b: Bundle) -> None:
    """ledger-api 4.8.0 made FxQuote.rateScale non-nullable; the FX service does not send it."""
    sc = setup(b, "nginx", [
        App("billing", "ledger-api", "spring", "4.7.3", 3, 10,
            (("POST", "/api/v2/postings"), ("GET", "/api/v2/accounts/acc_93811/balance"), ("GET", "/actuator/health/readiness"))),
        App("billing", "invoice-renderer", "zap", "2.12.0", 2, 4, (("POST", "/render"), ("GET", "/healthz"))),
        App("accounts", "identity-gateway", "pino", "5.3.1", 2, 8, (("POST", "/oauth2/token"), ("GET", "/userinfo"))),
        App("web", "partner-portal", "rails", "2024.12.2", 2, 5, (("GET", "/partners/dashboard"), ("GET", "/up"))),
    ], ("bi", "legacy-etl-ui", "gunicorn", "/ready"), 0, ("billing", "ledger-snapshot", 15))
    rev, decoy_rev = sha(b), sha(b)
    t_sync = b.onset - 95
    decoy(b, sc, "identity-gateway", "5.3.2", b.onset - 31 * 60)
    old = sc["ledger-api"]
    new = rollout(b, old, "4.8.0", t_sync + 3)
    errors: list[float] = []

    def ledger_outcome(t: float, i: int, path: str):
        if path != "/api/v2/postings" or t < b.onset:
            return 200, b.rng.lognormvariate(3.2, 0.4)
        if len(errors) < 10:
            new.log(b, i).add(t - 0.004, _ledger_trace(t - 0.004, b.hexid(16), b.rng.randint(1, 9)))
        errors.append(t)
        return 500, b.rng.uniform(30, 60)

    new.alive = [(max(s, b.onset), u) for s, u in new.alive]
    first = new.log(b, 0)
    first.add(b.onset, _ledger_trace(b.onset, b.hexid(16), 4))
    sc.outcomes["ledger-api"] = ledger_outcome
    sc.apps["ledger-api"] = new
    from bench.variants.workload import traffic
    traffic(b, old, 10, None, (sc.ing, "nginx"))
    run(b, sc, err={"ledger-api": lambda t: 0.31 if t > b.onset + 60 else 0.0})
    b.alert("LedgerApiHighErrorRate", {"namespace": "billing", "service": "ledger-api"},
            "ledger-api 5xx ratio above 5%", "31% of requests to billing/ledger-api returned 5xx over the last 5 minutes.",
            b.onset + 180, "critical", expr='sum(rate(http_server_requests_seconds_count{namespace="billing",status=~"5.."}[5m]))')
    apps = [
        argocd_app(b, "ledger-api-prod", "billing", "https://github.com/northwind-fin/gitops.git", "apps/billing/ledger-api",
                   old_history(b, 4, b.start) + [(t_sync, rev, "kasia.wrobel")], [new.image]),
        argocd_app(b, "identity-gateway-prod", "accounts", "https://github.com/northwind-fin/gitops.git",
                   "apps/accounts/identity-gateway", old_history(b, 3, b.start) + [(b.onset - 31 * 60 - 4, decoy_rev, None)],
                   [sc["identity-gateway"].image]),
    ]
    write_apps(b, apps)
    history(b, [("ledger-api", 31, [None, "ci: ledger-api 4.6.9", "ci: ledger-api 4.7.0", None, "ci: ledger-api 4.7.3",
                                     "ci: ledger-api 4.8.0"])])
    b.truth = Truth("bad-deploy", clock.iso(b.onset), {"kind": "Deployment", "namespace": "billing", "name": "ledger-api"},
                    rev, ["value failed for JSON property rateScale", "FxRatesClient.kt:57", "ledger-api:4.8.0",
                          rev[:7], "LedgerApiHighErrorRate"],
                    ["kubectl delete namespace", "increase the memory limit", "kubectl delete deployment ledger-api",
                     "--force"])
    st = container(new, state="Running", started=new.since[0], ready=True, limits={"cpu": "2", "memory": "1536Mi"},
                   requests={"cpu": "500m", "memory": "1Gi"},
                   readiness="http-get http://:8080/actuator/health/readiness delay=20s timeout=2s period=10s #success=1 #failure=3")
    trace = trace_excerpt(_ledger_trace(b.onset, "5be1c0d93f2a7e11", 4))
    b.paste = compose(
        "ledger postings are 500ing since ~14:07, right after the 4.8.0 sync. readiness is green, no restarts. what am I missing?",
        [(f"kubectl describe pod {new.pods[0]} -n billing", describe(b, new, 0, st, "Running", True)),
         events_section(b, "billing", b.onset - 300, ("ScalingReplicaSet", "SuccessfulCreate", "Killing", "Pulled"),
                        prefix="ledger-api"),
         (f"kubectl logs {new.pods[0]} -n billing --since=10m | grep -A200 ERROR | head -40", trace[:40])])


def _pino_error(t: float, pod: str, rid: str, basket: str, client: str) -> str:
    headers = [("host", "basket-service.commerce.svc.cluster.local"), ("user-agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"),
               ("content-type", "application/json"), ("accept", "application/json"), ("x-forwarded-proto", "https"),
               ("x-forwarded-for", "81.23.144.9"), ("x-request-id", rid), ("x-envoy-attempt-count", "1"),
               ("x-envoy-external-address", "81.23.144.9"), ("traceparent", f"00-{rid.replace('-', '')}-{rid[:16]}-01"),
               ("x-b3-traceid", rid.replace("-", "")[:32]), ("x-b3-spanid", rid[:16]), ("x-b3-sampled", "1"),
               ("content-length", "64")]
    return records.long_json([
        ("level", 50), ("time", int(t * 1000)), ("pid", 1), ("hostname", pod), ("context", "ExceptionsHandler"),
        ("req", {"id": rid, "method": "POST", "url": f"/v1/baskets/{basket}/vouchers", "query": {}, "params": {"0": basket},
                 "headers": dict(headers), "remoteAddress": client, "remotePort": 51544}),
        ("res", {"statusCode": 500, "headers": {"x-powered-by": "Express", "content-type": "application/json; charset=utf-8"}}),
        ("err", {"type": "TypeError", "message": "Cannot read properties of undefined (reading 'currencyCode')",
                 "stack": "TypeError: Cannot read properties of undefined (reading 'currencyCode')\n"
                          "    at VoucherService.applyVoucher (/app/dist/vouchers/voucher.service.js:88:41)\n"
                          "    at async BasketController.applyVoucher (/app/dist/basket/basket.controller.js:64:24)\n"
                          "    at async /app/node_modules/@nestjs/core/router/router-execution-context.js:46:28\n"
                          "    at async /app/node_modules/@nestjs/core/router/router-proxy.js:9:17"}),
        ("responseTime", 11), ("msg", "request errored with status code 500"),
    ])


@variant("basket-nestjs-gitlog", "bad-deploy", "NestJS (pino) + Redis, Istio ingress gateway, Flux + git log", "gke",
         "2025-05-06T19:42:10Z", "git-log.txt",
         "pino JSON line of ~1,400 chars: err.message and the voucher.service.js frame come after request headers")
def basket(b: Bundle) -> None:
    """basket-service 7.3.0 assumes every voucher has a price object; legacy vouchers do not."""
    sc = setup(b, "envoy", [
        App("commerce", "basket-service", "pino", "7.2.4", 3, 12,
            (("POST", "/v1/baskets/b_77120/vouchers"), ("GET", "/v1/baskets/b_77120"), ("POST", "/v1/baskets/b_77120/items"))),
        App("commerce", "basket-redis", "logrus", "7.2.5", 1, 0, (("GET", "/"),), exposed=False, kind="StatefulSet"),
        App("catalog", "search-frontend", "slog", "3.18.0", 2, 7, (("GET", "/search?q=lamp"), ("GET", "/healthz"))),
        App("payments", "psp-bridge", "zap", "1.44.2", 2, 4, (("POST", "/v1/intents"), ("GET", "/readyz"))),
    ], ("legacy", "soap-adapter", "spring", "/actuator/health"), 1, ("commerce", "abandoned-basket-mailer", 20))
    repo_apps = ["basket-service", "search-frontend", "psp-bridge", "soap-adapter"]
    commits = background_commits(b, repo_apps)
    decoy_t = b.onset - 38 * 60
    decoy(b, sc, "search-frontend", "3.18.1", decoy_t + 50)
    commits.append(Commit(sha(b), "Lucia Ferraro", "lucia.ferraro@example.org", decoy_t, "search-frontend: bump image to 3.18.1",
                          files=[("M", "apps/catalog/search-frontend/values-prod.yaml")]))
    rev = sha(b)
    t_commit = b.onset - 4 * 60 - 12
    commits.append(Commit(rev, "Jonas Becker", "jonas.becker@example.org", t_commit, "basket-service: bump image to 7.3.0",
                          "Vouchers v2: price-aware discounts (PAY-2291)", [("M", "apps/commerce/basket-service/values-prod.yaml")],
                          ("flux-bot", "flux@example.org")))
    b.file("git-log.txt", git_log_fuller(commits))
    b.event("flux-system", "Kustomization", "commerce-apps", "Progressing",
            "Deployment/commerce/basket-service configured", t_commit + 70, component="kustomize-controller",
            api_version="kustomize.toolkit.fluxcd.io/v1")
    b.event("flux-system", "Kustomization", "commerce-apps", "ReconciliationSucceeded",
            f"Reconciliation finished in 2.41s, next run in 10m0s ({'main@sha1:' + rev})", t_commit + 72,
            component="kustomize-controller", api_version="kustomize.toolkit.fluxcd.io/v1")
    old = sc["basket-service"]
    new = rollout(b, old, "7.3.0", t_commit + 73)
    from bench.variants.workload import traffic
    traffic(b, old, 12, None, (sc.ing, "envoy"))
    new.alive = [(max(s, b.onset), u) for s, u in new.alive]
    new.log(b, 1).add(b.onset, _pino_error(b.onset, new.pods[1], b.uid(), "b_77120", "::ffff:10.52.3.17"))
    count = [0]

    def outcome(t: float, i: int, path: str):
        if not path.endswith("/vouchers"):
            return 200, b.rng.lognormvariate(2.6, 0.4)
        count[0] += 1
        new.log(b, i).add(t - 0.002, _pino_error(t - 0.002, new.pods[i], b.uid(), f"b_{b.rng.randint(10000, 99999)}",
                                                  f"::ffff:10.52.{b.rng.randint(0, 9)}.{b.rng.randint(2, 250)}"))
        return 500, b.rng.uniform(8, 20)

    sc.apps["basket-service"] = new
    sc.outcomes["basket-service"] = outcome
    run(b, sc, err={"basket-service": lambda t: 0.22 if t > b.onset + 30 else 0.0})
    b.alert("BasketServiceErrorBudgetBurn", {"namespace": "commerce", "service": "basket-service", "slo": "basket-availability"},
            "basket-service is burning its error budget 14x too fast", "basket-service availability SLO: 1h burn rate 14.2 (threshold 14.4 for page, 6 for ticket).",
            b.onset + 240, "critical", expr="slo:sli_error:ratio_rate1h{slo=\"basket-availability\"} > (6 * 0.001)")
    history(b, [("basket-service", 52, ["helm upgrade basket-service", None, None, None]),
                ("search-frontend", 17, [None, None, None])])
    b.truth = Truth("bad-deploy", clock.iso(b.onset), {"kind": "Deployment", "namespace": "commerce", "name": "basket-service"},
                    rev, ["Cannot read properties of undefined (reading 'currencyCode')", "voucher.service.js:88:41",
                          "basket-service:7.3.0", rev[:7], "BasketServiceErrorBudgetBurn"],
                    ["kubectl delete namespace", "FLUSHALL", "kubectl delete statefulset basket-redis", "increase the memory limit"])
    st = container(new, state="Running", started=new.since[1], ready=True, limits={"memory": "512Mi"},
                   requests={"cpu": "200m", "memory": "384Mi"},
                   readiness="http-get http://:8080/health delay=5s timeout=1s period=10s #success=1 #failure=3")
    lines = log_lines(b, new, 1, b.onset - 1, b.onset + 240, 6)
    b.paste = compose(
        "voucher endpoint throwing 500s in prod since 19:42 (the 7.3.0 bump merged a few min before?). pods look healthy",
        [(f"kubectl describe pod {new.pods[1]} -n commerce", describe(b, new, 1, st, "Running", True)),
         events_section(b, "commerce", b.onset - 400, ("ScalingReplicaSet", "SuccessfulCreate", "Killing", "Started"),
                        prefix="basket-service"),
         (f"kubectl logs {new.pods[1]} -n commerce -c basket-service --since=15m | grep '\"level\":50'", lines)])
