"""The app of one HTTP process when `opslens serve --workers N` runs several.

uvicorn starts each process from an import string, so the settings the command resolved (its
flags, config, environment and any token made for the run) come through the environment:
`OPSLENS_SERVE_SETTINGS` (JSON, secrets in clear: a process environment is readable only by
its user). The database was migrated by the command before the processes started, and the
triage worker runs beside them as one process of its own (`settings.worker`), so these apps
run no background: they store alerts, and the worker correlates them and checkpoints.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from opslens.server.app import create_app
from opslens.server.heap import freeze_startup_heap
from opslens.server.settings import settings_from_json

__all__ = ["SETTINGS_ENV", "create_from_environment"]

SETTINGS_ENV = "OPSLENS_SERVE_SETTINGS"


def create_from_environment() -> FastAPI:
    """uvicorn's app factory for each HTTP process."""
    from opslens.store import open_store

    settings = settings_from_json(os.environ[SETTINGS_ENV])
    # `settings.worker`: the worker process beside us correlates and checkpoints.
    store = open_store(settings.db, wal_autocheckpoint=not settings.worker)
    app = create_app(settings, store, worker_beside=settings.worker)
    freeze_startup_heap()
    return app
