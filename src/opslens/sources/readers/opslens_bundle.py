"""The `manifest.json` of a bundle `opslens collect` wrote: no events, but what the bundle is
missing. Every part a collector cut (a cap, a forbidden kind, an expired continue token) and
every source that failed becomes one `stats.skipped` entry, so a report made from the bundle,
now or later, says what it did not see."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar, TextIO

from opslens.errors import InputError
from opslens.events import Event
from opslens.sources.base import ReadContext, Reader, register
from opslens.sources.readers._documents import count_lines, first_char

_MARKER = '"opslens_bundle"'


@register
class OpslensBundleReader(Reader):
    """An `opslens collect` manifest: its cuts and failed sources as skipped entries."""

    name: ClassVar[str] = "opslens-bundle"
    description: ClassVar[str] = "manifest.json of a bundle written by opslens collect"
    yields_events: ClassVar[bool] = False

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        return 1.0 if first_char(head) == "{" and _MARKER in head[:200] else 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        text = stream.read()
        ctx.lines += count_lines(text)
        try:
            manifest = json.loads(text)
        except ValueError as exc:
            raise InputError(str(ctx.source), f"bundle manifest is not JSON: {exc}") from exc
        sources = manifest.get("sources") if isinstance(manifest, dict) else None
        if not isinstance(sources, dict):
            raise InputError(str(ctx.source), "bundle manifest without a sources table")
        for name, record in sorted(sources.items()):
            for reason in _missing(name, record):
                ctx.skip(reason)
        return iter(())


def _missing(source: str, record: Any) -> Iterator[str]:
    if not isinstance(record, dict):
        return
    if record.get("status") == "failed":
        yield f"{source} not collected: {record.get('detail') or 'failed'}"
    for cut in record.get("cut") or []:
        if isinstance(cut, dict):
            yield f"{source}: {cut.get('what')}: {cut.get('reason')}"
