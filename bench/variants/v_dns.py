"""dns-failure variants: cluster name resolution breaks after a DNS configuration change."""

from __future__ import annotations

from bench.variants import clock, records
from bench.variants.bundle import Bundle, Truth
from bench.variants.changes import Commit, background_commits, git_log_fuller, sha
from bench.variants.paste import compose, container, describe, log_lines
from bench.variants.registry import variant
from bench.variants.scene import App, decoy, history, run, setup
from bench.variants.workload import Workload, add_workload, crashloop, restarts_at

GEMS = "/usr/local/bundle/ruby/3.3.0/gems"
RAILS_FRAMES = [
    "activerecord (7.1.4) lib/active_record/connection_adapters/postgresql_adapter.rb:57:in `rescue in new_client'",
    "activerecord (7.1.4) lib/active_record/connection_adapters/postgresql_adapter.rb:45:in `new_client'",
    "activerecord (7.1.4) lib/active_record/connection_adapters/postgresql_adapter.rb:955:in `connect'",
    "activerecord (7.1.4) lib/active_record/connection_adapters/postgresql_adapter.rb:965:in `reconnect'",
    "activerecord (7.1.4) lib/active_record/connection_adapters/abstract_adapter.rb:696:in `block in reconnect!'",
    "activesupport (7.1.4) lib/active_support/concurrency/null_lock.rb:9:in `synchronize'",
    "activerecord (7.1.4) lib/active_record/connection_adapters/abstract_adapter.rb:695:in `reconnect!'",
    "activerecord (7.1.4) lib/active_record/connection_adapters/abstract_adapter.rb:1011:in `block in with_raw_connection'",
    "activerecord (7.1.4) lib/active_record/connection_adapters/postgresql/database_statements.rb:55:in `exec_query'",
    "activerecord (7.1.4) lib/active_record/relation.rb:1012:in `exec_main_query'",
    "activerecord (7.1.4) lib/active_record/relation.rb:994:in `exec_queries'",
    "activerecord (7.1.4) lib/active_record/relation.rb:1058:in `load'",
    "activerecord (7.1.4) lib/active_record/relation.rb:286:in `records'",
    "activerecord (7.1.4) lib/active_record/relation/delegation.rb:100:in `each'",
    "app/models/listing.rb:41:in `search'",
    "app/controllers/listings_controller.rb:12:in `index'",
    "actionpack (7.1.4) lib/action_controller/metal/basic_implicit_render.rb:6:in `send_action'",
    "actionpack (7.1.4) lib/abstract_controller/base.rb:224:in `process_action'",
    "actionpack (7.1.4) lib/action_controller/metal/rendering.rb:165:in `process_action'",
    "actionpack (7.1.4) lib/abstract_controller/callbacks.rb:259:in `block in process_action'",
    "activesupport (7.1.4) lib/active_support/callbacks.rb:121:in `block in run_callbacks'",
    "activesupport (7.1.4) lib/active_support/callbacks.rb:141:in `run_callbacks'",
    "actionpack (7.1.4) lib/abstract_controller/callbacks.rb:258:in `process_action'",
    "actionpack (7.1.4) lib/action_controller/metal/rescue.rb:25:in `process_action'",
    "actionpack (7.1.4) lib/action_controller/metal/instrumentation.rb:74:in `block in process_action'",
    "activesupport (7.1.4) lib/active_support/notifications.rb:206:in `block in instrument'",
    "activesupport (7.1.4) lib/active_support/notifications/instrumenter.rb:58:in `instrument'",
    "activesupport (7.1.4) lib/active_support/notifications.rb:206:in `instrument'",
    "actionpack (7.1.4) lib/action_controller/metal/instrumentation.rb:73:in `process_action'",
    "actionpack (7.1.4) lib/action_controller/metal/params_wrapper.rb:261:in `process_action'",
    "activerecord (7.1.4) lib/active_record/railties/controller_runtime.rb:32:in `process_action'",
    "actionpack (7.1.4) lib/abstract_controller/base.rb:160:in `process'",
    "actionpack (7.1.4) lib/action_controller/metal.rb:227:in `dispatch'",
    "actionpack (7.1.4) lib/action_dispatch/routing/route_set.rb:49:in `dispatch'",
    "actionpack (7.1.4) lib/action_dispatch/journey/router.rb:35:in `block in serve'",
    "rack (3.1.7) lib/rack/tempfile_reaper.rb:20:in `call'",
    "puma (6.4.2) lib/puma/request.rb:100:in `block in handle_request'",
    "puma (6.4.2) lib/puma/thread_pool.rb:155:in `block in spawn_thread'",
]
PG_MSG = ('could not translate host name "orders-pg.data.svc.cluster.local" to address: '
          "Temporary failure in name resolution")


