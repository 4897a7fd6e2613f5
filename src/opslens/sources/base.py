"""The reader interface and its registry.

A reader turns one input file (or archive member) into `Event`s. Readers are chosen by
content sniffing: every registered reader scores the head of the file, the highest score wins.
A new format is one new module in `opslens.sources.readers` that subclasses `Reader`; the
`@register` decorator adds it to the registry when the package is imported.
"""

from __future__ import annotations

import re
import time as _time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import ClassVar, TextIO

from opslens.events import Entity, Event, Origin

#: Characters of the head that readers see when sniffing.
SNIFF_CHARS = 64 * 1024


@dataclass(frozen=True)
class Identity:
    """Who produced a file's lines, when its path follows kubelet's naming conventions."""

    namespace: str | None = None
    pod: str | None = None
    container: str | None = None
    host: str | None = None

    @property
    def entity(self) -> Entity | None:
        return Entity("Pod", self.pod, self.namespace) if self.pod else None


@dataclass
class SourceFile:
    """One input to read: a plain file, an archive member, or stdin (spooled)."""

    path: str  # the path the user gave (or found by walking), or "-" for stdin
    member: str | None = None  # member name inside an archive
    identity: Identity = field(default_factory=Identity)

    @property
    def name(self) -> str:
        """The innermost name (archive member or path): what conventions are matched on."""
        return self.member or self.path

    def origin(self, line: int | None = None) -> Origin:
        return Origin(self.path, line, self.member)

    def __str__(self) -> str:
        return f"{self.path}!{self.member}" if self.member else self.path


@dataclass
class ReadContext:
    """Per-file state a reader reports into, plus the user's settings that affect parsing."""

    source: SourceFile
    tz: tzinfo = UTC  # for naive timestamps
    year_hint: int | None = None  # for formats without a year (RFC 3164 syslog, klog)
    lines: int = 0  # physical input lines consumed; the reader adds to it
    on_skip: Callable[[str, int | None], None] = lambda reason, line: None
    #: Epoch of the latest event read before this file. Finer than `year_hint` (kept for
    #: compatibility): a year-less stamp goes in the year that puts it nearest this time, so a
    #: December line read with a January hint is from the previous year.
    time_hint: float | None = None
    #: When the user said the pasted output was taken (`--now`): relative ages count back from it.
    now: float | None = None
    #: A guess of when a paste was taken, shared by all its parts (its newest absolute time).
    reference: float | None = None
    #: Reports a part of the input read only as generic text, or a block a specific reader
    #: should have understood but could not (listed in `stats.unrecognized`).
    on_unrecognized: Callable[[str, int | None], None] = lambda reason, line: None
    #: Physical lines this reader could not give any structure (generic text, unreadable rows).
    unrecognized_lines: int = 0

    def skip(self, reason: str, line: int | None = None) -> None:
        """Report one unusable record (or part of the file); reading goes on."""
        self.on_skip(reason, line)

    def unrecognized(self, reason: str, line: int | None = None, lines: int = 0) -> None:
        """Report input that was read without being understood (`lines` physical lines of it)."""
        self.unrecognized_lines += lines
        self.on_unrecognized(reason, line)

    def anchor(self, latest_in_input: float | None = None) -> tuple[float, bool]:
        """The reference time relative ages count back from, and whether it is a guess.

        `--now` is exact. Otherwise the later of the paste's shared reference and the newest
        absolute time of the same input (a describe's container `Finished:`; both are lower
        bounds of when it was taken), else the newest time of the other inputs, else the clock;
        all of these are guesses, so events dated from them are marked `time_inferred`.
        """
        if self.now is not None:
            return self.now, False
        # Both are lower bounds of when the paste was taken: the later one is nearer.
        own = [t for t in (self.reference, latest_in_input) if t is not None]
        if own:
            return max(own), True
        if self.time_hint is not None:
            return self.time_hint, True
        return _time.time(), True


#: Read orders (see `Reader.read_order`).
READ_FIRST, READ_AFTER_DATED, READ_LAST = 0, 1, 2


