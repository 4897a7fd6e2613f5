"""Kubernetes resource quantities (`250m`, `512Mi`, `2`) as numbers."""

from __future__ import annotations

import re

_QUANTITY = re.compile(r"^(\d+(?:\.\d+)?)(m|k|Ki|Mi|Gi|Ti|Pi|Ei|M|G|T|P|E|)$")
_FACTORS = {
    "": 1.0, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
    "Ki": 2.0**10, "Mi": 2.0**20, "Gi": 2.0**30, "Ti": 2.0**40, "Pi": 2.0**50, "Ei": 2.0**60,
}  # fmt: skip


def quantity(text: str) -> float | None:
    """A Kubernetes quantity as a number: `250m` -> 0.25 (cores), `512Mi` -> 536870912 (bytes),
    `2` -> 2.0. None for `<unknown>` and anything else."""
    m = _QUANTITY.match(text.strip())
    if not m:
        return None
    return float(m.group(1)) * _FACTORS[m.group(2)]
