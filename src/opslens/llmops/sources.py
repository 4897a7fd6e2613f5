"""What the scrape-time LLMOps metrics read from the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opslens.llmops.metrics import PassRate

if TYPE_CHECKING:
    from opslens.store import Store


def pass_rates(store: Store) -> list[PassRate]:
    """The latest saved evaluation run of each dataset, model and prompt version."""
    from opslens.store.llmops import latest_pass_rates

    return [PassRate(*row) for row in latest_pass_rates(store)]


def feedback_scores(store: Store) -> list[int]:
    """Every feedback score (1 to 5) people gave."""
    from opslens.store.llmops import feedback_scores as scores

    return scores(store)
