"""db-connectivity variants: the database (or its pooler) runs out of connection slots."""

from __future__ import annotations

from bench.variants import clock, records
from bench.variants.bundle import Bundle, Truth
from bench.variants.paste import (
    compose,
    container,
    describe,
    events_section,
    log_lines,
    trim_traceback,
)
from bench.variants.registry import variant
from bench.variants.scene import App, decoy, history, run, setup
from bench.variants.workload import Workload

V = "/var/www/html/vendor/laravel/framework/src/Illuminate"
LARAVEL_FRAMES = [
    f"{V}/Database/Connection.php(779): Illuminate\\\\Database\\\\Connection->runQueryCallback('select * from `...', Array, Object(Closure))",
    f"{V}/Database/Connection.php(398): Illuminate\\\\Database\\\\Connection->run('select * from `...', Array, Object(Closure))",
    f"{V}/Database/Query/Builder.php(3133): Illuminate\\\\Database\\\\Connection->select('select * from `...', Array, true)",
    f"{V}/Database/Query/Builder.php(3118): Illuminate\\\\Database\\\\Query\\\\Builder->runSelect()",
    f"{V}/Database/Query/Builder.php(3706): Illuminate\\\\Database\\\\Query\\\\Builder->Illuminate\\\\Database\\\\Query\\\\{{closure}}()",
    f"{V}/Database/Query/Builder.php(3117): Illuminate\\\\Database\\\\Query\\\\Builder->onceWithColumns(Array, Object(Closure))",
    f"{V}/Database/Eloquent/Builder.php(872): Illuminate\\\\Database\\\\Query\\\\Builder->get(Array)",
    f"{V}/Database/Eloquent/Builder.php(854): Illuminate\\\\Database\\\\Eloquent\\\\Builder->getModels(Array)",
    f"{V}/Database/Concerns/BuildsQueries.php(1096): Illuminate\\\\Database\\\\Eloquent\\\\Builder->get(Array)",
    f"{V}/Database/Eloquent/Builder.php(1002): Illuminate\\\\Database\\\\Eloquent\\\\Builder->paginate(25)",
    "/var/www/html/app/Repositories/InvoiceRepository.php(88): Illuminate\\\\Database\\\\Eloquent\\\\Builder->paginate(25)",
    "/var/www/html/app/Http/Controllers/InvoiceController.php(41): App\\\\Repositories\\\\InvoiceRepository->forCustomer(88213, 1)",
    f"{V}/Routing/ControllerDispatcher.php(47): App\\\\Http\\\\Controllers\\\\InvoiceController->index(Object(Illuminate\\\\Http\\\\Request))",
    f"{V}/Routing/Route.php(266): Illuminate\\\\Routing\\\\ControllerDispatcher->dispatch(Object(Illuminate\\\\Routing\\\\Route), Object(App\\\\Http\\\\Controllers\\\\InvoiceController), 'index')",
    f"{V}/Routing/Route.php(212): Illuminate\\\\Routing\\\\Route->runController()",
    f"{V}/Routing/Router.php(808): Illuminate\\\\Routing\\\\Route->run()",
] + [f"{V}/{p}" for p in [
    "Pipeline/Pipeline.php(170): Illuminate\\\\Routing\\\\Router->Illuminate\\\\Routing\\\\{closure}(Object(Illuminate\\\\Http\\\\Request))",
    "Routing/Middleware/SubstituteBindings.php(51): Illuminate\\\\Pipeline\\\\Pipeline->Illuminate\\\\Pipeline\\\\{closure}(Object(Illuminate\\\\Http\\\\Request))",
    "Pipeline/Pipeline.php(209): Illuminate\\\\Routing\\\\Middleware\\\\SubstituteBindings->handle(Object(Illuminate\\\\Http\\\\Request), Object(Closure))",
    "Auth/Middleware/Authenticate.php(64): Illuminate\\\\Pipeline\\\\Pipeline->Illuminate\\\\Pipeline\\\\{closure}(Object(Illuminate\\\\Http\\\\Request))",
    "Pipeline/Pipeline.php(209): Illuminate\\\\Auth\\\\Middleware\\\\Authenticate->handle(Object(Illuminate\\\\Http\\\\Request), Object(Closure))",
    "Foundation/Http/Middleware/VerifyCsrfToken.php(88): Illuminate\\\\Pipeline\\\\Pipeline->Illuminate\\\\Pipeline\\\\{closure}(Object(Illuminate\\\\Http\\\\Request))",
    "Pipeline/Pipeline.php(209): Illuminate\\\\Foundation\\\\Http\\\\Middleware\\\\VerifyCsrfToken->handle(Object(Illuminate\\\\Http\\\\Request), Object(Closure))",
    "View/Middleware/ShareErrorsFromSession.php(49): Illuminate\\\\Pipeline\\\\Pipeline->Illuminate\\\\Pipeline\\\\{closure}(Object(Illuminate\\\\Http\\\\Request))",
    "Pipeline/Pipeline.php(209): Illuminate\\\\View\\\\Middleware\\\\ShareErrorsFromSession->handle(Object(Illuminate\\\\Http\\\\Request), Object(Closure))",
    "Session/Middleware/StartSession.php(121): Illuminate\\\\Pipeline\\\\Pipeline->Illuminate\\\\Pipeline\\\\{closure}(Object(Illuminate\\\\Http\\\\Request))",
    "Session/Middleware/StartSession.php(64): Illuminate\\\\Session\\\\Middleware\\\\StartSession->handleStatefulRequest(Object(Illuminate\\\\Http\\\\Request), Object(Illuminate\\\\Session\\\\Store), Object(Closure))",
    "Pipeline/Pipeline.php(209): Illuminate\\\\Session\\\\Middleware\\\\StartSession->handle(Object(Illuminate\\\\Http\\\\Request), Object(Closure))",
    "Cookie/Middleware/EncryptCookies.php(75): Illuminate\\\\Pipeline\\\\Pipeline->Illuminate\\\\Pipeline\\\\{closure}(Object(Illuminate\\\\Http\\\\Request))",
    "Pipeline/Pipeline.php(209): Illuminate\\\\Cookie\\\\Middleware\\\\EncryptCookies->handle(Object(Illuminate\\\\Http\\\\Request), Object(Closure))",
    "Pipeline/Pipeline.php(127): Illuminate\\\\Pipeline\\\\Pipeline->Illuminate\\\\Pipeline\\\\{closure}(Object(Illuminate\\\\Http\\\\Request))",
    "Routing/Router.php(807): Illuminate\\\\Pipeline\\\\Pipeline->then(Object(Closure))",
    "Routing/Router.php(786): Illuminate\\\\Routing\\\\Router->runRouteWithinStack(Object(Illuminate\\\\Routing\\\\Route), Object(Illuminate\\\\Http\\\\Request))",
    "Routing/Router.php(750): Illuminate\\\\Routing\\\\Router->runRoute(Object(Illuminate\\\\Http\\\\Request), Object(Illuminate\\\\Routing\\\\Route))",
    "Routing/Router.php(739): Illuminate\\\\Routing\\\\Router->dispatchToRoute(Object(Illuminate\\\\Http\\\\Request))",
    "Foundation/Http/Kernel.php(201): Illuminate\\\\Routing\\\\Router->dispatch(Object(Illuminate\\\\Http\\\\Request))",
    "Pipeline/Pipeline.php(170): Illuminate\\\\Foundation\\\\Http\\\\Kernel->Illuminate\\\\Foundation\\\\Http\\\\{closure}(Object(Illuminate\\\\Http\\\\Request))",
    "Foundation/Http/Kernel.php(176): Illuminate\\\\Pipeline\\\\Pipeline->then(Object(Closure))",
]] + ["/var/www/html/public/index.php(51): Illuminate\\\\Foundation\\\\Http\\\\Kernel->handle(Object(Illuminate\\\\Http\\\\Request))"]
CONNECTOR = [
    f"{V}/Database/Connectors/Connector.php(65): PDO->__construct('mysql:host=mysq...', 'portal', Object(SensitiveParameterValue), Array)",
    f"{V}/Database/Connectors/Connector.php(44): Illuminate\\\\Database\\\\Connectors\\\\Connector->createPdoConnection('mysql:host=mysq...', 'portal', Object(SensitiveParameterValue), Array)",
    f"{V}/Database/Connectors/MySqlConnector.php(24): Illuminate\\\\Database\\\\Connectors\\\\Connector->createConnection('mysql:host=mysq...', Array, Array)",
    f"{V}/Database/Connectors/ConnectionFactory.php(185): Illuminate\\\\Database\\\\Connectors\\\\MySqlConnector->connect(Array)",
    f"{V}/Database/Connection.php(1231): Illuminate\\\\Database\\\\Connectors\\\\ConnectionFactory->Illuminate\\\\Database\\\\Connectors\\\\{{closure}}()",
    f"{V}/Database/Connection.php(1267): Illuminate\\\\Database\\\\Connection->getPdo()",
    f"{V}/Database/Connection.php(512): Illuminate\\\\Database\\\\Connection->getReadPdo()",
    f"{V}/Database/Connection.php(423): Illuminate\\\\Database\\\\Connection->getPdoForSelect(true)",
    f"{V}/Database/Connection.php(816): Illuminate\\\\Database\\\\Connection->Illuminate\\\\Database\\\\{{closure}}('select * from `...', Array)",
]
SQL = ("select * from `invoices` where `customer_id` = 88213 and `invoices`.`deleted_at` is null "
       "order by `issued_at` desc limit 25 offset 0")