def _rails_error(t: float, rid: str) -> str:
    d = clock.dt(t)
    pre = f"E, [{d:%Y-%m-%dT%H:%M:%S}.{d.microsecond:06d} #1] ERROR -- : [{rid}]"
    lines = [f"{pre}   ", f"{pre} ActiveRecord::ConnectionNotEstablished ({PG_MSG}\n):", f"{pre}   "]
    lines += [f"{pre} {f}" for f in RAILS_FRAMES]
    lines += [f"{pre} Caused by: PG::ConnectionBad ({PG_MSG}\n)", f"{pre} ",
              f"{pre} Information for cause: PG::ConnectionBad ({PG_MSG}\n):"]
    lines += [f"{pre} {f}" for f in [f"pg (1.5.8) lib/pg/connection.rb:{n}:in `{fn}'" for n, fn in
                                      ((701, "connect_start"), (701, "async_connect_or_reset"), (824, "new"))] + RAILS_FRAMES[:4]]
    return "\n".join(lines)


def _nodelocal_err(t: float, host: str, rng) -> str:
    return (f"[ERROR] plugin/errors: 2 {host}. A: read udp 169.254.20.10:{rng.randint(32768, 60999)}->172.20.99.14:53: "
            "i/o timeout")


@variant("marketplace-rails-nodelocaldns", "dns-failure", "Rails/Puma + PostgreSQL (libpq), NodeLocal DNSCache, ingress-nginx, git log", "eks",
         "2025-04-29T06:55:12Z", "git-log.txt",
         "Rails error record of ~50 tagged lines: the libpq 'Temporary failure in name resolution' is in the header and the 'Caused by' block after 38 frames")
