"""The `Event` record every source normalises to, and its small companions.

`Event` is a NamedTuple rather than a frozen dataclass: it is built once per input line on the
hot ingest path, and tuple construction is about five times cheaper than a frozen dataclass
while staying immutable and typed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import IntEnum, StrEnum
from typing import Any, NamedTuple


class Severity(IntEnum):
    """Normalised severity; ordered so that `max()` gives the worst."""

    UNKNOWN = 0
    DEBUG = 10
    INFO = 20
    NOTICE = 25
    WARNING = 30
    ERROR = 40
    CRITICAL = 50


class EventKind(StrEnum):
    """What an event is, independent of the tool that produced it (evidence kinds)."""

    LOG = "log"
    EVENT = "event"  # Kubernetes Event objects
    ALERT = "alert"
    METRIC = "metric"
    CHANGE = "change"


class Origin(NamedTuple):
    """Where an event came from, precise enough to cite: file, archive member, line."""

    path: str
    line: int | None = None
    member: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}!{self.member}" if self.member else self.path
        return f"{where}:{self.line}" if self.line is not None else where


class Entity(NamedTuple):
    """A Kubernetes-style object: kind, name and (for namespaced kinds) namespace."""

    kind: str
    name: str
    namespace: str | None = None

    def __str__(self) -> str:
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind}/{ns}{self.name}"


class Event(NamedTuple):
    """One normalised record from any source.

    `time` is seconds since the epoch in UTC (None when the input carries no time); `ts` gives
    it as an aware datetime. `raw` is the verbatim text of the input this event came from (the
    line, or the multi-line record), which is what evidence quotes. `attrs` holds structured
    fields of the source; treat it as read-only.
    """

    time: float | None
    kind: EventKind
    source: str
    origin: Origin
    message: str
    raw: str
    severity: Severity = Severity.UNKNOWN
    host: str | None = None
    namespace: str | None = None
    entity: Entity | None = None
    attrs: dict[str, Any] | None = None
    time_inferred: bool = False

    @property
    def ts(self) -> datetime | None:
        """The timestamp as an aware UTC datetime."""
        return None if self.time is None else datetime.fromtimestamp(self.time, tz=UTC)


def iso(epoch: float | None) -> str | None:
    """ISO 8601 in UTC with a `Z` suffix, millisecond precision when there is a fraction."""
    if epoch is None:
        return None
    dt = datetime.fromtimestamp(epoch, tz=UTC)
    if dt.microsecond:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
