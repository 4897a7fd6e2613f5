"""Model-runtime awareness: which digest each installed model has (a model swapped under the
same name explains a drop in pass rate), and how fast each model decoded lately."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opslens.llm.status import ProviderReport
    from opslens.store import Store


@dataclass(frozen=True)
class DigestChange:
    provider: str
    model: str
    digest: str

    def describe(self) -> str:
        return f"{self.provider} {self.model}: digest changed since last seen (now {self.digest[:12]})"


def record_digests(store: Store, reports: list[ProviderReport]) -> list[DigestChange]:
    """Note the digest of every model the providers list; the ones that changed."""
    from opslens.store.llmops import note_digest

    changed = []
    for report in reports:
        for model in report.status.models:
            if model.digest and note_digest(store, report.status.provider, model.name, model.digest):
                changed.append(DigestChange(report.status.provider, model.name, model.digest))
    return changed


def recent_speeds(store: Store) -> dict[tuple[str, str], float]:
    """Tokens/s per (provider, model) from the recent calls' server-side decode time."""
    from opslens.store.llmops import decode_speeds

    return decode_speeds(store)
