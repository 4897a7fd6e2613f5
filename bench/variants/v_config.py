"""config-error and secret-missing variants: the new pod template cannot start."""

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
from bench.variants.kubectl import get_pods
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
from bench.variants.workload import crashloop, restarts_at, rollout

DI = "Microsoft.Extensions.DependencyInjection.ServiceLookup"
DOTNET_OUTER = [
    "Microsoft.Extensions.Configuration.ConfigurationBinder.BindInstance(Type type, BindingPoint bindingPoint, IConfiguration config, BinderOptions options, Boolean isParentCollection)",
    "Microsoft.Extensions.Configuration.ConfigurationBinder.BindProperty(PropertyInfo property, Object instance, IConfiguration config, BinderOptions options)",
    "Microsoft.Extensions.Configuration.ConfigurationBinder.BindProperties(Object instance, IConfiguration configuration, BinderOptions options)",
    "Microsoft.Extensions.Configuration.ConfigurationBinder.BindInstance(Type type, BindingPoint bindingPoint, IConfiguration config, BinderOptions options, Boolean isParentCollection)",
    "Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(IConfiguration configuration, Object instance, Action`1 configureOptions)",
    "Microsoft.Extensions.Options.ConfigureNamedOptions`1.Configure(String name, TOptions options)",
    "Microsoft.Extensions.Options.OptionsFactory`1.Create(String name)",
    "Microsoft.Extensions.Options.UnnamedOptionsManager`1.get_Value()",
    "Tallgrass.Payouts.Worker.BatchScheduler..ctor(IOptions`1 options, IPayoutRepository repository, ILogger`1 logger) in /src/Tallgrass.Payouts.Worker/BatchScheduler.cs:line 41",
    "System.RuntimeMethodHandle.InvokeMethod(Object target, Void** arguments, Signature sig, Boolean isConstructor)",
    "System.Reflection.MethodBaseInvoker.InvokeDirectByRefWithFewArgs(Object obj, Span`1 copyOfArgs, BindingFlags invokeAttr)",
    "System.Reflection.MethodBaseInvoker.InvokeWithFewArgs(Object obj, BindingFlags invokeAttr, Binder binder, Object[] parameters, CultureInfo culture)",
    f"{DI}.CallSiteRuntimeResolver.VisitConstructor(ConstructorCallSite constructorCallSite, RuntimeResolverContext context)",
    f"{DI}.CallSiteVisitor`2.VisitCallSiteMain(ServiceCallSite callSite, TArgument argument)",
    f"{DI}.CallSiteRuntimeResolver.VisitRootCache(ServiceCallSite callSite, RuntimeResolverContext context)",
    f"{DI}.CallSiteVisitor`2.VisitCallSite(ServiceCallSite callSite, TArgument argument)",
    f"{DI}.CallSiteRuntimeResolver.VisitIEnumerable(IEnumerableCallSite enumerableCallSite, RuntimeResolverContext context)",
    f"{DI}.CallSiteVisitor`2.VisitCallSiteMain(ServiceCallSite callSite, TArgument argument)",
    f"{DI}.CallSiteRuntimeResolver.VisitRootCache(ServiceCallSite callSite, RuntimeResolverContext context)",
    f"{DI}.CallSiteVisitor`2.VisitCallSite(ServiceCallSite callSite, TArgument argument)",
    f"{DI}.CallSiteRuntimeResolver.Resolve(ServiceCallSite callSite, ServiceProviderEngineScope scope)",
    "Microsoft.Extensions.DependencyInjection.ServiceProvider.CreateServiceAccessor(ServiceIdentifier serviceIdentifier)",
    "System.Collections.Concurrent.ConcurrentDictionary`2.GetOrAdd(TKey key, Func`2 valueFactory)",
    "Microsoft.Extensions.DependencyInjection.ServiceProvider.GetService(ServiceIdentifier serviceIdentifier, ServiceProviderEngineScope serviceProviderEngineScope)",
    "Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService(IServiceProvider provider, Type serviceType)",
    "Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService[T](IServiceProvider provider)",
    "Microsoft.Extensions.Hosting.Internal.Host.StartAsync(CancellationToken cancellationToken)",
    "Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.RunAsync(IHost host, CancellationToken token)",
    "Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.RunAsync(IHost host, CancellationToken token)",
    "Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.Run(IHost host)",
    "Program.<Main>$(String[] args) in /src/Tallgrass.Payouts.Worker/Program.cs:line 38",
]
DOTNET_INNER = [
    "System.Globalization.TimeSpanParse.TimeSpanResult.SetBadTimeSpanFailure()",
    "System.Globalization.TimeSpanParse.ProcessTerminalState(TimeSpanRawInfo& raw, TimeSpanStandardStyles style, TimeSpanResult& result)",
    "System.Globalization.TimeSpanParse.TryParseTimeSpan(ReadOnlySpan`1 input, TimeSpanStandardStyles style, IFormatProvider formatProvider, TimeSpanResult& result)",
    "System.Globalization.TimeSpanParse.Parse(ReadOnlySpan`1 input, IFormatProvider formatProvider)",
    "System.ComponentModel.TimeSpanConverter.ConvertFrom(ITypeDescriptorContext context, CultureInfo culture, Object value)",
]
DOTNET_MID = [
    "System.ComponentModel.TimeSpanConverter.ConvertFrom(ITypeDescriptorContext context, CultureInfo culture, Object value)",
    "Microsoft.Extensions.Configuration.ConfigurationBinder.TryConvertValue(Type type, String value, String path, Object& result, Exception& error)",
]
PAYOUT_CRASH = records.dotnet_exception([
    ("System.InvalidOperationException: Failed to convert configuration value at 'Payouts:BatchWindow' to type "
     "'System.TimeSpan'.", DOTNET_OUTER),
    ("System.FormatException: 15 minutes is not a valid value for TimeSpan.", DOTNET_MID),
    ("System.FormatException: String '15 minutes' was not recognized as a valid TimeSpan.", DOTNET_INNER),
])


