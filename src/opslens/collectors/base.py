"""The collector interface and its registry.

A collector reads one kind of source and writes what it read into the bundle, in the format
the matching reader takes. A new source is one new module in this package that subclasses
`Collector` and decorates it with `@register`.
"""

from __future__ import annotations

import importlib
import pkgutil
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

from opslens.collectors.bundle import Bundle
from opslens.collectors.ledger import Ledger
from opslens.collectors.settings import CollectSettings


@dataclass(frozen=True)
class Window:
    """The time window to collect, as epoch seconds."""

    since: float
    until: float

    @property
    def seconds(self) -> float:
        return max(1.0, self.until - self.since)


@dataclass
class CollectContext:
    """What a collector needs: settings, the window, where to write, and the call ledger."""

    settings: CollectSettings
    window: Window
    bundle: Bundle
    ledger: Ledger
    #: Namespaces the user named (Kubernetes' own, reused by Loki and the Prometheus queries);
    #: empty with `all_namespaces` or before the Kubernetes collector resolved its default.
    namespaces: list[str] = field(default_factory=list)
    #: HTTP transport for tests (httpx's one injection point); None: the network.
    transport: object | None = None


class Collector(ABC):
    """Reads one source into the bundle. Subclasses set `name` and implement both methods."""

    name: ClassVar[str]
    description: ClassVar[str] = ""

    @classmethod
    @abstractmethod
    def unconfigured(cls, ctx: CollectContext) -> str | None:
        """Why this source cannot run with these settings (one line), or None when it can."""

    @abstractmethod
    def collect(self, ctx: CollectContext) -> None:
        """Write this source's files into `ctx.bundle`; raise `CollectError` when it fails."""


_REGISTRY: dict[str, type[Collector]] = {}


def register(cls: type[Collector]) -> type[Collector]:
    """Class decorator: add a collector to the registry (one module per source)."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"collector name {cls.name!r} registered twice")
    _REGISTRY[cls.name] = cls
    return cls


def collectors() -> dict[str, type[Collector]]:
    """All registered collectors by name (importing this package's modules on first use)."""
    from opslens import collectors as package

    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{package.__name__}.{info.name}")
    return dict(_REGISTRY)


def get_collector(name: str) -> type[Collector]:
    """The collector called `name`; an unknown name is a loud error listing the known ones."""
    known = collectors()
    if name not in known:
        from opslens.collectors.errors import CollectError

        raise CollectError(f"unknown source {name!r}; known: {', '.join(sorted(known))}")
    return known[name]
