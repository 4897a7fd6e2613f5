"""`opslens serve`: the HTTP service (optional extra `opslens[server]`).

Receives Alertmanager webhooks, serves the REST API and runs background triage jobs. No
analysis logic lives here: routes call the store and `opslens.pipeline`. Build the app with
`create_app(settings, store)`; `opslens serve` runs it under uvicorn.
"""

from __future__ import annotations

from opslens.server.app import create_app
from opslens.server.settings import ServerSettings, check_bind, load_settings

__all__ = ["ServerSettings", "check_bind", "create_app", "load_settings"]