def _laravel_error(t: float) -> str:
    err = "SQLSTATE[HY000] [1040] Too many connections"
    head = (f"[{clock.spaced(t, frac='')}] production.ERROR: {err} (Connection: mysql, SQL: {SQL}) "
            f'{{"userId":88213,"exception":"[object] (Illuminate\\\\Database\\\\QueryException(code: 1040): {err} '
            f"(Connection: mysql, SQL: {SQL}) at {V}/Database/Connection.php:825)")
    frames = [f"#{k} {f}" for k, f in enumerate(LARAVEL_FRAMES)] + [f"#{len(LARAVEL_FRAMES)} {{main}}"]
    prev = CONNECTOR + LARAVEL_FRAMES
    prev_frames = [f"#{k} {f}" for k, f in enumerate(prev)] + [f"#{len(prev)} {{main}}"]
    return "\n".join([head, "[stacktrace]", *frames, "",
                      f"[previous exception] [object] (PDOException(code: 1040): {err} at {V}/Database/Connectors/Connector.php:65)",
                      "[stacktrace]", *prev_frames, '"} '])


@variant("invoices-laravel-mysql", "db-connectivity", "PHP Laravel (php-fpm) + MySQL 8, ingress-nginx, AKS", "aks",
         "2025-12-01T00:02:13Z", "rollout-history.txt",
         "Laravel exception record of ~90 lines: the app frame InvoiceRepository.php(88) is #10, the PDOException cause after 47 frames")