def _payout_boot(b: Bundle, w, i: int, t: float) -> None:
    log = w.log(b, i)
    log.add(t + 0.3, records.long_json([("Timestamp", clock.iso_ms(t + 0.3)), ("EventId", 0), ("LogLevel", "Information"),
                                        ("Category", "Tallgrass.Payouts.Worker.Program"),
                                        ("Message", "payout-worker 6.2.0 starting (environment Production)")]))
    log.add(t + 1.6, PAYOUT_CRASH, "stderr")


@variant("payouts-dotnet-argocd", "config-error", ".NET 8 worker + RabbitMQ, ingress-nginx, Argo CD (ConfigMap change)", "aks",
         "2025-03-27T08:52:46Z", "argocd-app.json",
         ".NET unhandled exception: the value and key are in the 2nd/3rd ' ---> ' lines and the first app frame sits after 8 binder frames of a 40-frame trace")
def payouts(b: Bundle) -> None:
    """A ConfigMap edit set Payouts__BatchWindow to '15 minutes'; the options binder cannot parse it."""
    sc = setup(b, "nginx", [
        App("treasury", "payout-worker", "dotnet", "6.2.0", 2, 3, (("CONSUME", "batch"),), exposed=False, cri=True),
        App("treasury", "fx-quotes", "rust", "0.31.2", 2, 8, (("GET", "/v1/quotes/EURUSD"), ("GET", "/healthz"))),
        App("portal", "merchant-dashboard", "pino", "12.4.0", 2, 9, (("GET", "/dashboard"), ("GET", "/api/payouts?limit=20"))),
        App("ops", "status-page", "slog", "1.9.3", 1, 3, (("GET", "/"), ("GET", "/healthz"))),
    ], ("reporting", "pdf-archive", "php", "/ready"), 2, ("treasury", "payout-reconcile", 10))
    rev = sha(b)
    t_sync = b.onset - 6
    decoy(b, sc, "merchant-dashboard", "12.4.1", b.onset - 44 * 60)
    old = sc["payout-worker"]
    new = rollout(b, old, "6.2.0", t_sync + 0.5, stall=1, pulled=False)
    first_start = new.since[0]
    # The first symptom is the first crash of the new pod (onset).
    attempts = crashloop(b, new, 0, first_start, b.onset - first_start, 134, "Error",
                         lambda s, e, k: _payout_boot(b, new, 0, e - 1.6))
    sc.apps["payout-worker"] = old
    run(b, sc)
    b.alert("KubePodCrashLooping", {"namespace": "treasury", "pod": new.pods[0], "container": "payout-worker",
                                    "job": "kube-state-metrics"}, "Pod is crash looping.",
            f"Pod treasury/{new.pods[0]} (payout-worker) is in waiting state (reason: \"CrashLoopBackOff\").",
            b.onset + 15 * 60, runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping",
            expr='max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1')
    app = argocd_app(b, "payout-worker-prod", "treasury", "https://dev.azure.com/tallgrass/platform/_git/deploy",
                     "treasury/payout-worker/overlays/prod", old_history(b, 5, b.start) + [(t_sync, rev, "f.okafor")],
                     [old.image], health="Progressing")
    write_apps(b, [app], "argocd-app.json")
    history(b, [("payout-worker", 14, [None, None, None, None, None])])
    b.truth = Truth("config-error", clock.iso(b.onset), {"kind": "Deployment", "namespace": "treasury", "name": "payout-worker"},
                    rev, ["Failed to convert configuration value at 'Payouts:BatchWindow'",
                          "String '15 minutes' was not recognized as a valid TimeSpan", "BatchScheduler.cs:line 41",
                          "Back-off restarting failed container payout-worker", rev[:7]],
                    ["kubectl delete namespace", "increase the memory limit", "kubectl delete configmap", "--force"],
                    [{"kind": "ConfigMap", "namespace": "treasury", "name": "payout-worker-config"}])
    last_s, last_e = [a for a in attempts if a[1] < b.end][-1]
    st = container(new, state="Waiting", reason="CrashLoopBackOff", last_reason="Error", last_exit=134,
                   last_started=last_s, last_finished=last_e, restarts=restarts_at(attempts, b.end),
                   limits={"memory": "512Mi"}, requests={"cpu": "100m", "memory": "256Mi"},
                   env=[("DOTNET_ENVIRONMENT", "Production"), ("Payouts__BatchWindow", "<set to the key 'Payouts__BatchWindow' of config map 'payout-worker-config'>  Optional: false")])
    pods = get_pods([(old.pods[0], "1/1", "Running", "0", old.since[0]), (old.pods[1], "1/1", "Running", "0", old.since[1]),
                     (new.pods[0], "0/1", "CrashLoopBackOff", f"{restarts_at(attempts, b.end)} (2m ago)", new.since[0])], b.end)
    b.paste = compose(
        "payout-worker rollout stuck after this morning's config sync, new pod keeps dying. old pods still up.",
        [("kubectl get pods -n treasury -l app.kubernetes.io/name=payout-worker", pods),
         (f"kubectl describe pod {new.pods[0]} -n treasury", describe(b, new, 0, st, "Running")),
         (f"kubectl logs {new.pods[0]} -n treasury --previous",
          trace_excerpt("\n".join(log_lines(b, new, 0, last_s - 1, last_e + 1, 200)), 3, 2, "Tallgrass"))])