def marketplace(b: Bundle) -> None:
    """A node-local-dns ConfigMap edit pins cluster.local to a stale upstream IP; lookups time out."""
    sc = setup(b, "nginx", [
        App("market", "marketplace-web", "rails", "2025.4.3", 3, 12, (("GET", "/listings?q=bike"), ("GET", "/listings/88213"), ("GET", "/up"))),
        App("market", "image-resizer", "rust", "1.3.0", 2, 9, (("GET", "/img/300x200/88213.webp"), ("GET", "/healthz"))),
        App("accounts", "auth-service", "zap", "3.8.1", 2, 8, (("POST", "/oauth/token"), ("GET", "/healthz"))),
        App("support", "helpdesk-bridge", "uvicorn", "0.7.2", 1, 3, (("POST", "/tickets"), ("GET", "/healthz"))),
    ], ("legacy", "sitemap-builder", "gunicorn", "/ready"), 2, ("market", "listing-expiry", 15))
    dns = add_workload(b, "kube-system", "node-local-dns", "logrus", "1.23.1", replicas=len(b.nodes), kind="DaemonSet",
                       image="registry.k8s.io/dns/k8s-dns-node-cache:1.23.1")
    commits = background_commits(b, ["marketplace-web", "auth-service", "node-local-dns", "image-resizer"])
    rev = sha(b)
    t_commit = b.onset - 4 * 60 - 5
    decoy_t = b.onset - 26 * 60
    commits.append(Commit(sha(b), "Sven Olsen", "sven.olsen@example.org", decoy_t, "auth-service: bump image to 3.8.2",
                          files=[("M", "apps/accounts/auth-service/values-prod.yaml")]))
    decoy(b, sc, "auth-service", "3.8.2", decoy_t + 80)
    commits.append(Commit(rev, "Elena Garcia", "elena.garcia@example.org", t_commit, "node-local-dns: pin cluster.local upstream to kube-dns-upstream",
                          "avoid the __PILLAR__ substitution at startup (PLAT-903)", [("M", "platform/kube-system/node-local-dns/configmap.yaml")]))
    b.file("git-log.txt", git_log_fuller(commits))
    t_reload = b.onset - 12
    for i in range(len(dns.pods)):
        lg = dns.log(b, i)
        lg.add(t_reload + i * 1.3, "[INFO] Reloading")
        lg.add(t_reload + i * 1.3 + 0.4, f"[INFO] plugin/reload: Running configuration SHA512 = {b.hexid(128)}")
        lg.add(t_reload + i * 1.3 + 0.5, "[INFO] Reloading complete")
        t = b.onset + i * 0.7
        while t < b.end:
            host = b.rng.choice(["orders-pg.data.svc.cluster.local", "redis-sessions.market.svc.cluster.local",
                                 "auth-service.accounts.svc.cluster.local"])
            lg.add(t, _nodelocal_err(t, host, b.rng))
            t += b.rng.uniform(4, 25)
    web: Workload = sc["marketplace-web"]
    web.log(b, 0).add(b.onset, _rails_error(b.onset, b.uid()))
    logged = [0]

    def outcome(t: float, i: int, path: str):
        if t < b.onset or path == "/up":
            return 200, b.rng.lognormvariate(3.5, 0.4)
        if logged[0] < 8:
            web.log(b, i).add(t - 0.01, _rails_error(t - 0.01, b.uid()))
        logged[0] += 1
        return 500, 5000 + b.rng.uniform(0, 40)

    sc.outcomes["marketplace-web"] = outcome
    run(b, sc, err={"marketplace-web": lambda t: 0.8 if t > b.onset else 0.0},
        p99={"marketplace-web": lambda t: 5.1 if t > b.onset else 0.2})
    b.metric({"__name__": "coredns_dns_responses_total:rate5m", "rcode": "SERVFAIL", "namespace": "kube-system", "job": "node-local-dns"},
             lambda t: 0.02 if t < b.onset else 14 + 3 * b.rng.random())
    b.alert("MarketplaceWeb5xxHigh", {"namespace": "market", "service": "marketplace-web"}, "marketplace-web 5xx ratio above 10%",
            "78% of marketplace-web requests failed over the last 5 minutes.", b.onset + 150, "critical")
    b.alert("NodeLocalDNSErrorsHigh", {"namespace": "kube-system", "job": "node-local-dns"}, "NodeLocal DNSCache is returning SERVFAIL",
            "node-local-dns SERVFAIL rate is 14.6/s on all nodes.", b.onset + 240)
    history(b, [("marketplace-web", 301, [None, None, None, None])])
    b.truth = Truth("dns-failure", clock.iso(b.onset), {"kind": "DaemonSet", "namespace": "kube-system", "name": "node-local-dns"}, rev,
                    ["Temporary failure in name resolution", "orders-pg.data.svc.cluster.local", "read udp 169.254.20.10",
                     "app/models/listing.rb:41", rev[:7]],
                    ["kubectl delete namespace kube-system", "hostNetwork: true", "kubectl delete daemonset node-local-dns", "--force"],
                    [{"kind": "ConfigMap", "namespace": "kube-system", "name": "node-local-dns"}])
    rails = log_lines(b, web, 0, b.onset - 1, b.onset + 1, 200)
    st = container(web, state="Running", started=web.since[0], ready=True, limits={"memory": "1Gi"}, requests={"cpu": "500m", "memory": "768Mi"})
    b.paste = compose(
        "marketplace returning 500 on every listing page since 06:55. DB is up, I can psql to it from my laptop.",
        [(f"kubectl describe pod {web.pods[0]} -n market", describe(b, web, 0, st, "Running", True)),
         (f"kubectl logs {web.pods[0]} -n market --since=15m | grep -A20 ConnectionNotEstablished | head -24", rails[:24]),
         (f"kubectl logs -n kube-system {dns.pods[0]} --tail=8", log_lines(b, dns, 0, b.onset - 20, b.onset + 60, 8))])


