"""`/v1/models`: `opslens`, and `opslens/<model>` for each model the server may narrate with.

- `opslens` is the brief with the server's own narrator (`[server] llm` and `model`: `auto`
  narrates when Ollama answers with a model, `none` never does).
- `opslens/<model>` names a narrator explicitly: the `[llm]` model, the models of its routes,
  and `[server] model`. When none is configured (`auto` with its built-in list), the built-in
  models that Ollama has pulled are listed: one `/api/tags` call, at most every `TTL` seconds.

Nothing else touches the network: a chat client lists models on every page load.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from opslens.errors import ConfigError
from opslens.llm.errors import LLMError
from opslens.llm.providers.ollama import OllamaProvider, has_model
from opslens.llm.settings import DEFAULT_ROUTE, Mode, RetryPolicy, Settings, Timeouts, load_settings
from opslens.server.chat.protocol import RequestError
from opslens.server.chat.triage import Narrator
from opslens.server.settings import ServerSettings

__all__ = ["BASE_MODEL", "ModelCatalog"]

BASE_MODEL = "opslens"
TTL = 60.0


class ModelCatalog:
    """The models this server offers, and the narrator each one means."""

    def __init__(self, server: ServerSettings, clock: Callable[[], float] = time.monotonic) -> None:
        self._server = server
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[float, list[str]] | None = None

    def ids(self) -> list[str]:
        """Every model id, `opslens` first."""
        return [BASE_MODEL, *(f"{BASE_MODEL}/{name}" for name in self._narrators())]

    def narrator(self, model_id: str) -> Narrator:
        """The narrator `model_id` asks for; RequestError (404, `model_not_found`) if unknown."""
        if model_id == BASE_MODEL:
            return Narrator(self._server.llm, self._server.model)
        prefix, _, name = model_id.partition("/")
        if prefix != BASE_MODEL or not name:
            raise RequestError(f"The model `{model_id}` does not exist; this server offers "
                               f"`{BASE_MODEL}` and `{BASE_MODEL}/<model>` (see /v1/models).",
                               status=404, code="model_not_found", param="model")
        # Any model name is passed on: the LLM layer reports one it cannot reach, and the
        # brief then stays deterministic with that notice (as the CLI does).
        llm = self._server.llm if self._server.llm != "none" else Mode.AUTO.value
        return Narrator(llm, name)

    def _narrators(self) -> list[str]:
        with self._lock:
            if self._cached is not None and self._clock() - self._cached[0] < TTL:
                return self._cached[1]
        found = _configured(self._server)
        with self._lock:
            self._cached = (self._clock(), found)
        return found


def _configured(server: ServerSettings) -> list[str]:
    try:
        settings = load_settings(mode=None if server.llm == "none" else server.llm)
    except (ConfigError, ValueError):
        return [server.model] if server.model else []
    names = [name for name in (server.model, settings.model) if name]
    names += [target.model for route in settings.routes.values() for target in route]
    if not names and settings.mode in (Mode.AUTO, Mode.OLLAMA):
        names = _pulled_defaults(settings)
    return list(dict.fromkeys(names))


def _pulled_defaults(settings: Settings) -> list[str]:
    """The built-in route's models that Ollama has, asked with the short probe timeout."""
    quick = Timeouts(settings.probe_timeout, settings.probe_timeout, settings.probe_timeout)
    provider = OllamaProvider(settings.ollama_url, quick, RetryPolicy(0, 0.0))
    try:
        served = provider.list_models(timeout=settings.probe_timeout)
    except LLMError:
        return []
    finally:
        provider.close()
    return [name for name in DEFAULT_ROUTE if has_model(served, name)]