SITE = "/usr/local/lib/python3.12/site-packages"
GUNICORN = [
    (f"{SITE}/gunicorn/arbiter.py", 609, "spawn_worker", "worker.init_process()"),
    (f"{SITE}/gunicorn/workers/base.py", 135, "init_process", "self.load_wsgi()"),
    (f"{SITE}/gunicorn/workers/base.py", 147, "load_wsgi", "self.wsgi = self.app.wsgi()"),
    (f"{SITE}/gunicorn/app/base.py", 66, "wsgi", "self.callable = self.load()"),
    (f"{SITE}/gunicorn/app/wsgiapp.py", 57, "load", "return self.load_wsgiapp()"),
    (f"{SITE}/gunicorn/app/wsgiapp.py", 47, "load_wsgiapp", "return util.import_app(self.app_uri)"),
    (f"{SITE}/gunicorn/util.py", 370, "import_app", "mod = importlib.import_module(module)"),
    ("/usr/local/lib/python3.12/importlib/__init__.py", 90, "import_module", "return _bootstrap._gcd_import(name[level:], package, level)"),
    ("<frozen importlib._bootstrap>", 1387, "_gcd_import", ""), ("<frozen importlib._bootstrap>", 1360, "_find_and_load", ""),
    ("<frozen importlib._bootstrap>", 1331, "_find_and_load_unlocked", ""), ("<frozen importlib._bootstrap>", 935, "_load_unlocked", ""),
    ("<frozen importlib._bootstrap_external>", 995, "exec_module", ""), ("<frozen importlib._bootstrap>", 488, "_call_with_frames_removed", ""),
    ("/app/quoteengine/wsgi.py", 16, "<module>", "application = get_wsgi_application()"),
    (f"{SITE}/django/core/wsgi.py", 12, "get_wsgi_application", "django.setup(set_prefix=False)"),
    (f"{SITE}/django/__init__.py", 19, "setup", "configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)"),
    (f"{SITE}/django/conf/__init__.py", 81, "__getattr__", "self._setup(name)"),
    (f"{SITE}/django/conf/__init__.py", 68, "_setup", "self._wrapped = Settings(settings_module)"),
    (f"{SITE}/django/conf/__init__.py", 166, "__init__", "mod = importlib.import_module(self.SETTINGS_MODULE)"),
    ("/usr/local/lib/python3.12/importlib/__init__.py", 90, "import_module", "return _bootstrap._gcd_import(name[level:], package, level)"),
    ("<frozen importlib._bootstrap>", 1387, "_gcd_import", ""), ("<frozen importlib._bootstrap>", 1360, "_find_and_load", ""),
    ("<frozen importlib._bootstrap>", 1331, "_find_and_load_unlocked", ""), ("<frozen importlib._bootstrap>", 935, "_load_unlocked", ""),
    ("<frozen importlib._bootstrap_external>", 995, "exec_module", ""), ("<frozen importlib._bootstrap>", 488, "_call_with_frames_removed", ""),
    ("/app/quoteengine/settings/production.py", 12, "<module>", "from .base import *  # noqa: F403"),
    ("/app/quoteengine/settings/base.py", 141, "<module>", 'QUOTE_WORKER_CONCURRENCY = env_int("QUOTE_WORKER_CONCURRENCY", default=4)'),
]


