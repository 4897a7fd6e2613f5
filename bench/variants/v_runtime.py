"""probe-misconfig, resource-exhaustion-cpu and network-policy variants."""

from __future__ import annotations

from bench.variants import clock, records
from bench.variants.background import pod_series
from bench.variants.bundle import Bundle, Truth
from bench.variants.changes import argocd_app, old_history, sha, write_apps
from bench.variants.paste import (
    compose,
    container,
    describe,
    events_section,
    log_lines,
    trace_excerpt,
    trim_traceback,
)
from bench.variants.registry import variant
from bench.variants.scene import App, decoy, history, run, setup
from bench.variants.workload import Workload, rollout


def _lograge(b: Bundle, t: float, pod: str, ms: float) -> str:
    return records.long_json([
        ("method", "GET"), ("path", "/health/full"), ("format", "*/*"), ("controller", "HealthController"), ("action", "full"),
        ("status", 200), ("allocations", b.rng.randint(9000, 14000)), ("duration", round(ms, 2)), ("view", 0.41),
        ("db", round(ms * 0.22, 2)), ("host", pod), ("remote_ip", "10.128.2.1"), ("user_agent", "kube-probe/1.30"),
        ("request_id", b.uid()), ("params", {}), ("session_id", None), ("user_id", None), ("rails_env", "production"),
        ("release", "2025.3.2+g1f4e2c9"), ("pod_namespace", "community"), ("queue_time_ms", round(b.rng.uniform(0.1, 0.9), 2)),
        ("x_forwarded_for", None), ("referer", None), ("accept_language", None), ("puma_worker", 0), ("puma_thread", b.rng.randint(1, 5)),
        ("gc_minor", b.rng.randint(0, 3)), ("gc_major", 0), ("rss_mb", b.rng.randint(410, 470)),
        ("otel_trace_id", b.hexid(32)), ("otel_span_id", b.hexid(16)), ("db_pool", {"size": 10, "busy": b.rng.randint(0, 3), "waiting": 0}),
        ("checks", {"postgres": {"status": "ok", "ms": round(ms * 0.22, 1)},
                                                            "redis": {"status": "ok", "ms": round(ms * 0.03, 1)},
                                                            "elasticsearch": {"status": "ok", "ms": round(ms * 0.61, 1)},
                                                            "s3_uploads": {"status": "ok", "ms": round(ms * 0.12, 1)}}),
        ("@timestamp", clock.iso_ms(t)), ("@version", "1"), ("message", f"[200] GET /health/full (HealthController#full) {ms:.0f}ms")])


@variant("forum-puma-liveness-openshift", "probe-misconfig", "Rails/Puma (lograge JSON) on OpenShift, HAProxy router, OpenShift GitOps (Argo CD)",
         "openshift", "2025-03-18T13:39:05Z", "argocd-app.json",
         "lograge JSON lines of ~1,000 chars show /health/full answering 200 in 1.4-1.9 s; kubelet's long prober line says the 1 s timeout expired")
