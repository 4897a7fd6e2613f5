"""The incident timeline: key moments in time order, each citing evidence, capped for reading."""

from __future__ import annotations

from opslens.analysis.findings import TimelineItem

MAX_ENTRIES = 40


class TimelineBuilder:
    """Collect candidate moments with a priority; `build()` keeps the most important, in order."""

    def __init__(self) -> None:
        self._items: list[TimelineItem] = []
        self._seen: set[str] = set()

    def add(self, time: float | None, text: str, evidence: list[str], priority: int = 0) -> None:
        if time is None:
            return
        # One entry per moment: the same evidence at the same time is one event, however found.
        keys = {text} | {f"{e}@{int(time)}" for e in evidence if e}
        if keys & self._seen:
            return
        self._seen |= keys
        self._items.append(TimelineItem(time=time, text=text, evidence=[e for e in evidence if e], priority=priority))

    def build(self, limit: int = MAX_ENTRIES) -> list[TimelineItem]:
        keep = sorted(self._items, key=lambda i: (-i.priority, i.time))[:limit]
        return sorted(keep, key=lambda i: (i.time, -i.priority))