def _django_crash(t: float, pid: int) -> list[tuple[float, str]]:
    stamp = lambda dt: f"[{clock.spaced(t + dt, frac='')} +0000]"  # noqa: E731
    tb = records.py_traceback([
        (GUNICORN + [("/app/quoteengine/settings/env.py", 23, "env_int", "return int(raw)")],
         "ValueError: invalid literal for int() with base 10: '8 # per pod'"),
        (GUNICORN + [("/app/quoteengine/settings/env.py", 25, "env_int",
                      'raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}")')],
         "django.core.exceptions.ImproperlyConfigured: QUOTE_WORKER_CONCURRENCY must be an integer, got '8 # per pod'"),
    ])
    return [
        (t, f"{stamp(0)} [1] [INFO] Starting gunicorn 22.0.0"), (t + 0.01, f"{stamp(0)} [1] [INFO] Listening at: http://0.0.0.0:8000 (1)"),
        (t + 0.02, f"{stamp(0)} [1] [INFO] Using worker: sync"), (t + 0.05, f"{stamp(0)} [{pid}] [INFO] Booting worker with pid: {pid}"),
        (t + 1.2, f"{stamp(1.2)} [{pid}] [ERROR] Exception in worker process\n{tb}"),
        (t + 1.21, f"{stamp(1.2)} [{pid}] [INFO] Worker exiting (pid: {pid})"),
        (t + 1.5, f"{stamp(1.5)} [1] [ERROR] Worker (pid:{pid}) exited with code 3"),
        (t + 1.51, f"{stamp(1.5)} [1] [ERROR] Shutting down: Master"),
        (t + 1.52, f"{stamp(1.5)} [1] [ERROR] Reason: Worker failed to boot."),
    ]