def _mongo_error(b: Bundle, t: float, pod: str) -> str:
    servers = {f"mongo-{k}.mongo.catalog.svc.cluster.local:27017": {
        "address": f"mongo-{k}.mongo.catalog.svc.cluster.local:27017", "type": "Unknown", "hosts": [], "passives": [],
        "arbiters": [], "tags": {}, "minWireVersion": 0, "maxWireVersion": 0, "lastUpdateTime": int(t * 1000) - 30000 + k,
        "lastWriteDate": 0, "error": {"errorLabelSet": {}}} for k in range(3)}
    return records.long_json([
        ("level", "error"), ("time", clock.iso_ms(t)), ("service", "catalog-api"), ("pod", pod), ("route", "GET /v1/products/:sku"),
        ("sku", f"SKU-{b.rng.randint(100000, 999999)}"), ("traceId", b.hexid(32)),
        ("reason", {"type": "ReplicaSetNoPrimary", "servers": servers, "stale": False, "compatible": True, "heartbeatFrequencyMS": 10000,
                    "localThresholdMS": 15, "setName": "rs0", "maxElectionId": None, "maxSetVersion": None, "commonWireVersion": 0,
                    "logicalSessionTimeoutMinutes": None}),
        ("err", {"name": "MongoServerSelectionError", "message": "getaddrinfo EAI_AGAIN mongo-0.mongo.catalog.svc.cluster.local",
                 "stack": "MongoServerSelectionError: getaddrinfo EAI_AGAIN mongo-0.mongo.catalog.svc.cluster.local\n"
                          "    at Topology.selectServer (/app/node_modules/mongodb/lib/sdam/topology.js:303:38)\n"
                          "    at async Collection.findOne (/app/node_modules/mongodb/lib/collection.js:274:21)\n"
                          "    at async ProductRepository.bySku (/app/src/products/repository.js:37:17)\n"
                          "    at async /app/src/products/routes.js:22:21"}),
        ("message", "product lookup failed")])


@variant("coredns-loop-express-mongo", "dns-failure", "Node/Express + MongoDB, CoreDNS loop on systemd-resolved nodes, ingress-nginx, git log", "kubeadm",
         "2025-10-02T21:07:39Z", "git-log.txt",
         "Express JSON error line of ~1,900 chars: err.message 'getaddrinfo EAI_AGAIN' comes after the topology description of 3 servers")
