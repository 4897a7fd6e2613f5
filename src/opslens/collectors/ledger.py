"""The record of every call the collectors make: its read-only command, the guard's label,
and the request count. A call is made only after the guard labels its command `read_only`."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache

from opslens.collectors.errors import CollectError
from opslens.guard import CommandGuard, Label


@dataclass(frozen=True)
class CommandRecord:
    """One distinct command a collector ran or expressed its request as."""

    source: str
    argv: tuple[str, ...]
    label: str


@lru_cache(maxsize=1)
def _packaged_guard() -> CommandGuard:
    # The packaged rules only: a user's `[guard.commands]` override must not be able to make a
    # collector run something the shipped rules do not know as read-only.
    return CommandGuard({})


@dataclass
class Ledger:
    """Thread-safe: sources are collected in parallel."""

    commands: list[CommandRecord] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)
    _seen: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def vet(self, source: str, argv: list[str]) -> None:
        """Record `argv`, raising `CollectError` unless the guard labels it read_only."""
        key = (source, tuple(argv))
        with self._lock:
            if key in self._seen:
                return
        verdict = _packaged_guard().classify_argv(list(argv))
        with self._lock:
            self._seen.add(key)
            self.commands.append(CommandRecord(source, tuple(argv), verdict.label.value))
        if verdict.label is not Label.READ_ONLY:
            raise CollectError(f"refused {argv[0]} command: the guard labels it {verdict.label.value} ({verdict.reason})")

    def count(self, source: str, n: int = 1) -> None:
        with self._lock:
            self.requests[source] = self.requests.get(source, 0) + n

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())
