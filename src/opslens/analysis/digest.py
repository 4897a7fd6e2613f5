"""The streaming intake of the analysis: a bounded summary of every event seen.

Log lines are reduced to templates as they stream past; per template the digest keeps counts,
a per-minute histogram, the emitting entities and a few verbatim examples. Kubernetes events,
alerts, metric series and changes are few and precious, so they are kept whole. Memory is
bounded by the number of templates and minutes, never by the number of lines.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from opslens.analysis.mining import TemplateMiner
from opslens.analysis.severity import UNTRUSTED_LEVEL_SOURCES, effective_severity, message_severity
from opslens.events import Entity, Event, EventKind, Severity

BUCKET_SECONDS = 60
# Module-level aliases: attribute lookups on the enum class cost more than a global on the hot path.
_UNKNOWN, _NOTICE, _ERROR = Severity.UNKNOWN, Severity.NOTICE, Severity.ERROR
_LOG = EventKind.LOG
_MAX_ENTITIES_PER_TEMPLATE = 32
_MAX_EXAMPLES = 3
#: Cap on whole-kept structured events of one kind (a runaway watch stream stays bounded).
MAX_KEPT = 200_000


class TemplateStats:
    """Everything the analysis needs about one template (mutable while streaming)."""

    __slots__ = (
        "count", "first", "last", "severity", "minutes", "error_minutes", "entities", "examples",
        "worst", "kinds", "notable",
    )

    def __init__(self) -> None:
        self.count = 0
        self.first: float | None = None
        self.last: float | None = None
        self.severity = Severity.UNKNOWN
        self.minutes: Counter[int] = Counter()
        self.error_minutes: Counter[int] = Counter()  # lines at ERROR or worse
        self.entities: Counter[str] = Counter()
        self.examples: list[Event] = []
        self.worst: list[Event] = []  # first examples at the template's worst severity
        self.notable: list[Event] = []  # lines whose variable part means trouble (exit 137, ...)
        self.kinds: dict[str, int] = {}

    def absorb(self, other: TemplateStats) -> None:
        """Fold another template's stats into this one (after the miner merged them)."""
        self.count += other.count
        self.first = _min(self.first, other.first)
        self.last = _max(self.last, other.last)
        if other.severity > self.severity:
            self.worst = other.worst
        elif other.severity == self.severity:
            self.worst = sorted(self.worst + other.worst, key=_event_order)[:_MAX_EXAMPLES]
        self.severity = max(self.severity, other.severity)
        self.minutes.update(other.minutes)
        self.error_minutes.update(other.error_minutes)
        for name, n in other.entities.items():
            if name in self.entities or len(self.entities) < _MAX_ENTITIES_PER_TEMPLATE:
                self.entities[name] += n
        self.examples = sorted(self.examples + other.examples, key=_event_order)[:_MAX_EXAMPLES]
        self.notable = sorted(self.notable + other.notable, key=_event_order)[:_MAX_EXAMPLES]
        for name, n in other.kinds.items():
            self.kinds[name] = self.kinds.get(name, 0) + n


# Trouble that hides in a variable: a SIGKILL/SIGSEGV/SIGTERM exit code, an OOMKilled reason.
# Checked per line, so a substring prefilter guards the regex.
_NOTABLE = re.compile(r"exit[_ ]?(?:status|code)\W{0,3}(?:137|139|143)\b|\bOOMKilled\b|signal: (?:killed|segmentation)", re.I)


def _earlier(examples: list[Event], t: float | None) -> bool:
    """Whether an event at `t` would enter the kept examples (cheap pre-check)."""
    if len(examples) < _MAX_EXAMPLES:
        return True
    last = examples[-1].time
    return t is not None and (last is None or t < last)


def _keep_earliest(examples: list[Event], event: Event) -> None:
    """Keep the earliest few examples, sorted by time: files are read one after another, not in
    time order. The common case (a later line) costs one comparison."""
    t = event.time
    if len(examples) >= _MAX_EXAMPLES:
        last = examples[-1].time
        if t is None or (last is not None and t >= last):
            return
        examples[-1] = event
    else:
        examples.append(event)
    examples.sort(key=_event_order)


