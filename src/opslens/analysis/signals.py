"""Semantic signals: matching the knowledge base against findings.

Two kinds of knowledge: generic signals (`knowledge/signals.yaml`: an OOM kill, a failed
probe, a 5xx) that the category detectors combine, and component failure signatures
(`knowledge/signatures/*.yaml`: what CoreDNS, the kubelet or Postgres print when they fail in a
known way), each mapped to one root-cause category. Both become `SignalDef`s; a signature's
carries its `category`.

Matching runs once per message template, Kubernetes event, alert and anomaly — never per log
line — so the knowledge base can be rich without slowing ingest.
"""

from __future__ import annotations

import re
import re._constants as _sre_constants
import re._parser as _sre_parser
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

import yaml

from opslens.taxonomy import Category, category
from opslens.yaml_loader import SAFE_LOADER


@dataclass(frozen=True)
class SignalDef:
    id: str
    strength: float
    patterns: tuple[str, ...]  # message regexes (case-insensitive, multi-line)
    reasons: frozenset[str]
    alerts: re.Pattern[str] | None
    metrics: re.Pattern[str] | None
    direction: str | None
    context: bool = False  # activity rather than trouble
    category: Category | None = None  # signatures: the root-cause category the line proves
    role: str = "cause"  # signatures: cause, or a symptom that causes produce
    explains: frozenset[str] = frozenset()  # signatures: categories whose symptoms it explains
    component: str | None = None
    supports: frozenset[str] = frozenset()  # categories this (context) signal corroborates
    #: Lower-case words one of which every match contains (a cheap test before the regex), or
    #: None when some pattern has no such word.
    literals: tuple[str, ...] | None = None

    @cached_property
    def text(self) -> re.Pattern[str] | None:
        """The message patterns as one regex, compiled on first use: most signals never get
        past the prefilter in a run, and compiling hundreds of patterns costs a start-up."""
        return _combine(list(self.patterns), re.I | re.M)


def required_literal(pattern: str) -> str | None:
    """The longest literal text every match of `pattern` contains (lower-case, 3+ characters),
    or None. Read from the parsed pattern: literal runs at the top level or in plain groups
    count; anything optional, repeated or alternative does not."""
    try:
        tree = _sre_parser.parse(pattern)
    except (re.error, TypeError, ValueError, OverflowError):
        return None
    best = ""

    def walk(seq) -> None:  # noqa: ANN001 - a parsed pattern
        nonlocal best
        run = ""
        for op, av in seq:
            if op is _sre_constants.LITERAL:
                run += chr(av)
                continue
            best = max(best, run, key=len)
            run = ""
            if op is _sre_constants.SUBPATTERN:
                walk(av[-1])
        best = max(best, run, key=len)

    walk(tree)
    return best.lower() if len(best) >= 3 else None


def _literals(patterns: list[str] | None) -> tuple[str, ...] | None:
    found = [required_literal(p) for p in patterns or ()]
    return None if not found or any(f is None for f in found) else tuple(f for f in found if f)


def _combine(patterns: list[str] | None, flags: int = re.I) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


@lru_cache(maxsize=1)
def signal_defs() -> dict[str, SignalDef]:
    """The packaged knowledge base, compiled: generic signals, then component signatures."""
    knowledge = resources.files("opslens.analysis.knowledge")
    raw = yaml.load(knowledge.joinpath("signals.yaml").read_text(), Loader=SAFE_LOADER)
    # Further generic signals by domain (`signals-mlops.yaml`, ...): same schema, one file each.
    for extra in sorted(knowledge.iterdir(), key=lambda e: e.name):
        if extra.name.startswith("signals-") and extra.name.endswith(".yaml"):
            more = yaml.load(extra.read_text(), Loader=SAFE_LOADER) or {}
            if twice := raw.keys() & more.keys():
                raise ValueError(f"{extra.name}: signal id(s) {sorted(twice)} defined twice")
            raw.update(more)
    defs = _generic(raw)
    for sig in signature_specs():
        for other in sig.get("explains") or ():
            category(str(other))  # a typo is a loud error, not a category nobody detects
        if sig["id"] in defs:
            raise ValueError(f"signature id {sig['id']!r} is defined twice")
        defs[sig["id"]] = SignalDef(
            id=sig["id"],
            strength=float(sig.get("strength", 0.5)),
            patterns=tuple(sig.get("text") or ()),
            reasons=frozenset(sig.get("reasons") or ()),
            alerts=None,
            metrics=None,
            direction=None,
            category=category(str(sig["category"])),
            role=str(sig.get("role") or "cause"),
            explains=frozenset(sig.get("explains") or ()),
            component=sig.get("component"),
            literals=_literals(sig.get("text")),
        )
    return defs


