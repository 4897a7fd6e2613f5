"""`opslens serve`: run the HTTP service (Alertmanager webhook, REST API, background triage).

Needs the optional extra: `pip install 'opslens[server]'`. Binds to 127.0.0.1 by default and
refuses any other address unless an API token is configured (one line, exit code 2). On
loopback without a configured token it makes a token for this run and says which file holds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from opslens.cli.app import app
from opslens.cli.console import fail, info
from opslens.cli.store_access import DbOption, opened
from opslens.errors import ConfigError

if TYPE_CHECKING:
    from opslens.server.app import Background
    from opslens.server.settings import ServerSettings


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default 8080).")] = None,
    db: DbOption = None,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="Do not run background triage jobs here.")
    ] = False,
    workers: Annotated[
        int | None, typer.Option(help="HTTP processes (default 1; more use more cores).")
    ] = None,
    access_log: Annotated[
        bool, typer.Option("--access-log", help="Log every request (off: it costs throughput).")
    ] = False,
    llm: Annotated[
        str | None,
        typer.Option(help="Model for background triage: none, auto, ollama, openai (default auto)."),
    ] = None,
) -> None:
    """Serve the Alertmanager webhook and the REST API (needs `opslens[server]`)."""
    _multiprocess_metrics()
    try:
        import uvicorn

        from opslens.server import check_bind, create_app, load_settings
        from opslens.server.heap import freeze_startup_heap
    except ImportError as exc:
        fail(f"the server needs the optional extra: pip install 'opslens[server]' ({exc.name})")
    try:
        settings = load_settings(
            host=host, port=port, db=db, llm=llm, workers=workers,
            worker=False if no_worker else None,
        )
        check_bind(settings)
    except ConfigError as exc:
        fail(str(exc))
    if not settings.has_token():
        settings = _with_run_token(settings)
    # With a worker beside it, the serving process leaves WAL checkpoints to the worker.
    with opened(settings.db, wal_autocheckpoint=not settings.worker) as store:
        # The worker and extra HTTP processes open the same database (password included).
        url = store.engine.url.render_as_string(hide_password=False)
        if settings.workers > 1:
            _serve_processes(settings, url, access_log)
            return
        application = create_app(settings, store, background=_background(settings, url))
        freeze_startup_heap()
        info(f"opslens serving on http://{settings.host}:{settings.port}")
        uvicorn.run(application, host=settings.host, port=settings.port, log_level="info",
                    access_log=access_log)


def _multiprocess_metrics() -> str:
    """Prometheus multiprocess files for every process of this run (the triage worker is a
    process of its own even with one HTTP process: its model-call metrics reach /metrics
    through them). Set before prometheus-client is imported, which reads it once; removed at
    exit."""
    import atexit
    import os
    import shutil
    import tempfile

    MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # noqa: N806 (server.metrics's name; importing it would load prometheus-client too early)
    if os.environ.get(MULTIPROC_ENV):
        return os.environ[MULTIPROC_ENV]
    metrics_dir = tempfile.mkdtemp(prefix="opslens-metrics-")
    os.environ[MULTIPROC_ENV] = metrics_dir
    atexit.register(shutil.rmtree, metrics_dir, ignore_errors=True)
    return metrics_dir


def _serve_processes(settings: ServerSettings, url: str, access_log: bool) -> None:
    """`--workers N`: N HTTP processes (uvicorn's supervisor) sharing one session secret and
    Prometheus's multiprocess files, and one triage worker process beside them."""
    import os
    import secrets

    import uvicorn
    from pydantic import SecretStr

    from opslens.server.asgi import SETTINGS_ENV
    from opslens.server.settings import settings_to_json
    from opslens.server.worker_process import WorkerProcess

    shared = settings.model_copy(update={
        "db": url,
        "session_secret": settings.session_secret or SecretStr(secrets.token_urlsafe(32)),
    })
    os.environ[SETTINGS_ENV] = settings_to_json(shared)
    worker = WorkerProcess(settings, url).start() if settings.worker else None
    info(f"opslens serving on http://{settings.host}:{settings.port} "
         f"({settings.workers} processes)")
    try:
        uvicorn.run("opslens.server.asgi:create_from_environment", factory=True,
                    workers=settings.workers, host=settings.host, port=settings.port,
                    log_level="info", access_log=access_log)
    finally:
        if worker is not None:
            worker.stop()


def _with_run_token(settings: ServerSettings) -> ServerSettings:
    """Loopback without a configured token: a token for this run, in a file of mode 600."""
    from pydantic import SecretStr

    from opslens.server.run_token import RUN_TOKEN_NAME, write_run_token

    token, path = write_run_token()
    info(f"no API token configured: this run's token is in {path} "
         "(curl -H \"Authorization: Bearer $(cat ...)\")")
    return settings.model_copy(update={"tokens": {RUN_TOKEN_NAME: SecretStr(token)}})


def _background(settings: ServerSettings, url: str) -> tuple[Background, ...]:
    """The triage worker in a process of its own (a triage in the serving process would hold
    the GIL while alerts arrive), started and stopped with the app, unless disabled."""
    if not settings.worker:
        return ()
    from opslens.server.worker_process import WorkerProcess

    return (lambda _state: WorkerProcess(settings, url).start().stop,)