@variant("quotes-django-k3s-gitlog", "config-error", "Django/gunicorn + PostgreSQL, Traefik, k3s, git log (ConfigMap)", "k3s",
         "2025-07-09T23:18:04Z", "git-log.txt",
         "Python traceback chained with 'During handling of the above exception': 30 import/gunicorn frames before the settings frame")
def quotes(b: Bundle) -> None:
    """An inline comment inside a quoted ConfigMap value made QUOTE_WORKER_CONCURRENCY '8 # per pod'."""
    sc = setup(b, "traefik", [
        App("insurance", "quote-engine", "gunicorn", "3.9.1", 3, 9, (("POST", "/api/quotes/"), ("GET", "/api/quotes/q-88121/"), ("GET", "/healthz"))),
        App("insurance", "policy-docs", "uvicorn", "1.4.0", 2, 4, (("GET", "/docs/policy/88121.pdf"), ("GET", "/healthz"))),
        App("crm", "lead-intake", "celery", "2.2.7", 2, 5, (("TASK", "leads.tasks.enrich_lead"),), exposed=False),
        App("web", "broker-portal", "rails", "5.11.0", 2, 6, (("GET", "/brokers/home"), ("GET", "/up"))),
    ], ("legacy", "mainframe-bridge", "spring", "/actuator/health"), 3, ("insurance", "quote-expiry", 30))
    commits = background_commits(b, ["quote-engine", "policy-docs", "lead-intake", "broker-portal"])
    rev = sha(b)
    t_commit = b.onset - 150  # Flux picks the commit up on its next 2-minute poll
    decoy_t = b.onset - 27 * 60
    commits.append(Commit(sha(b), "Aisha Khan", "aisha.khan@example.org", decoy_t, "broker-portal: bump image to 5.11.1",
                          files=[("M", "clusters/edge-k3s/web/broker-portal/kustomization.yaml")]))
    decoy(b, sc, "broker-portal", "5.11.1", decoy_t + 60)
    commits.append(Commit(rev, "Tom Wilkins", "tom.wilkins@example.org", t_commit, "quote-engine: document worker concurrency inline",
                          "so nobody bumps it without reading the sizing doc", [("M", "clusters/edge-k3s/insurance/quote-engine/configmap.yaml")]))
    b.file("git-log.txt", git_log_fuller(commits))
    old = sc["quote-engine"]
    new = rollout(b, old, "3.9.1", b.onset - 5.5, stall=1, pulled=False)
    first_start = new.since[0]

    def attempt(s: float, e: float, k: int) -> None:
        for ts, line in _django_crash(e - 1.55, 7 + k * 0):
            new.log(b, 0).add(ts, line, "stderr")

    attempts = crashloop(b, new, 0, first_start, b.onset - first_start + 0.35, 3, "Error", attempt)
    run(b, sc)
    history(b, [("quote-engine", 8, ["kubectl apply --filename=quote-engine.yaml", None, None, None, None, None])])
    b.truth = Truth("config-error", clock.iso(b.onset), {"kind": "Deployment", "namespace": "insurance", "name": "quote-engine"},
                    rev, ["invalid literal for int() with base 10: '8 # per pod'",
                          "ImproperlyConfigured: QUOTE_WORKER_CONCURRENCY must be an integer", "settings/base.py",
                          "Reason: Worker failed to boot.", rev[:7]],
                    ["kubectl delete namespace", "increase the memory limit", "kubectl delete pvc", "DROP DATABASE"],
                    [{"kind": "ConfigMap", "namespace": "insurance", "name": "quote-engine-config"}])
    last_s, last_e = [a for a in attempts if a[1] < b.end][-1]
    st = container(new, state="Waiting", reason="CrashLoopBackOff", last_reason="Error", last_exit=3, last_started=last_s,
                   last_finished=last_e, restarts=restarts_at(attempts, b.end), port="8000/TCP",
                   limits={"cpu": "1", "memory": "768Mi"}, requests={"cpu": "250m", "memory": "512Mi"},
                   env=[("DJANGO_SETTINGS_MODULE", "quoteengine.settings.production")])
    b.paste = compose(
        "quote-engine new replica crashlooping on edge k3s, looks like gunicorn can't boot the worker",
        [(f"kubectl describe pod {new.pods[0]} -n insurance", describe(b, new, 0, st, "Running")),
         events_section(b, "insurance", b.onset - 600, prefix="quote-engine"),
         (f"kubectl logs {new.pods[0]} -n insurance --previous", trim_traceback(log_lines(b, new, 0, last_s - 1, last_e + 1, 200)))])


