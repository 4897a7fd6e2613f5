"""The last resort: error lines no known signature matched, compared with known failures.

Pasted material often holds the one error line that explains everything, in a wording no
signature has seen. Such a line still looks like failures of its kind: its words resemble the
examples of the category's signatures (`knowledge/signatures/*.yaml`) and the category's own
vocabulary (`knowledge/category_words.yaml`). Each fresh error line that no signal matched is
scored against every category (words weighted by how specific they are to one category); a
clear winner becomes a weak candidate, titled as a resemblance, never above `MAX_SCORE`.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from opslens.analysis.detectors import base as detector_base
from opslens.analysis.detectors.base import Candidate, Context, top_workload
from opslens.analysis.findings import PatternStatus
from opslens.analysis.signals import signature_specs
from opslens.events import Event, Severity
from opslens.taxonomy import Category, category
from opslens.yaml_loader import SAFE_LOADER

MAX_SCORE = 0.3
#: The winner must score this much, and this many times the runner-up.
MIN_RESEMBLANCE = 4.0
MARGIN = 1.4
_TOKEN = re.compile(r"[a-z][a-z0-9_.\-/]*[a-z0-9]|\d{3,5}")
_NOISE = re.compile(r"^[0-9a-f]{8,}$|^[0-9a-f-]{20,}$|^\d+$")
_ERRORISH = re.compile(r"error|fail|fatal|panic|exception|denied|refused|timeout|timed out|unable|cannot|can't|could not|invalid|not found|killed|crash", re.I)


def tokens(text: str) -> list[str]:
    """Lower-case words of a line (paths and dotted names kept whole and split), no ids."""
    out: list[str] = []
    for tok in _TOKEN.findall(text.lower()):
        parts = [tok, *re.split(r"[./\-_]", tok)] if re.search(r"[./\-_]", tok) else [tok]
        out += [p for p in parts if len(p) >= 3 and not (_NOISE.match(p) and not p.isdigit())]
    return out


@dataclass(frozen=True)
class Profiles:
    """Per category, each word's weight (vocabulary words 1.0, signature words 0.5) and its
    specificity (idf over categories)."""

    weights: dict[Category, dict[str, float]]
    idf: dict[str, float]


@lru_cache(maxsize=1)
def profiles() -> Profiles:
    knowledge = resources.files("opslens.analysis.knowledge")
    weights: dict[Category, dict[str, float]] = defaultdict(dict)
    words = yaml.load(knowledge.joinpath("category_words.yaml").read_text(), Loader=SAFE_LOADER) or {}
    for name, vocabulary in words.items():
        for word in vocabulary:
            weights[category(name)][str(word).lower()] = 1.0
    for sig in signature_specs():
        cat = category(str(sig["category"]))
        seen = Counter(t for example in sig.get("examples") or () for t in set(tokens(str(example))))
        for tok in seen:
            if not tok.isdigit():  # a number in an example is that example's, not the category's
                weights[cat].setdefault(tok, 0.5)
    spread = Counter(tok for profile in weights.values() for tok in profile)
    idf = {tok: math.log(len(weights) / n) for tok, n in spread.items()}
    return Profiles(dict(weights), idf)


def resemble(text: str, min_score: float = MIN_RESEMBLANCE, margin: float = MARGIN) -> tuple[Category, float, list[str]] | None:
    """The category `text` resembles most, its score and the words that decided, when the
    resemblance is clear (at least `min_score`, `margin` times the runner-up); None otherwise."""
    prof = profiles()
    words = set(tokens(text))
    if not words:
        return None
    scores: dict[Category, float] = {}
    for cat, profile in prof.weights.items():
        scores[cat] = sum(profile[w] * prof.idf.get(w, 0.0) for w in words if w in profile)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, score = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    if score < min_score or score < margin * runner:
        return None
    deciding = sorted((w for w in words if w in prof.weights[best]), key=lambda w: -prof.idf.get(w, 0.0))
    return best, score, deciding[:4]


def resemblance_candidates(ctx: Context) -> list[Candidate]:
    """Weak candidates from fresh error lines that no signal explained."""
    matched = {h.template_key for h in ctx.hits if h.template_key is not None}
    matched_events = {id(e) for h in ctx.hits for e in h.events}
    votes: dict[Category, list[tuple[float, Event, list[str]]]] = defaultdict(list)
    for line in _unexplained(ctx, matched, matched_events):
        found = resemble(line.raw if len(line.raw) < 2000 else line.message)
        if found is not None:
            cat, score, words = found
            votes[cat].append((score, line, words))
    out = []
    for cat, found in votes.items():
        found.sort(key=lambda v: -v[0])
        score, example, words = found[0]
        detector = detector_base.detectors().get(cat)
        eid = ctx.book.cite(example, detail=f"resembles known {cat} failures ({', '.join(words)})", weight=0.6)
        out.append(Candidate(
            category=cat,
            score=min(MAX_SCORE, 0.12 + 0.02 * score + 0.03 * (len(found) - 1)),
            title=f"{detector.title if detector else cat} (by resemblance: no known signature matched)",
            entity=workload_of(ctx, example),
            evidence=[eid],
            rationale=f"No known failure signature matched; the error resembles known {cat} failures ({', '.join(words)}).",
            onset=example.time,
        ))
    return out


def _unexplained(ctx: Context, matched: set[int], matched_events: set[int]) -> list[Event]:
    """Error lines of this incident that no signal matched (one example per template)."""
    lines: list[Event] = []
    fresh = {p.key for p in ctx.patterns if p.status is not PatternStatus.STEADY}
    for key, stats in ctx.digest.templates.items():
        if key in matched or not (stats.worst or stats.examples):
            continue
        example = (stats.worst or stats.examples)[0]
        if id(example) in matched_events:
            continue
        trouble = stats.severity >= Severity.ERROR or (stats.severity <= Severity.UNKNOWN and _ERRORISH.search(example.raw))
        untimed = stats.first is None
        if trouble and (untimed or key in fresh or ctx.split is None):
            lines.append(example)
    return lines


def error_like(event: Event, severity: Severity) -> bool:
    """A line that reports trouble: by its level, or by its words when the level says little."""
    return severity >= Severity.WARNING or bool(_ERRORISH.search(event.raw or event.message))


def workload_of(ctx: Context, event: Event):  # noqa: ANN201 - Entity | None
    """The workload a line belongs to, directly or through the signal hits that quote it."""
    if event.entity is not None:
        return ctx.graph.workload(event.entity)
    return top_workload([h for h in ctx.hits if h.events and h.events[0] is event])