class Reader(ABC):
    """Turns one text input into Events. Subclasses set `name` and implement the two methods."""

    name: ClassVar[str]  # short id, e.g. "k8s-events"; shown in stats and `--help`
    description: ClassVar[str] = ""
    #: True for formats whose timestamps lack a year (RFC 3164 syslog, klog): the pipeline
    #: reads such files last and sets `ctx.time_hint` and `ctx.year_hint` from the other sources.
    needs_year: ClassVar[bool] = False
    #: True for formats with relative ages (`5m`, `3s (x4 over 2m)`): read last, counting back
    #: from the newest time of everything else.
    relative_ages: ClassVar[bool] = False
    #: False for inputs that only describe other inputs (an `opslens collect` manifest): a
    #: file that yields nothing is then not reported as "no usable records".
    yields_events: ClassVar[bool] = True

    @classmethod
    def read_order(cls, head: str) -> int:
        """When an input this reader takes is read: 0 with the dated inputs (first), 1 after
        them (year-less stamps take the year of what was read before), 2 last (relative ages
        such as `5m` count back from the newest time of everything else, year-less logs too)."""
        if cls.relative_ages:
            return READ_LAST
        return READ_AFTER_DATED if cls.needs_year else READ_FIRST

    @classmethod
    @abstractmethod
    def sniff(cls, head: str, name: str) -> float:
        """Confidence 0..1 that this reader understands a file whose first characters are
        `head` (at most SNIFF_CHARS, possibly cut mid-record) and whose name is `name`.
        Content decides; the name may only break ties."""

    @abstractmethod
    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        """Yield events from `stream` (the whole file, from its start). Problems with single
        records go to `ctx.skip(reason, line)`; only an unusable file raises `InputError`."""


_REGISTRY: dict[str, type[Reader]] = {}


def register(cls: type[Reader]) -> type[Reader]:
    """Class decorator: add a reader to the registry (one module per format)."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"reader name {cls.name!r} registered twice")
    _REGISTRY[cls.name] = cls
    return cls


def readers() -> dict[str, type[Reader]]:
    """All registered readers by name (importing the built-in ones on first use)."""
    from opslens.sources import readers as _builtin  # noqa: F401  (registers on import)

    return dict(_REGISTRY)


def get_reader(name: str) -> type[Reader]:
    """The reader called `name`; an unknown name is a loud error listing the known ones."""
    known = readers()
    if name not in known:
        raise KeyError(f"unknown reader {name!r}; known: {', '.join(sorted(known))}")
    return known[name]


def choose_reader(head: str, name: str, exclude: frozenset[str] = frozenset()) -> tuple[type[Reader] | None, float]:
    """The reader with the highest sniff score for this head, and the score (0 if none);
    readers named in `exclude` do not compete (a paste's parts are never pastes again)."""
    best: type[Reader] | None = None
    best_score = 0.0
    for cls in readers().values():
        if cls.name in exclude:
            continue
        try:
            score = cls.sniff(head, name)
        except Exception:  # noqa: BLE001 - one reader's sniffing bug must not stop the reading of an input
            score = 0.0
        if score > best_score:
            best, best_score = cls, score
    return best, best_score


# kubelet: /var/log/pods/<namespace>_<pod>_<uid>/<container>/<N>.log
_PODS_DIR = re.compile(r"(?:^|/)([a-z0-9][-a-z0-9]*)_([a-z0-9][-.a-z0-9]*)_([0-9a-f-]{8,})/([a-z0-9][-a-z0-9]*)/\d+\.log(?:\.\d+)?(?:\.gz)?$")
# kubelet symlinks: /var/log/containers/<pod>_<namespace>_<container>-<64 hex id>.log
_CONTAINERS = re.compile(r"(?:^|/)([a-z0-9][-.a-z0-9]*)_([a-z0-9][-a-z0-9]*)_([a-z0-9][-a-z0-9]*)-([0-9a-f]{64})\.log$")
# support bundles: <namespace>_<pod>_<container>.log
_BUNDLE = re.compile(r"(?:^|/)([a-z0-9][-a-z0-9]*)_([a-z0-9][-.a-z0-9]*)_([a-z0-9][-a-z0-9]*)\.log$")


def identity_from_path(name: str) -> Identity:
    """Namespace/pod/container from a path that follows kubelet's or bundle conventions."""
    name = name.replace("\\", "/")
    if m := _PODS_DIR.search(name):
        return Identity(namespace=m.group(1), pod=m.group(2), container=m.group(4))
    if m := _CONTAINERS.search(name):
        return Identity(namespace=m.group(2), pod=m.group(1), container=m.group(3))
    if m := _BUNDLE.search(name):
        return Identity(namespace=m.group(1), pod=m.group(2), container=m.group(3))
    return Identity()
