"""The user's configuration file (TOML), read once per process.

Each subsystem owns one top-level table (`[llm]`, `[guard]`, `[runbooks]`, `[prompts]`, ...)
and validates it with its own pydantic model via `section()`. Precedence everywhere is:
CLI flags > environment variables > this file > built-in defaults.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from opslens.errors import ConfigError
from opslens.paths import config_file

Model = TypeVar("Model", bound=BaseModel)


@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    """The whole config file as a dict; `{}` when there is none."""
    path = config_file()
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from exc


def section(name: str, model: type[Model]) -> Model:
    """Validate the `[name]` table of the config file into `model` (defaults when absent)."""
    raw = load().get(name, {})
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in (name, *first["loc"]))
        raise ConfigError(f"{config_file()}: [{where}] {first['msg']}") from exc