def _eso_error(b: Bundle, t: float) -> str:
    stack = "\n".join([
        "sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).reconcileHandler",
        "\t/home/runner/go/pkg/mod/sigs.k8s.io/controller-runtime@v0.19.1/pkg/internal/controller/controller.go:316",
        "sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).processNextWorkItem",
        "\t/home/runner/go/pkg/mod/sigs.k8s.io/controller-runtime@v0.19.1/pkg/internal/controller/controller.go:263",
        "sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).Start.func2.2",
        "\t/home/runner/go/pkg/mod/sigs.k8s.io/controller-runtime@v0.19.1/pkg/internal/controller/controller.go:224"])
    return records.long_json([
        ("level", "error"), ("ts", round(t + b.rng.uniform(0.0001, 0.9), 6)), ("msg", "Reconciler error"), ("controller", "externalsecret"),
        ("controllerGroup", "external-secrets.io"), ("controllerKind", "ExternalSecret"),
        ("ExternalSecret", {"name": "psp-credentials-v2", "namespace": "payments"}), ("namespace", "payments"),
        ("name", "psp-credentials-v2"), ("reconcileID", b.uid()),
        ("error", "error retrieving secret at .data[0], key: prod/payments/psp-v2, err: Secret does not exist"),
        ("stacktrace", stack)])


@variant("psp-secret-externalsecrets", "secret-missing", "Go proxy + External Secrets Operator (AWS Secrets Manager), Traefik, git log",
         "eks", "2025-09-15T03:26:40Z", "git-log.txt",
         "ESO controller JSON line (~1,000 chars): the error field with the missing remote key comes after 10 fields, before a Go stacktrace")
