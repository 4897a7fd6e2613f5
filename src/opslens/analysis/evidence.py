"""Evidence: verbatim, cited excerpts of the input, numbered E1, E2, ... in one book per report.

Analyzers and detectors cite events through the book; citing the same excerpt twice returns the
same id. The text is made of verbatim pieces of the input (a whole short record, or the decisive
lines and parts of a long one, gaps marked `…`), so a reader can grep for each piece.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from opslens.analysis.excerpt import excerpt
from opslens.events import Entity, Event, EventKind


@dataclass
class EvidenceItem:
    id: str
    kind: EventKind
    source: str
    time: float | None
    text: str
    count: int = 1
    detail: str | None = None
    entity: Entity | None = None
    template_id: str | None = None
    suspicious: bool = False
    weight: float = 0.0  # how much analyses relied on it; ordering for budgets
    time_inferred: bool = False
    raw: str | None = None  # the record the text is an excerpt of (None for explicit quotes)
    needles: list[str] = field(default_factory=list)  # key phrases the excerpt must keep


_DIGITS = re.compile(r"\d+")


def same_shape(raw: str) -> str:
    """A record with its numbers masked: two records of one shape say the same thing."""
    return _DIGITS.sub("0", raw[:2000])


def quote(event: Event, needle: str | None = None) -> str:
    """The verbatim excerpt to show for `event` (see `excerpt`): a short record whole, a long
    one cut to its decisive parts, always keeping the part that contains `needle`."""
    return excerpt(event.raw or event.message, needle)


@dataclass
class EvidenceBook:
    """Collects evidence items; ids are assigned in citation order."""

    items: list[EvidenceItem] = field(default_factory=list)
    _by_key: dict[tuple[str, str], EvidenceItem] = field(default_factory=dict)
    _by_shape: dict[tuple[str, str | None, str], EvidenceItem] = field(default_factory=dict)

    def cite(
        self,
        event: Event,
        *,
        count: int = 1,
        detail: str | None = None,
        template_id: str | None = None,
        weight: float = 1.0,
        needle: str | None = None,
        text: str | None = None,
    ) -> str:
        """Cite `event` (optionally a specific verbatim `text` from it); returns the evidence id."""
        source = str(event.origin)
        raw = event.raw or event.message
        # One item per record: citing it again for another key phrase widens its excerpt.
        key = (source, text) if text is not None else (source, "\x00" + raw)
        item = self._by_key.get(key)
        shape = None
        if item is None and text is None and raw.count("\n") >= 2:
            # The same multi-line failure (a stack trace) at another time in the same file is
            # the same evidence; in one-line messages the numbers may be the news (`New size: 8`).
            shape = (event.origin.path, event.origin.member, same_shape(raw))
            item = self._by_shape.get(shape)
        if item is not None:
            item.count = max(item.count, count)
            item.weight = max(item.weight, weight)
            if detail and not item.detail:
                item.detail = detail
            if needle and item.raw is not None and needle not in item.text:
                item.needles.append(needle)
                item.text = excerpt(item.raw, item.needles)
            return item.id
        item = EvidenceItem(
            id=f"E{len(self.items) + 1}",
            kind=event.kind,
            source=source,
            time=event.time,
            time_inferred=event.time_inferred and event.time is not None,
            text=text if text is not None else excerpt(raw, needle),
            count=max(1, count),
            detail=detail,
            entity=event.entity,
            template_id=template_id,
            weight=weight,
            raw=None if text is not None else raw,
            needles=[needle] if needle else [],
        )
        self.items.append(item)
        self._by_key[key] = item
        if shape is not None:
            self._by_shape[shape] = item
        return item.id

    def get(self, evidence_id: str) -> EvidenceItem | None:
        index = int(evidence_id[1:]) - 1 if evidence_id[1:].isdigit() else -1
        return self.items[index] if 0 <= index < len(self.items) else None