def invoices(b: Bundle) -> None:
    """The month-end export CronJob opens 140 connections; MySQL's 151 slots run out for the portal."""
    sc = setup(b, "nginx", [
        App("invoicing", "invoice-portal", "php", "2025.11.4", 4, 14, (("GET", "/invoices?page=1"), ("GET", "/invoices/INV-2025-88213.pdf"), ("GET", "/healthz"))),
        App("invoicing", "mysql", "logrus", "8.0.39", 1, 0, (("Q", "-"),), exposed=False, kind="StatefulSet"),
        App("crm", "contact-sync", "dotnet", "3.1.0", 2, 3, (("SYNC", "hubspot-contacts"),), exposed=False),
        App("web", "marketing-site", "pino", "9.2.0", 2, 10, (("GET", "/pricing"), ("GET", "/health"))),
    ], ("legacy", "fax-gateway", "gunicorn", "/ready"), 0, ("invoicing", "dunning-mailer", 30))
    decoy(b, sc, "marketing-site", "9.2.1", b.onset - 52 * 60)
    job = "month-end-export-29409120"
    pod = f"{job}-{b.pod_suffix()}"
    b.event("invoicing", "CronJob", "month-end-export", "SuccessfulCreate", f"Created job {job}", b.onset - 133,
            component="cronjob-controller", api_version="batch/v1")
    b.event("invoicing", "Job", job, "SuccessfulCreate", f"Created pod: {pod}", b.onset - 132.8, component="job-controller",
            api_version="batch/v1")
    portal = sc["invoice-portal"]
    db = sc["mysql"]
    dblog = db.log(b, 0)
    for k in range(14):
        t = b.onset + 30 + k * 75
        dblog.add(t, f"{clock.iso_us(t)} {4400 + k * 13} [Note] [MY-010914] [Server] Aborted connection {4400 + k * 13} to db: "
                     f"'invoicing' user: 'portal' host: '10.244.{k % 4}.{30 + k}' (Got an error reading communication packets).")
    errors = [0]

    def outcome(t: float, i: int, path: str):
        if t < b.onset or path == "/healthz" or b.rng.random() < 0.55:
            return 200, b.rng.lognormvariate(3.4, 0.5)
        if errors[0] < 6:
            portal.log(b, i).add(t - 0.01, _laravel_error(t - 0.01), "stderr")
        errors[0] += 1
        return 500, b.rng.uniform(5, 40)

    portal.log(b, 1).add(b.onset, _laravel_error(b.onset), "stderr")
    sc.outcomes["invoice-portal"] = outcome
    run(b, sc, err={"invoice-portal": lambda t: 0.45 if t > b.onset + 30 else 0.0})
    b.metric({"__name__": "mysql_global_status_threads_connected", "instance": "mysql-0.mysql.invoicing:9104", "job": "mysqld-exporter"},
             lambda t: 38 + 4 * b.rng.random() if t < b.onset - 130 else min(151, 38 + (t - b.onset + 130) * 2.2))
    b.metric({"__name__": "mysql_global_variables_max_connections", "instance": "mysql-0.mysql.invoicing:9104", "job": "mysqld-exporter"},
             lambda t: 151)
    b.alert("MysqlTooManyConnections", {"namespace": "invoicing", "instance": "mysql-0.mysql.invoicing:9104"},
            "MySQL too many connections (> 80%)", "More than 80% of MySQL connections are in use on mysql-0.mysql.invoicing:9104 (VALUE = 100)",
            b.onset + 120, expr="max_over_time(mysql_global_status_threads_connected[1m]) / mysql_global_variables_max_connections * 100 > 80")
    history(b, [("invoice-portal", 230, [None, None, None, None, None])])
    b.truth = Truth("db-connectivity", clock.iso(b.onset), {"kind": "Deployment", "namespace": "invoicing", "name": "invoice-portal"}, None,
                    ["SQLSTATE[HY000] [1040] Too many connections", "InvoiceRepository.php(88)", "PDOException(code: 1040)",
                     "MysqlTooManyConnections"],
                    ["kubectl delete pvc", "kubectl delete statefulset mysql", "DROP DATABASE", "--force", "increase the memory limit"],
                    [{"kind": "StatefulSet", "namespace": "invoicing", "name": "mysql"},
                     {"kind": "CronJob", "namespace": "invoicing", "name": "month-end-export"}])
    err_lines = log_lines(b, portal, 1, b.onset - 1, b.onset + 1, 400)
    excerpt = err_lines[:14] + ["[...]"] + [x for x in err_lines if x.startswith("[previous exception]")]
    b.paste = compose(
        "invoice portal throwing 500s since just after midnight (first of the month). mysql pod itself is running.",
        [("kubectl get pods -n invoicing", [f"{'NAME':<40}READY   STATUS      RESTARTS   AGE",
                                            *[f"{p:<40}1/1     Running     0          6d" for p in portal.pods],
                                            f"{'mysql-0':<40}1/1     Running     0          41d",
                                            f"{pod:<40}1/1     Running     0          {clock.human_duration(b.end - b.onset + 133)}"]),
         events_section(b, "invoicing", b.onset - 300, limit=8),
         (f"kubectl logs {portal.pods[1]} -n invoicing --since=30m | grep -m1 -A12 production.ERROR", excerpt),
         ("kubectl exec mysql-0 -n invoicing -- mysql -e \"SHOW STATUS LIKE 'Threads_connected'; SHOW VARIABLES LIKE 'max_connections'\"",
          ["Variable_name\tValue", "Threads_connected\t151", "Variable_name\tValue", "max_connections\t151"])])


