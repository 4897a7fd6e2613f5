"""Estimated cost per call from a configurable price table (USD per million tokens).

Local models cost nothing per token. Hosted models cost what the `[llm.prices]` table says;
opslens ships no built-in hosted prices because they change, so an unpriced hosted model
reports an unknown cost (None) rather than a stale guess.
"""

from __future__ import annotations

from opslens.llm.settings import Price

FREE = Price(input=0.0, output=0.0)


def price_for(model: str, *, local: bool, table: dict[str, Price]) -> Price | None:
    """The price of `model`: the table's entry, else free when local, else unknown."""
    if model in table:
        return table[model]
    base = model.split(":", 1)[0]
    if base in table:
        return table[base]
    return FREE if local else None


def estimate_cost(
    price: Price | None, tokens_in: int | None, tokens_out: int | None
) -> float | None:
    """USD for one call; None when the price or a token count is unknown."""
    if price is None:
        return None
    if price == FREE:
        return 0.0
    if tokens_in is None or tokens_out is None:
        return None
    return round((tokens_in * price.input + tokens_out * price.output) / 1_000_000, 6)
