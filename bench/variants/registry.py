"""The registry of variants: each module registers its builders with `@variant`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.variants.bundle import Bundle


@dataclass(frozen=True)
class Spec:
    """One variant: its name, what it is about, and the function that fills its bundle."""

    name: str
    category: str
    stack: str
    platform: str
    onset: str
    change_record: str
    hidden_in: str
    build: Callable[[Bundle], None]
    #: True when the diagnosis rests on metrics and change records rather than a decisive log
    #: line (prediction histograms, KPIs, token usage): a chat paste is written but not expected
    #: to suffice, and no decisive line hides in a long record.
    metric_borne: bool = False


VARIANTS: list[Spec] = []


def variant(name: str, category: str, stack: str, platform: str, onset: str, change_record: str,
            hidden_in: str, metric_borne: bool = False) -> Callable[[Callable[[Bundle], None]], Callable[[Bundle], None]]:
    """Register a builder; `hidden_in` says which long record holds the decisive line."""

    def register(fn: Callable[[Bundle], None]) -> Callable[[Bundle], None]:
        if any(s.name == name for s in VARIANTS):
            raise ValueError(f"duplicate variant name {name!r}")
        VARIANTS.append(Spec(name, category, stack, platform, onset, change_record, hidden_in, fn, metric_borne))
        return fn

    return register