SP = "/usr/local/lib/python3.12/site-packages"
POOL = [
    (f"{SP}/sqlalchemy/engine/base.py", 146, "__init__", "self._dbapi_connection = engine.raw_connection()"),
    (f"{SP}/sqlalchemy/engine/base.py", 3298, "raw_connection", "return self.pool.connect()"),
    (f"{SP}/sqlalchemy/pool/base.py", 449, "connect", "return _ConnectionFairy._checkout(self)"),
    (f"{SP}/sqlalchemy/pool/base.py", 1264, "_checkout", "fairy = _ConnectionRecord.checkout(pool)"),
    (f"{SP}/sqlalchemy/pool/base.py", 713, "checkout", "rec = pool._do_get()"),
    (f"{SP}/sqlalchemy/pool/impl.py", 179, "_do_get", "with util.safe_reraise():"),
    (f"{SP}/sqlalchemy/util/langhelpers.py", 146, "__exit__", "raise exc_value.with_traceback(exc_tb)"),
    (f"{SP}/sqlalchemy/pool/impl.py", 177, "_do_get", "return self._create_connection()"),
    (f"{SP}/sqlalchemy/pool/base.py", 390, "_create_connection", "return _ConnectionRecord(self)"),
    (f"{SP}/sqlalchemy/pool/base.py", 675, "__init__", "self.__connect()"),
    (f"{SP}/sqlalchemy/pool/base.py", 901, "__connect", "with util.safe_reraise():"),
    (f"{SP}/sqlalchemy/util/langhelpers.py", 146, "__exit__", "raise exc_value.with_traceback(exc_tb)"),
    (f"{SP}/sqlalchemy/pool/base.py", 897, "__connect", "self.dbapi_connection = connection = pool._invoke_creator(self)"),
    (f"{SP}/sqlalchemy/engine/create.py", 646, "connect", "return dialect.connect(*cargs, **cparams)"),
    (f"{SP}/sqlalchemy/engine/default.py", 625, "connect", "return self.loaded_dbapi.connect(*cargs, **cparams)"),
    (f"{SP}/psycopg2/__init__.py", 122, "connect", "conn = _connect(dsn, connection_factory=connection_factory, **kwasync)"),
]
ASGI = [
    (f"{SP}/uvicorn/protocols/http/httptools_impl.py", 401, "run_asgi", "result = await app(  # type: ignore[func-returns-value]"),
    (f"{SP}/uvicorn/middleware/proxy_headers.py", 70, "__call__", "return await self.app(scope, receive, send)"),
    (f"{SP}/fastapi/applications.py", 1054, "__call__", "await super().__call__(scope, receive, send)"),
    (f"{SP}/starlette/applications.py", 123, "__call__", "await self.middleware_stack(scope, receive, send)"),
    (f"{SP}/starlette/middleware/errors.py", 186, "__call__", "raise exc"),
    (f"{SP}/starlette/middleware/errors.py", 164, "__call__", "await self.app(scope, receive, _send)"),
    (f"{SP}/starlette/middleware/exceptions.py", 65, "__call__", "await wrap_app_handling_exceptions(self.app, conn)(scope, receive, send)"),
    (f"{SP}/starlette/_exception_handler.py", 64, "wrapped_app", "raise exc"),
    (f"{SP}/starlette/_exception_handler.py", 53, "wrapped_app", "await app(scope, receive, sender)"),
    (f"{SP}/starlette/routing.py", 756, "__call__", "await self.middleware_stack(scope, receive, send)"),
    (f"{SP}/starlette/routing.py", 776, "app", "await route.handle(scope, receive, send)"),
    (f"{SP}/starlette/routing.py", 297, "handle", "await self.app(scope, receive, send)"),
    (f"{SP}/starlette/routing.py", 77, "app", "await wrap_app_handling_exceptions(app, request)(scope, receive, send)"),
    (f"{SP}/starlette/_exception_handler.py", 64, "wrapped_app", "raise exc"),
    (f"{SP}/starlette/_exception_handler.py", 53, "wrapped_app", "await app(scope, receive, sender)"),
    (f"{SP}/starlette/routing.py", 72, "app", "response = await func(request)"),
    (f"{SP}/fastapi/routing.py", 278, "app", "raw_response = await run_endpoint_function("),
    (f"{SP}/fastapi/routing.py", 193, "run_endpoint_function", "return await run_in_threadpool(dependant.call, **values)"),
    (f"{SP}/starlette/concurrency.py", 42, "run_in_threadpool", "return await anyio.to_thread.run_sync(func, *args)"),
    (f"{SP}/anyio/to_thread.py", 56, "run_sync", "return await get_async_backend().run_sync_in_worker_thread("),
    (f"{SP}/anyio/_backends/_asyncio.py", 2177, "run_sync_in_worker_thread", "return await future"),
    (f"{SP}/anyio/_backends/_asyncio.py", 859, "run", "result = context.run(func, *args)"),
    ("/app/claims/api/routes/claims.py", 54, "get_claim", "claim = repo.get(claim_id)"),
    ("/app/claims/repository.py", 88, "get", "return self.session.execute(stmt).scalar_one_or_none()"),
    (f"{SP}/sqlalchemy/orm/session.py", 2362, "execute", "return self._execute_internal("),
    (f"{SP}/sqlalchemy/orm/session.py", 2237, "_execute_internal", "conn = self._connection_for_bind(bind)"),
    (f"{SP}/sqlalchemy/orm/session.py", 2106, "_connection_for_bind", "return trans._connection_for_bind(engine, execution_options)"),
    (f"{SP}/sqlalchemy/orm/state_changes.py", 139, "_go", "ret_value = fn(self, *arg, **kw)"),
    (f"{SP}/sqlalchemy/orm/session.py", 1189, "_connection_for_bind", "conn = bind.connect()"),
    (f"{SP}/sqlalchemy/engine/base.py", 3274, "connect", "return self._connection_cls(self)"),
    (f"{SP}/sqlalchemy/engine/base.py", 148, "__init__", "Connection._handle_dbapi_exception_noconnection("),
    (f"{SP}/sqlalchemy/engine/base.py", 2439, "_handle_dbapi_exception_noconnection", "raise sqlalchemy_exception.with_traceback(exc_info[2]) from e"),
] + POOL
PG_ERR = ('connection to server at "pgbouncer.data.svc.cluster.local" (10.96.44.12), port 6432 failed: '
          "FATAL:  no more connections allowed (max_client_conn)")