def coredns_loop(b: Bundle) -> None:
    """The Corefile now forwards to /etc/resolv.conf, which is systemd-resolved's 127.0.0.53 stub: CoreDNS detects a loop."""
    sc = setup(b, "nginx", [
        App("catalog", "catalog-api", "pino", "5.12.0", 3, 12, (("GET", "/v1/products/SKU-448120"), ("GET", "/v1/categories"), ("GET", "/health"))),
        App("catalog", "mongo", "logrus", "7.0.14", 3, 0, (("Q", "-"),), exposed=False, kind="StatefulSet"),
        App("checkout", "tax-calculator", "spring", "2.0.7", 2, 5, (("POST", "/api/tax"), ("GET", "/actuator/health"))),
        App("web", "storefront-ssr", "pino", "14.2.0", 2, 10, (("GET", "/p/desk-lamp"), ("GET", "/health"))),
    ], ("lab", "jupyter-hub", "uvicorn", "/hub/health"), 3, ("catalog", "price-sync", 15))
    core = add_workload(b, "kube-system", "coredns", "logrus", "v1.11.3", replicas=2, image="registry.k8s.io/coredns/coredns:v1.11.3")
    commits = background_commits(b, ["catalog-api", "tax-calculator", "storefront-ssr", "coredns"])
    rev = sha(b)
    t_commit = b.onset - 5 * 60 - 30
    decoy_t = b.onset - 33 * 60
    commits.append(Commit(sha(b), "Kofi Mensah", "kofi.mensah@example.org", decoy_t, "tax-calculator: bump image to 2.0.8",
                          files=[("M", "apps/checkout/tax-calculator/deployment.yaml")]))
    decoy(b, sc, "tax-calculator", "2.0.8", decoy_t + 45)
    commits.append(Commit(rev, "Laura Schmidt", "laura.schmidt@example.org", t_commit, "coredns: forward to /etc/resolv.conf instead of the corp resolvers",
                          "corp resolvers 10.10.0.2/3 are being decommissioned (NET-377)", [("M", "platform/kube-system/coredns/configmap.yaml")]))
    b.file("git-log.txt", git_log_fuller(commits))

    def loop(i: int):
        def attempt(s: float, e: float, k: int) -> None:
            lg = core.log(b, i)
            lg.add(s + 0.1, ".:53")
            lg.add(s + 0.11, "[INFO] plugin/reload: Running configuration SHA512 = " + b.hexid(128))
            lg.add(s + 0.12, "CoreDNS-1.11.3")
            lg.add(s + 0.13, "linux/amd64, go1.21.11, a6338e9")
            lg.add(e, f"[FATAL] plugin/loop: Loop (127.0.0.1:{b.rng.randint(32768, 60999)} -> :53) detected for zone \".\", "
                      "see https://coredns.io/plugins/loop#troubleshooting. Query: \"HINFO "
                      f"{b.rng.randint(10**18, 10**19)}.{b.rng.randint(10**18, 10**19)}.\"")
        return attempt

    att = [crashloop(b, core, i, b.onset - 2.1 + i * 4, 2.1, 1, "Error", loop(i)) for i in range(2)]
    api: Workload = sc["catalog-api"]
    first_fail = b.onset + 31
    api.log(b, 1).add(first_fail, _mongo_error(b, first_fail, api.pods[1]))
    logged = [0]

    def outcome(t: float, i: int, path: str):
        if t < first_fail or path == "/health":
            return 200, b.rng.lognormvariate(3.0, 0.4)
        if logged[0] < 25:
            api.log(b, i).add(t - 0.02, _mongo_error(b, t - 0.02, api.pods[i]))
        logged[0] += 1
        return 500, 30000.0

    sc.outcomes["catalog-api"] = outcome
    run(b, sc, err={"catalog-api": lambda t: 0.7 if t > first_fail else 0.0})
    b.alert("KubePodCrashLooping", {"namespace": "kube-system", "pod": core.pods[0], "container": "coredns", "job": "kube-state-metrics"},
            "Pod is crash looping.", f"Pod kube-system/{core.pods[0]} (coredns) is in waiting state (reason: \"CrashLoopBackOff\").",
            b.onset + 15 * 60, runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping")
    b.alert("CoreDNSDown", {"namespace": "kube-system", "job": "kube-dns"}, "CoreDNS has disappeared from Prometheus target discovery.",
            "CoreDNS has disappeared from Prometheus target discovery.", b.onset + 16 * 60, "critical",
            runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/corednsdown")
    history(b, [("catalog-api", 77, [None, None, None]), ("coredns", 3, ["kubeadm init", "kubeadm upgrade apply v1.30.4", "kubeadm upgrade apply v1.31.1"])])
    b.truth = Truth("dns-failure", clock.iso(b.onset), {"kind": "Deployment", "namespace": "kube-system", "name": "coredns"}, rev,
                    ["plugin/loop: Loop (127.0.0.1:", "getaddrinfo EAI_AGAIN", "mongo-0.mongo.catalog.svc.cluster.local",
                     "Back-off restarting failed container coredns", rev[:7]],
                    ["kubectl delete namespace kube-system", "hostNetwork: true", "kubectl delete deployment coredns", "--force"],
                    [{"kind": "ConfigMap", "namespace": "kube-system", "name": "coredns"}])
    last_s, last_e = [a for a in att[0] if a[1] < b.end][-1]
    st = container(core, state="Waiting", reason="CrashLoopBackOff", last_reason="Error", last_exit=1, last_started=last_s,
                   last_finished=last_e, restarts=restarts_at(att[0], b.end), port="53/UDP",
                   limits={"memory": "170Mi"}, requests={"cpu": "100m", "memory": "70Mi"})
    b.paste = compose(
        "catalog api can't reach mongo ('EAI_AGAIN'), and coredns is crashlooping on every node?!",
        [(f"kubectl -n kube-system describe pod {core.pods[0]}", describe(b, core, 0, st, "Running")),
         (f"kubectl -n kube-system logs {core.pods[0]} --previous", log_lines(b, core, 0, last_s - 1, last_e + 1, 8)),
         (f"kubectl -n catalog logs {api.pods[1]} --tail=1", log_lines(b, api, 1, first_fail, first_fail + 1, 1))])