def _min(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


def _event_order(e: Event) -> tuple[float, str, int]:
    return (e.time if e.time is not None else float("inf"), e.origin.path, e.origin.line or 0)


def entity_key(entity: Entity | None, namespace: str | None, host: str | None) -> str | None:
    """`namespace/Kind/name` of an event's entity, else `/Node/<host>`, else None."""
    if entity is not None:
        return f"{entity.namespace or namespace or ''}/{entity.kind}/{entity.name}"
    if host:
        return f"/Node/{host}"
    return None


@dataclass
class Digest:
    """Consume events with `add()`, then call `finish()` once; read the fields afterwards."""

    since: float | None = None
    until: float | None = None
    miner: TemplateMiner = field(default_factory=TemplateMiner)
    templates: dict[int, TemplateStats] = field(default_factory=dict)
    k8s_events: list[Event] = field(default_factory=list)
    alerts: list[Event] = field(default_factory=list)
    metrics: list[Event] = field(default_factory=list)
    changes: list[Event] = field(default_factory=list)
    start: float | None = None
    end: float | None = None
    events: int = 0
    filtered_out: int = 0
    dropped: int = 0
    #: Readers whose records are Kubernetes-style events (read whole by k8s_event_hits).
    event_sources: set[str] = field(default_factory=set)
    _content_severity: dict[int, Severity] = field(default_factory=dict)
    _tally: dict[tuple, int] = field(default_factory=dict)

    def add(self, event: Event) -> None:
        t = event.time
        if t is not None and (self.since is not None or self.until is not None) and (
            (self.since is not None and t < self.since) or (self.until is not None and t > self.until)
        ):
            self.filtered_out += 1
            return
        self.events += 1
        kind = event.kind
        if kind is _LOG:  # most events: their time span is kept per template (see finish)
            self._add_message(event)
            return
        if t is not None and not event.time_inferred:
            if self.start is None or t < self.start:
                self.start = t
            if self.end is None or t > self.end:
                self.end = t
        if kind is EventKind.EVENT:
            self._add_message(event)
            self.event_sources.add(event.source)
            self._keep(self.k8s_events, event)
        elif kind is EventKind.ALERT:
            self._keep(self.alerts, event)
        elif kind is EventKind.METRIC:
            self._keep(self.metrics, event)
        elif kind is EventKind.CHANGE:
            self._keep(self.changes, event)

    def _keep(self, bucket: list[Event], event: Event) -> None:
        if len(bucket) < MAX_KEPT:
            bucket.append(event)
        else:
            self.dropped += 1

    def _add_message(self, event: Event) -> None:
        # The hot path of triage: one call per log line. Counts per entity and source go to one
        # flat tally (a single dict update) and are rolled up into the templates by finish().
        t = event.time
        message = event.message
        key = self.miner.add(message, t)
        stats = self.templates.get(key)
        if stats is None:
            stats = self.templates[key] = TemplateStats()
            self._content_severity[key] = message_severity(message, self.miner.template(key))
        level = event.severity
        if level is _UNKNOWN or (level <= _NOTICE and event.source in UNTRUSTED_LEVEL_SOURCES):
            sev = effective_severity(event, self._content_severity[key])
        else:
            sev = level
        tally = self._tally
        token = (key, event.entity, event.namespace, event.host, event.source)
        tally[token] = tally.get(token, 0) + 1
        if sev > stats.severity:
            stats.severity = sev
            stats.worst = [event]
        elif sev == stats.severity and _earlier(stats.worst, t):
            _keep_earliest(stats.worst, event)
        if t is not None:
            minute = int(t // BUCKET_SECONDS)
            minutes = stats.minutes
            minutes[minute] = minutes.get(minute, 0) + 1
            if sev >= _ERROR:
                errors = stats.error_minutes
                errors[minute] = errors.get(minute, 0) + 1
            if stats.first is None or t < stats.first:
                stats.first = t
            if stats.last is None or t > stats.last:
                stats.last = t
        if _earlier(stats.examples, t):
            _keep_earliest(stats.examples, event)
        if ("exit" in message or "OOM" in message or "signal:" in message) and _NOTABLE.search(message):
            _keep_earliest(stats.notable, event)

    def _roll_up(self) -> None:
        """Move the flat per-line tally into the templates' counts, entities and sources."""
        for (key, entity, namespace, host, source), n in self._tally.items():
            stats = self.templates[key]
            stats.count += n
            stats.kinds[source] = stats.kinds.get(source, 0) + n
            who = entity_key(entity, namespace, host)
            if who is not None and (who in stats.entities or len(stats.entities) < _MAX_ENTITIES_PER_TEMPLATE):
                stats.entities[who] += n
        self._tally.clear()

    def finish(self) -> None:
        """Roll up the tally, fold stats of clusters the miner merged into their survivors, and
        widen the time span to the log lines'."""
        self._roll_up()
        for stats in self.templates.values():
            if stats.first is not None and (self.start is None or stats.first < self.start):
                self.start = stats.first
            if stats.last is not None and (self.end is None or stats.last > self.end):
                self.end = stats.last
        merged: dict[int, TemplateStats] = {}
        for key, stats in self.templates.items():
            root = self.miner.canonical(key)
            if root in merged:
                merged[root].absorb(stats)
            else:
                merged[root] = stats
        self.templates = merged