def psp_secret(b: Bundle) -> None:
    """The ExternalSecret moved to a remote key that does not exist, so its target Secret is never created."""
    sc = setup(b, "traefik", [
        App("payments", "card-vault-proxy", "slog", "2.8.3", 3, 10, (("POST", "/v1/tokenize"), ("POST", "/v1/detokenize"), ("GET", "/healthz"))),
        App("external-secrets", "external-secrets", "zap", "v0.10.4", 1, 0, (("GET", "/metrics"),), exposed=False),
        App("payments", "chargeback-api", "spring", "3.2.0", 2, 5, (("GET", "/api/chargebacks?status=open"), ("GET", "/actuator/health"))),
        App("growth", "referral-service", "pino", "4.0.9", 2, 6, (("POST", "/referrals"), ("GET", "/health"))),
    ], ("analytics", "superset-worker", "celery", "/health"), 3, ("payments", "settlement-export", 15))
    commits = background_commits(b, ["card-vault-proxy", "chargeback-api", "referral-service"])
    rev = sha(b)
    t_commit = b.onset - 5 * 60 - 10
    decoy_t = b.onset - 41 * 60
    commits.append(Commit(sha(b), "Priya Nair", "priya.nair@example.org", decoy_t, "referral-service: bump image to 4.1.0",
                          files=[("M", "apps/growth/referral-service/deployment.yaml")]))
    decoy(b, sc, "referral-service", "4.1.0", decoy_t + 70)
    commits.append(Commit(rev, "Marek Zielinski", "marek.zielinski@example.org", t_commit,
                          "payments: read PSP credentials from the psp-v2 secret path",
                          "part of SEC-412 (per-environment PSP keys)",
                          [("M", "apps/payments/card-vault-proxy/deployment.yaml"), ("M", "apps/payments/card-vault-proxy/externalsecret.yaml")]))
    b.file("git-log.txt", git_log_fuller(commits))
    eso = sc["external-secrets"]
    t = b.onset
    while t < b.end:
        eso.log(b, 0).add(t, _eso_error(b, t))
        t += min(300.0, 5 * 2 ** min(6, int((t - b.onset) // 60)))
    b.event("payments", "ExternalSecret", "psp-credentials-v2", "UpdateFailed",
            "error retrieving secret at .data[0], key: prod/payments/psp-v2, err: Secret does not exist", b.onset,
            b.end - 200, 11, "Warning", component="external-secrets", api_version="external-secrets.io/v1beta1")
    old = sc["card-vault-proxy"]
    new = rollout(b, old, "2.8.3", b.onset + 2, stall=1, pulled=False)
    pod, node, uid = new.pods[0], new.nodes[0], new.uids[0]
    for ev in [e for e in b.events if e["involvedObject"]["name"] == pod and e["reason"] in ("Created", "Started")]:
        b.events.remove(ev)
    ticks = [new.since[0] + k * 13.0 for k in range(int((b.end - new.since[0]) / 13.0))]
    fp = "spec.containers{card-vault-proxy}"
    b.event("payments", "Pod", pod, "Pulled", f'Container image "{new.image}" already present on machine', ticks[0],
            ticks[-1], len(ticks), field_path=fp, host=node.name)
    b.event("payments", "Pod", pod, "Failed", 'Error: secret "psp-credentials-v2" not found', ticks[0], ticks[-1],
            len(ticks), "Warning", field_path=fp, host=node.name)
    for tk in ticks[::6]:
        b.kubelet(node, tk + 0.2, "pod_workers.go:1301", '"Error syncing pod, skipping" err="failed to \\"StartContainer\\" for '
                  '\\"card-vault-proxy\\" with CreateContainerConfigError: \\"secret \\\\\\"psp-credentials-v2\\\\\\" not found\\"" '
                  f'pod="payments/{pod}" podUID="{uid}"', "E")
    run(b, sc, p99={"card-vault-proxy": lambda t: 0.18})
    b.alert("KubeDeploymentRolloutStuck", {"namespace": "payments", "deployment": "card-vault-proxy", "job": "kube-state-metrics"},
            "Deployment rollout is not progressing.", "Rollout of deployment payments/card-vault-proxy is not progressing for longer than 15 minutes.",
            b.onset + 16 * 60, runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubedeploymentrolloutstuck",
            expr='kube_deployment_status_condition{condition="Progressing",status="false"} != 0')
    history(b, [("card-vault-proxy", 21, [None, None, None, None, None])])
    b.truth = Truth("secret-missing", clock.iso(b.onset), {"kind": "Deployment", "namespace": "payments", "name": "card-vault-proxy"},
                    rev, ["Secret does not exist", "prod/payments/psp-v2", "CreateContainerConfigError", "psp-credentials-v2", rev[:7]],
                    ["kubectl delete namespace", "kubectl delete secret", "--force", "increase the memory limit"],
                    [{"kind": "ExternalSecret", "namespace": "payments", "name": "psp-credentials-v2"}])
    st = container(new, state="Waiting", reason="CreateContainerConfigError", restarts=0,
                   limits={"memory": "256Mi"}, requests={"cpu": "100m", "memory": "128Mi"},
                   env=[("PSP_API_KEY", "<set to the key 'api_key' in secret 'psp-credentials-v2'>  Optional: false"),
                        ("VAULT_ADDR", "https://vault.security.svc:8200")])
    eso_lines = log_lines(b, eso, 0, b.onset, b.onset + 200, 2)
    b.paste = compose(
        "card-vault-proxy rollout hangs, new pod never starts. ESO logs below. Is AWS SM down?",
        [(f"kubectl describe pod {pod} -n payments", describe(b, new, 0, st, "Pending")),
         events_section(b, "payments", b.onset - 120, prefix="card-vault-proxy"),
         ("kubectl logs -n external-secrets deploy/external-secrets --since=30m | grep psp", eso_lines)])