@lru_cache(maxsize=1)
def signature_specs() -> tuple[dict, ...]:
    """The component signatures as written in knowledge/signatures/*.yaml (read once)."""
    folder = resources.files("opslens.analysis.knowledge").joinpath("signatures")
    specs: list[dict] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            specs += yaml.load(entry.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or []
    return tuple(specs)


def _generic(raw: dict) -> dict[str, SignalDef]:
    defs = {}
    for sid, spec in raw.items():
        defs[sid] = SignalDef(
            id=sid,
            strength=float(spec.get("strength", 0.5)),
            patterns=tuple(spec.get("text") or ()),
            reasons=frozenset(spec.get("reasons") or ()),
            alerts=_combine(spec.get("alerts"), 0),
            metrics=_combine(spec.get("metrics")),
            direction=spec.get("direction"),
            context=bool(spec.get("context", False)),
            supports=frozenset(category(str(c)) for c in spec.get("supports") or ()),
            literals=_literals(spec.get("text")),
        )
    return defs


def text_signals(text: str) -> list[str]:
    """Ids of signals whose message patterns occur in `text`.

    Hundreds of signals are matched against every distinct message, so each is first ruled in
    or out by the words its patterns require (`_Prefilter`); only the rest run their regex."""
    defs = signal_defs()
    return [sid for sid in _prefilter().candidates(text) if defs[sid].text.search(text)]  # type: ignore[union-attr]


class _Prefilter:
    """Which signals could match a text, from words every match must contain.

    A signal whose patterns each require a literal (`required_literal`) is indexed under one
    whole word of each literal (a word with a non-word character on both sides inside the
    literal is a whole word of any text that contains the literal); a literal without such a
    word is checked as a substring; signals without literals are always candidates. The
    candidates keep the knowledge base's order.
    """

    def __init__(self, defs: dict[str, SignalDef]) -> None:
        self.order = {sid: i for i, sid in enumerate(defs)}
        self.always: list[str] = []
        self.by_word: dict[str, list[str]] = {}
        self.by_substring: list[tuple[str, str]] = []
        for d in defs.values():
            if not d.patterns:
                continue
            if d.literals is None:
                self.always.append(d.id)
                continue
            for literal in d.literals:
                word = _inner_word(literal)
                if word is None:
                    self.by_substring.append((literal, d.id))
                else:
                    self.by_word.setdefault(word, []).append(d.id)

    def candidates(self, text: str) -> list[str]:
        lowered = text.lower()
        found = set(self.always)
        for word in set(_WORD.findall(lowered)) & self.by_word.keys():
            found.update(self.by_word[word])
        found.update(sid for literal, sid in self.by_substring if sid not in found and literal in lowered)
        return sorted(found, key=self.order.__getitem__)


_WORD = re.compile(r"[a-z0-9]+")


def _inner_word(literal: str) -> str | None:
    """The longest word of `literal` bounded by non-word characters inside it, if any."""
    inner = [m.group(0) for m in _WORD.finditer(literal)
             if m.start() > 0 and m.end() < len(literal)]
    return max(inner, key=len) if inner else None


@lru_cache(maxsize=1)
def _prefilter() -> _Prefilter:
    return _Prefilter(signal_defs())


def reason_signals(reason: str | None) -> list[str]:
    if not reason:
        return []
    return [d.id for d in signal_defs().values() if reason in d.reasons]


def alert_signals(alertname: str) -> list[str]:
    return [d.id for d in signal_defs().values() if d.alerts is not None and d.alerts.search(alertname)]


def metric_signals(series: str, direction: str) -> list[str]:
    """Signals of a metric anomaly: the series matches and it moved the meaningful way."""
    found = []
    for d in signal_defs().values():
        if d.metrics is not None and d.metrics.search(series) and d.direction in (None, direction):
            found.append(d.id)
    return found


def supporting(wanted: str) -> list[SignalDef]:
    """Signals that corroborate category `wanted` wherever they occur (a swap line in fstab for
    a kubelet that refuses swap, the biggest directory for a full disk)."""
    return [d for d in signal_defs().values() if wanted in d.supports]


def category_of(signal: str) -> Category | None:
    """The category a signature proves (None for generic signals)."""
    return signal_defs()[signal].category


def strength(signal: str) -> float:
    return signal_defs()[signal].strength


def is_trouble(signal: str) -> bool:
    """False for signals that only describe activity (rollouts, start-ups, shutdowns)."""
    return not signal_defs()[signal].context
