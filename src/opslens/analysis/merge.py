"""Merging digests built in separate processes into one.

Each worker mines its own files with its own miner; templates are joined across workers by
their stable template id (a hash of the final template text), so the same pattern seen by two
workers becomes one template with the summed statistics.
"""

from __future__ import annotations

from opslens.analysis.digest import Digest


class MergedTemplates:
    """The read side of a miner, for templates that were mined elsewhere."""

    def __init__(self) -> None:
        self._text: dict[int, str] = {}
        self._id: dict[int, str] = {}

    def put(self, key: int, template: str, template_id: str) -> None:
        self._text[key] = template
        self._id[key] = template_id

    def template(self, key: int) -> str:
        return self._text[key]

    def template_id(self, key: int) -> str:
        return self._id[key]

    def canonical(self, key: int) -> int:
        return key

    def add(self, message: str, time: float | None = None, origin: object = None) -> int:
        raise RuntimeError("a merged digest is read-only: add events to the per-process digests")


def merge_digests(parts: list[Digest], since: float | None = None, until: float | None = None) -> Digest:
    """One digest holding everything the parts saw (each part is finished first)."""
    names = MergedTemplates()
    merged = Digest(since=since, until=until, miner=names)  # type: ignore[arg-type]
    by_id: dict[str, int] = {}
    for part in parts:
        part.finish()
        for key, stats in part.templates.items():
            template_id = part.miner.template_id(key)
            target = by_id.get(template_id)
            if target is None:
                target = by_id[template_id] = len(by_id)
                merged.templates[target] = stats
                names.put(target, part.miner.template(key), template_id)
            else:
                merged.templates[target].absorb(stats)
        merged.k8s_events += part.k8s_events
        merged.alerts += part.alerts
        merged.metrics += part.metrics
        merged.changes += part.changes
        merged.event_sources |= part.event_sources
        merged.events += part.events
        merged.filtered_out += part.filtered_out
        merged.dropped += part.dropped
        merged.start = _pick(min, merged.start, part.start)
        merged.end = _pick(max, merged.end, part.end)
    return merged


def _pick(fn, a: float | None, b: float | None) -> float | None:  # noqa: ANN001
    return b if a is None else a if b is None else fn(a, b)