def _claims_error() -> str:
    tb = records.py_traceback([(POOL, f"psycopg2.OperationalError: {PG_ERR}"),
                               (ASGI, f"sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) {PG_ERR}\n\n"
                                      "(Background on this error at: https://sqlalche.me/e/20/e3q8)")], records.DIRECT_CAUSE)
    return "ERROR:    Exception in ASGI application\n" + tb


@variant("claims-fastapi-pgbouncer", "db-connectivity", "FastAPI + SQLAlchemy/psycopg2 via PgBouncer, KEDA-scaled Celery, Traefik", "kubeadm",
         "2025-08-19T09:41:27Z", "rollout-history.txt",
         "Python traceback chained by 'direct cause': the PgBouncer FATAL is the last line of the 2nd traceback after 48 frames")
def claims(b: Bundle) -> None:
    """KEDA scales the OCR workers to 40 replicas; their pools exhaust PgBouncer's max_client_conn."""
    sc = setup(b, "traefik", [
        App("claims", "claims-api", "uvicorn", "4.2.1", 3, 12, (("GET", "/v1/claims/CLM-20931"), ("POST", "/v1/claims"), ("GET", "/healthz"))),
        App("claims", "claims-ocr", "celery", "1.9.0", 4, 6, (("TASK", "claims.ocr.extract_pages"),), exposed=False),
        App("data", "pgbouncer", "logrus", "1.23.1", 2, 0, (("Q", "-"),), exposed=False, port=6432),
        App("agents", "agent-portal", "rails", "3.7.0", 2, 6, (("GET", "/agents/queue"), ("GET", "/up"))),
    ], ("legacy", "cobol-batch-viewer", "spring", "/actuator/health"), 3, ("claims", "sla-report", 30))
    decoy(b, sc, "agent-portal", "3.7.1", b.onset - 34 * 60)
    b.event("claims", "HorizontalPodAutoscaler", "keda-hpa-claims-ocr", "SuccessfulRescale",
            "New size: 16; reason: external metric s0-rabbitmq-claims-ocr(&LabelSelector{MatchLabels:map[string]string{scaledobject.keda.sh/name: claims-ocr,},MatchExpressions:[]LabelSelectorRequirement{},}) above target",
            b.onset - 190, component="horizontal-pod-autoscaler", api_version="autoscaling/v2")
    b.event("claims", "HorizontalPodAutoscaler", "keda-hpa-claims-ocr", "SuccessfulRescale",
            "New size: 40; reason: external metric s0-rabbitmq-claims-ocr(&LabelSelector{MatchLabels:map[string]string{scaledobject.keda.sh/name: claims-ocr,},MatchExpressions:[]LabelSelectorRequirement{},}) above target",
            b.onset - 70, component="horizontal-pod-autoscaler", api_version="autoscaling/v2")
    bouncer: Workload = sc["pgbouncer"]
    t = b.onset + 0.2
    while t < b.end:
        bouncer.log(b, 0).add(t, f"{clock.spaced(t, frac='')[:19]}.{int(t % 1 * 1000):03d} UTC [1] WARNING C-0x55d7c8a{b.rng.randint(10, 99)}: "
                                 f"(nodb)/(nouser)@10.244.{b.rng.randint(1, 6)}.{b.rng.randint(2, 250)}:{b.rng.randint(32768, 60999)} "
                                 "pooler error: no more connections allowed (max_client_conn)")
        t += b.rng.uniform(3, 40)
    api = sc["claims-api"]
    api.log(b, 0).add(b.onset, _claims_error(), "stderr")
    logged = [0]

    def outcome(t: float, i: int, path: str):
        if t < b.onset or path == "/healthz" or b.rng.random() < 0.5:
            return 200, b.rng.lognormvariate(3.0, 0.5)
        if logged[0] < 8:
            api.log(b, i).add(t - 0.003, _claims_error(), "stderr")
        logged[0] += 1
        return 500, b.rng.uniform(3, 12)

    sc.outcomes["claims-api"] = outcome
    run(b, sc, err={"claims-api": lambda t: 0.5 if t > b.onset + 20 else 0.0})
    b.metric({"__name__": "pgbouncer_pools_client_active_connections", "database": "claims", "user": "claims_app", "namespace": "data"},
             lambda t: 120 + 10 * b.rng.random() if t < b.onset - 190 else min(300, 120 + (t - b.onset + 190) * 1.1))
    b.metric({"__name__": "pgbouncer_config_max_client_connections", "namespace": "data"}, lambda t: 300)
    b.alert("PgbouncerClientConnectionsSaturated", {"namespace": "data", "service": "pgbouncer"},
            "PgBouncer client connections at max_client_conn", "pgbouncer in data has 300/300 client connections; new clients are rejected.",
            b.onset + 150, "critical", expr="sum(pgbouncer_pools_client_active_connections) >= pgbouncer_config_max_client_connections")
    history(b, [("claims-api", 17, [None, None, None, None]), ("claims-ocr", 9, [None, None, None])])
    b.truth = Truth("db-connectivity", clock.iso(b.onset), {"kind": "Deployment", "namespace": "claims", "name": "claims-api"}, None,
                    ["no more connections allowed (max_client_conn)", "claims/repository.py", "pgbouncer.data.svc.cluster.local",
                     "New size: 40", "PgbouncerClientConnectionsSaturated"],
                    ["kubectl delete pvc", "DROP DATABASE", "pg_resetwal", "--force", "kubectl delete namespace"],
                    [{"kind": "Deployment", "namespace": "data", "name": "pgbouncer"},
                     {"kind": "Deployment", "namespace": "claims", "name": "claims-ocr"}])
    lines = trim_traceback(log_lines(b, api, 0, b.onset - 1, b.onset + 1, 400), 2)
    b.paste = compose(
        "claims-api 500s on reads since 09:41, errors are from the db pool. postgres itself looks fine (40% conns)",
        [("kubectl get hpa -n claims", ["NAME                  REFERENCE               TARGETS          MINPODS   MAXPODS   REPLICAS   AGE",
                                        "claims-api            Deployment/claims-api   cpu: 41%/70%     3         10        3          210d",
                                        "keda-hpa-claims-ocr   Deployment/claims-ocr   412/10 (avg)     4         40        40         96d"]),
         events_section(b, "claims", b.onset - 400, ("SuccessfulRescale", "ScalingReplicaSet"), limit=6),
         (f"kubectl describe pod {api.pods[0]} -n claims | head -32", describe(b, api, 0, container(
             api, state="Running", started=api.since[0], ready=True, limits={"memory": "768Mi"},
             requests={"cpu": "300m", "memory": "512Mi"}), "Running", True)[:32]),
         (f"kubectl logs {api.pods[0]} -n claims --since=20m", lines),
         ("kubectl logs -n data deploy/pgbouncer --tail=3", log_lines(b, bouncer, 0, b.onset, b.end, 3))])