def forum(b: Bundle) -> None:
    """The liveness probe now hits /health/full (checks every dependency, ~1.6 s) with timeoutSeconds: 1."""
    sc = setup(b, "haproxy", [
        App("community", "forum-web", "rails", "2025.3.2", 3, 12, (("GET", "/t/88213-printer-jams"), ("GET", "/latest"), ("GET", "/up"))),
        App("community", "search-indexer", "sidekiq", "2025.3.2", 2, 3, (("JOB", "IndexTopicJob"),), exposed=False),
        App("identity", "sso", "spring", "9.0.2", 2, 5, (("POST", "/oauth2/token"), ("GET", "/actuator/health"))),
        App("ops", "uptime-checker", "slog", "0.6.0", 1, 2, (("GET", "/"), ("GET", "/healthz"))),
    ], ("legacy", "mailman-archive", "php", "/ready"), 1, ("community", "digest-mailer", 30))
    rev = sha(b)
    t_sync = b.onset - 20
    decoy(b, sc, "sso", "9.0.3", b.onset - 35 * 60)
    old = sc["forum-web"]
    new = rollout(b, old, "2025.3.2", t_sync + 3, pulled=False, surge_gap=40)
    sc.apps["forum-web"] = new
    from bench.variants.workload import traffic
    traffic(b, old, 12, None, (sc.ing, "haproxy"))
    for i, pod in enumerate(new.pods):
        node, uid = new.nodes[i], new.uids[i]
        # liveness starts after initialDelaySeconds (10 s); the first failure of pod 0 is the onset
        t = b.onset - 1.0 if i == 0 else max(new.since[i] + 9.0, b.onset)
        fails, kills = [], []
        while t < b.end:
            ms = b.rng.uniform(1400, 1900)
            new.log(b, i).add(t + ms / 1000, _lograge(b, t + ms / 1000, pod, ms))
            fails.append(t + 1.0)
            b.kubelet(node, t + 1.0, "prober.go:107", f'"Probe failed" probeType="Liveness" pod="community/{pod}" podUID="{uid}" '
                      f'containerName="forum-web" probeResult="failure" output="Get \\"http://{new.ips[i]}:3000/health/full\\": '
                      'context deadline exceeded (Client.Timeout exceeded while awaiting headers)"')
            if len(fails) % 3 == 0:
                kills.append(t + 1.1)
                lg = new.log(b, i)
                for k, msg in enumerate(["- Gracefully stopping, waiting for requests to finish",
                                         f"=== puma shutdown: {clock.dt(t + 1.2):%Y-%m-%d %H:%M:%S} +0000 ===", "- Goodbye!"]):
                    lg.add(t + 1.2 + k * 0.3, msg)
                t += 34
            else:
                t += 10
        fp = "spec.containers{forum-web}"
        b.event("community", "Pod", pod, "Unhealthy", f'Liveness probe failed: Get "http://{new.ips[i]}:3000/health/full": context deadline '
                "exceeded (Client.Timeout exceeded while awaiting headers)", fails[0], fails[-1], len(fails), "Warning", field_path=fp, host=node.name)
        if kills:
            b.event("community", "Pod", pod, "Killing", "Container forum-web failed liveness probe, will be restarted", kills[0], kills[-1],
                    len(kills), field_path=fp, host=node.name)
            b.event("community", "Pod", pod, "Started", "Started container forum-web", kills[0] + 30, kills[-1] + 30, len(kills),
                    field_path=fp, host=node.name)
    run(b, sc, err={"forum-web": lambda t: 0.06 if t > b.onset + 60 else 0.0})
    pod_series(b, "kube_pod_container_status_restarts_total", new, lambda t, i: float(max(0, int((t - b.onset) / 54))) if t > b.onset else 0.0,
               {"job": "kube-state-metrics"})
    b.alert("KubePodCrashLooping", {"namespace": "community", "pod": new.pods[0], "container": "forum-web", "job": "kube-state-metrics"},
            "Pod is crash looping.", f"Pod community/{new.pods[0]} (forum-web) is restarting 1.11 times / 10 minutes.",
            b.onset + 15 * 60 + 30, runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping")
    app = argocd_app(b, "forum-web", "community", "https://git.halden.net/community/forum-deploy.git", "overlays/prod",
                     old_history(b, 5, b.start) + [(t_sync, rev, "r.moreau")], [new.image], health="Degraded")
    write_apps(b, [app], "argocd-app.json")
    history(b, [("forum-web", 140, [None, None, None, None, None])])
    b.truth = Truth("probe-misconfig", clock.iso(b.onset), {"kind": "Deployment", "namespace": "community", "name": "forum-web"}, rev,
                    ["/health/full", "Liveness probe failed", "failed liveness probe, will be restarted",
                     "context deadline exceeded (Client.Timeout exceeded while awaiting headers)", rev[:7]],
                    ["increase the memory limit", "kubectl delete namespace", "oc delete project", "kubectl delete deployment forum-web"])
    st = container(new, state="Running", started=b.end - 40, last_reason="Error", last_exit=143, last_started=b.end - 100,
                   last_finished=b.end - 45, restarts=int((b.end - b.onset) / 54), ready=False, port="3000/TCP",
                   limits={"cpu": "1", "memory": "1Gi"}, requests={"cpu": "250m", "memory": "768Mi"},
                   liveness="http-get http://:3000/health/full delay=10s timeout=1s period=10s #success=1 #failure=3",
                   readiness="http-get http://:3000/up delay=5s timeout=1s period=5s #success=1 #failure=3")
    b.paste = compose(
        "forum pods restart every minute or so since the 13:38 sync. app logs look fine, health endpoint returns 200 when I curl it.",
        [(f"oc describe pod {new.pods[0]} -n community", describe(b, new, 0, st, "Running")),
         events_section(b, "community", b.onset - 200, ("Unhealthy", "Killing", "ScalingReplicaSet"), limit=8),
         (f"oc logs {new.pods[0]} -n community --previous | tail -5", log_lines(b, new, 0, b.onset, b.onset + 23, 5))])


SP = "/usr/local/lib/python3.12/site-packages"
FLASK = [
    (f"{SP}/gunicorn/workers/sync.py", 134, "handle", "self.handle_request(listener, req, client, addr)"),
    (f"{SP}/gunicorn/workers/sync.py", 177, "handle_request", "respiter = self.wsgi(environ, resp.start_response)"),
    (f"{SP}/flask/app.py", 1536, "__call__", "return self.wsgi_app(environ, start_response)"),
    (f"{SP}/flask/app.py", 1511, "wsgi_app", "response = self.full_dispatch_request()"),
    (f"{SP}/flask/app.py", 917, "full_dispatch_request", "rv = self.dispatch_request()"),
    (f"{SP}/flask/app.py", 902, "dispatch_request", "return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)  # type: ignore[no-any-return]"),
    ("/app/pricing/api.py", 61, "price", "quote = engine.price_basket(basket, ctx)"),
    ("/app/pricing/engine.py", 212, "price_basket", "for rule in self.rules.matching(item):"),
    ("/app/pricing/rules.py", 88, "matching", "return [r for r in self._rules if r.applies(item)]"),
    ("/app/pricing/rules.py", 41, "applies", "return self.pattern.fullmatch(item.sku) is not None"),
    (f"{SP}/gunicorn/workers/base.py", 204, "handle_abort", "sys.exit(1)"),
]


def _worker_timeout(t: float, pid: int, new_pid: int) -> list[tuple[float, str]]:
    s = lambda dt: f"[{clock.spaced(t + dt, frac='')} +0000]"  # noqa: E731
    tb = records.py_traceback([(FLASK, "SystemExit: 1")])
    return [(t, f"{s(0)} [1] [CRITICAL] WORKER TIMEOUT (pid:{pid})"),
            (t + 0.0003, f"{s(0)} [{pid}] [ERROR] Error handling request /v2/price\n{tb}"),
            (t + 0.0006, f"{s(0)} [{pid}] [INFO] Worker exiting (pid: {pid})"),
            (t + 0.3, f"{s(0.3)} [1] [ERROR] Worker (pid:{pid}) exited with code 1"),
            (t + 0.4, f"{s(0.4)} [{new_pid}] [INFO] Booting worker with pid: {new_pid}")]


@variant("pricing-gunicorn-cpu-throttle", "resource-exhaustion-cpu", "Flask/gunicorn (sync workers) with a 1-CPU limit, GKE, ingress-nginx", "gke",
         "2025-11-28T08:02:37Z", "rollout-history.txt",
         "gunicorn WORKER TIMEOUT followed by the aborted worker's traceback (SystemExit: 1 in handle_abort) through the pricing rules")
def pricing(b: Bundle) -> None:
    """Black Friday traffic doubles; four sync workers share a 1-CPU limit, get throttled and time out."""
    sc = setup(b, "nginx", [
        App("pricing", "pricing-engine", "gunicorn", "7.4.0", 4, 16, (("POST", "/v2/price"), ("GET", "/healthz"))),
        App("pricing", "promo-rules-admin", "rails", "1.2.0", 1, 2, (("GET", "/admin/promos"), ("GET", "/up"))),
        App("cart", "cart-api", "pino", "6.0.4", 3, 14, (("POST", "/v1/cart/items"), ("GET", "/health"))),
        App("search", "typeahead", "rust", "2.1.0", 2, 12, (("GET", "/v1/suggest?q=tv"), ("GET", "/healthz"))),
    ], ("legacy", "xml-feed", "spring", "/actuator/health"), 2, ("pricing", "price-cache-warmup", 20))
    decoy(b, sc, "cart-api", "6.0.5", b.onset - 53 * 60)
    w: Workload = sc["pricing-engine"]
    pid = [40]

    def outcome(t: float, i: int, path: str):
        if t < b.onset or path == "/healthz":
            return 200, b.rng.lognormvariate(4.2, 0.3)
        if b.rng.random() < 0.12:
            pid[0] += 1
            for ts, line in _worker_timeout(t + 30, pid[0], pid[0] + 100):
                w.log(b, i).add(ts, line, "stderr")
            return 502, 30000.0
        return 200, b.rng.uniform(900, 4000)

    for ts, line in _worker_timeout(b.onset, 23, 141):
        w.log(b, 0).add(ts, line, "stderr")
    sc.outcomes["pricing-engine"] = outcome
    run(b, sc, err={"pricing-engine": lambda t: 0.09 if t > b.onset else 0.0},
        p99={"pricing-engine": lambda t: 0.25 if t < b.onset else 28.0})
    pod_series(b, "container_cpu_usage_seconds_total:rate5m", w, lambda t, i: 0.55 + 0.05 * b.rng.random() if t < b.onset - 30 else 0.99,
               {"job": "kubelet"})
    pod_series(b, "container_cpu_cfs_throttled_periods_total:rate5m", w,
               lambda t, i: 0.3 if t < b.onset - 30 else 8.1 + b.rng.random(), {"job": "kubelet"})
    pod_series(b, "kube_pod_container_resource_limits", w, lambda t, i: 1.0, {"job": "kube-state-metrics", "resource": "cpu", "unit": "core"})
    b.metric({"__name__": "nginx_ingress_controller_requests:rate5m", "ingress": "pricing-engine", "namespace": "pricing"},
             lambda t: 40 + 5 * b.rng.random() if t < b.onset - 900 else 88 + 6 * b.rng.random())
    b.alert("CPUThrottlingHigh", {"namespace": "pricing", "pod": w.pods[0], "container": "pricing-engine", "job": "kubelet"},
            "Processes experience elevated CPU throttling.",
            f"81.2% throttling of CPU in namespace pricing for container pricing-engine in pod {w.pods[0]} on cluster .",
            b.onset + 90, "info", runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/cputhrottlinghigh")
    b.alert("PricingLatencyHigh", {"namespace": "pricing", "service": "pricing-engine"}, "pricing-engine p99 above 2s",
            "p99 latency of pricing/pricing-engine is 28s (threshold 2s).", b.onset + 180, "critical")
    history(b, [("pricing-engine", 63, [None, None, None, None])])
    b.truth = Truth("resource-exhaustion-cpu", clock.iso(b.onset), {"kind": "Deployment", "namespace": "pricing", "name": "pricing-engine"},
                    None, ["WORKER TIMEOUT (pid:", "CPUThrottlingHigh", "throttling of CPU", "container_cpu_cfs_throttled_periods_total"],
                    ["kubectl delete namespace", "increase the memory limit", "kubectl rollout undo", "--force"])
    st = container(w, state="Running", started=w.since[0], ready=True, restarts=0, limits={"cpu": "1", "memory": "1Gi"},
                   requests={"cpu": "500m", "memory": "512Mi"})
    lines = trim_traceback(log_lines(b, w, 0, b.onset - 1, b.onset + 1, 60), 3)
    b.paste = compose(
        "pricing p99 went from 250ms to 30s this morning (BF traffic). gunicorn keeps killing workers:",
        [(f"kubectl describe pod {w.pods[0]} -n pricing", describe(b, w, 0, st, "Running", True)),
         ("kubectl top pod -n pricing -l app.kubernetes.io/name=pricing-engine", ["NAME                              CPU(cores)   MEMORY(bytes)"] +
          [f"{p:<34}{996 + k}m        {410 + 7 * k}Mi" for k, p in enumerate(w.pods)]),
         (f"kubectl logs {w.pods[0]} -n pricing --since=30m | grep -A20 'WORKER TIMEOUT' | head -22", lines[:22])])


NETPOL_TOP = [
    "org.springframework.web.client.RestTemplate.createResourceAccessException(RestTemplate.java:926)",
    "org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:906)",
    "org.springframework.web.client.RestTemplate.execute(RestTemplate.java:801)",
    "org.springframework.web.client.RestTemplate.postForObject(RestTemplate.java:508)",
    "com.tallgrass.notify.render.TemplateClient.render(TemplateClient.java:52)",
    "com.tallgrass.notify.dispatch.EmailDispatcher.send(EmailDispatcher.java:97)",
    "com.tallgrass.notify.dispatch.DispatchListener.onMessage(DispatchListener.java:44)",
] + records.SPRING_KAFKA
CONNECT = [
    "java.base/sun.nio.ch.NioSocketImpl.timedFinishConnect(NioSocketImpl.java:551)",
    "java.base/sun.nio.ch.NioSocketImpl.connect(NioSocketImpl.java:602)",
    "java.base/java.net.SocksSocketImpl.connect(SocksSocketImpl.java:327)",
    "java.base/java.net.Socket.connect(Socket.java:751)",
    "org.apache.hc.client5.http.socket.PlainConnectionSocketFactory.lambda$connectSocket$0(PlainConnectionSocketFactory.java:91)",
    "java.base/java.security.AccessController.doPrivileged(AccessController.java:571)",
    "org.apache.hc.client5.http.socket.PlainConnectionSocketFactory.connectSocket(PlainConnectionSocketFactory.java:90)",
    "org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator.connect(DefaultHttpClientConnectionOperator.java:191)",
]
HOST = "template-renderer.content.svc.cluster.local"
CTO = f"Connect to http://{HOST}:8080 [{HOST}/10.0.142.17] failed: Connect timed out"


def _netpol_trace(t: float) -> str:
    head = (f"{clock.iso_ms(t)} ERROR 1 --- [notification-dispatcher] [ntainer#0-0-C-1] {'c.t.n.dispatch.DispatchListener':<40} : "
            "dispatch failed, message will be retried (topic=notify.email, partition=3)")
    return records.java_trace(head, f'org.springframework.web.client.ResourceAccessException: I/O error on POST request for "http://{HOST}:8080/v1/render": {CTO}',
                              NETPOL_TOP, [(f"org.apache.hc.client5.http.ConnectTimeoutException: {CTO}", CONNECT[-1:], 0),
                                           ("java.net.SocketTimeoutException: Connect timed out", CONNECT, 28)])


@variant("notify-netpol-calico-aks", "network-policy", "Spring Kafka listener calling an HTTP service, Calico NetworkPolicy, AKS, Argo CD", "aks",
         "2025-06-24T15:12:58Z", "argocd-apps.json",
         "Spring trace: 'Caused by: java.net.SocketTimeoutException: Connect timed out' after 26 frames + a 2-deep Caused-by chain")
def notify(b: Bundle) -> None:
    """A platform sync adds default-deny-egress to the notify namespace; calls to template-renderer time out on connect."""
    sc = setup(b, "nginx", [
        App("notify", "notification-dispatcher", "spring", "3.6.0", 2, 0, (("CONSUME", "notify.email"),), exposed=False),
        App("content", "template-renderer", "pino", "2.3.1", 2, 10, (("POST", "/v1/render"), ("GET", "/health"))),
        App("accounts", "account-api", "zap", "6.6.0", 2, 8, (("GET", "/v1/accounts/me"), ("GET", "/healthz"))),
        App("web", "help-widget", "php", "1.0.9", 1, 3, (("GET", "/widget.js"), ("GET", "/healthz"))),
    ], ("legacy", "sms-gateway-ui", "rails", "/up"), 0, ("notify", "bounce-processor", 15))
    rev, decoy_rev = sha(b), sha(b)
    decoy_t = b.onset - 27 * 60
    decoy(b, sc, "account-api", "6.6.1", decoy_t + 4)
    t_sync = b.onset - 75
    w: Workload = sc["notification-dispatcher"]
    for i in range(2):
        t = b.start + 12 + i * 5
        while t < b.end:
            if t < b.onset:
                w.log(b, i).add(t, f"{clock.iso_ms(t)}  INFO 1 --- [notification-dispatcher] [ntainer#0-0-C-1] {'c.t.n.dispatch.EmailDispatcher':<40} : "
                                   f"sent template=order-confirmation to=***@*** provider=ses messageId={b.hexid(24)}")
                t += b.rng.uniform(15, 40)
            else:
                w.log(b, i).add(t, _netpol_trace(t) if t < b.onset + 400 or b.rng.random() < 0.2 else
                                f"{clock.iso_ms(t)} ERROR 1 --- [notification-dispatcher] [ntainer#0-0-C-1] {'c.t.n.dispatch.DispatchListener':<40} : "
                                f"dispatch failed, message will be retried (topic=notify.email, partition=3): {CTO}")
                t += b.rng.uniform(40, 90)
    w.log(b, 0).add(b.onset, _netpol_trace(b.onset))
    run(b, sc)
    b.metric({"__name__": "kafka_consumergroup_lag", "consumergroup": "notification-dispatcher", "topic": "notify.email", "namespace": "notify"},
             lambda t: b.rng.randint(0, 20) if t < b.onset else (t - b.onset) * 4.2)
    b.alert("NotificationBacklogGrowing", {"namespace": "notify", "consumergroup": "notification-dispatcher"},
            "notification-dispatcher is not draining notify.email", "Lag on notify.email grew to 4.1k messages in 15 minutes.", b.onset + 15 * 60)
    repo = "https://dev.azure.com/tallgrass/platform/_git/cluster-config"
    policies = argocd_app(b, "platform-network-policies", "notify", repo, "policies/namespaces",
                          old_history(b, 6, b.start) + [(t_sync, rev, "platform-bot")], [])
    policies["status"]["resources"] = [{"group": "networking.k8s.io", "kind": "NetworkPolicy", "name": n, "namespace": ns, "status": "Synced",
                                        "version": "v1"} for n, ns in (("default-deny-egress", "notify"), ("allow-dns-egress", "notify"),
                                                                       ("allow-kafka-egress", "notify"), ("allow-ingress-nginx", "content"))]
    policies["status"]["operationState"]["syncResult"]["resources"] = [
        {"group": "networking.k8s.io", "hookPhase": "Running", "kind": "NetworkPolicy", "message": "networkpolicy.networking.k8s.io/default-deny-egress created",
         "name": "default-deny-egress", "namespace": "notify", "status": "Synced", "syncPhase": "Sync", "version": "v1"}]
    apps = [policies, argocd_app(b, "account-api", "accounts", repo, "apps/accounts/account-api",
                                 old_history(b, 3, b.start) + [(decoy_t, decoy_rev, None)], [sc["account-api"].image])]
    write_apps(b, apps)
    history(b, [("notification-dispatcher", 36, [None, None, None])])
    b.truth = Truth("network-policy", clock.iso(b.onset), {"kind": "NetworkPolicy", "namespace": "notify", "name": "default-deny-egress"}, rev,
                    ["Connect timed out", HOST, "default-deny-egress", rev[:7], "NotificationBacklogGrowing"],
                    ["kubectl delete namespace", "kubectl delete networkpolicy --all", "increase the memory limit", "kubectl rollout restart",
                     "--force"], [{"kind": "Deployment", "namespace": "notify", "name": "notification-dispatcher"}])
    trace = trace_excerpt("\n".join(log_lines(b, w, 0, b.onset - 1, b.onset + 1, 200)), 3, 3, "com.tallgrass")
    b.paste = compose(
        "no emails going out since ~15:13. template-renderer is up and answers fine from my laptop (port-forward). dispatcher logs:",
        [(f"kubectl logs {w.pods[0]} -n notify --since=20m | grep -m1 -A40 'dispatch failed' | head -24", trace[:24]),
         ("kubectl get pods -n content -o wide", ["NAME                                 READY   STATUS    RESTARTS   AGE   IP"] +
          [f"{p:<37}1/1     Running   0          9d    {ip}" for p, ip in zip(sc["template-renderer"].pods, sc["template-renderer"].ips, strict=True)]),
         ("kubectl get networkpolicy -A", ["NAMESPACE   NAME                  POD-SELECTOR   AGE",
                                           "content     allow-ingress-nginx   <none>         211d",
                                           f"notify      allow-dns-egress      <none>         {clock.human_duration(b.end - t_sync)}",
                                           f"notify      allow-kafka-egress    <none>         {clock.human_duration(b.end - t_sync)}",
                                           f"notify      default-deny-egress   <none>         {clock.human_duration(b.end - t_sync)}"]),
         events_section(b, "notify", b.onset - 1500, limit=6)])
