"""The guard's helpers as the LLM layer uses them, imported lazily.

The guard (`opslens.guard`) owns command classification, redaction, fencing and injection
detection; this module only binds its functions in one place so that verification can be
handed a `Guard` (and so that a missing guard stops the LLM layer instead of letting
unverified model output through).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from opslens.errors import OpslensError


class GuardUnavailable(OpslensError):
    """The guard could not be imported: model output cannot be verified, so it is not used."""


@dataclass(frozen=True)
class Guard:
    classify: Callable[[str], Any]
    redactor: Callable[[], Any]
    fence_untrusted: Callable[..., str]
    strip_control: Callable[[str], str]
    find_injection: Callable[[str], Any]


def load_guard() -> Guard:
    """Bind the guard's public helpers; raise `GuardUnavailable` when any is missing."""
    try:
        from opslens import guard
    except ImportError as exc:
        raise GuardUnavailable(
            f"the guard is not installed ({exc}); model output cannot be verified"
        ) from exc
    names = ("classify", "Redactor", "fence_untrusted", "strip_control", "find_injection")
    missing = [n for n in names if not hasattr(guard, n)]
    if missing:
        raise GuardUnavailable(
            f"the guard lacks {', '.join(missing)}; model output cannot be verified"
        )
    return Guard(
        classify=guard.classify,
        redactor=lambda: guard.Redactor(pii=False),
        fence_untrusted=guard.fence_untrusted,
        strip_control=guard.strip_control,
        find_injection=guard.find_injection,
    )


def finding_text(finding: Any, fallback: str) -> str:
    """The instruction-like part of an injection finding (whatever the guard calls it)."""
    for attr in ("text", "match", "excerpt", "snippet", "matched"):
        value = getattr(finding, attr, None)
        if isinstance(value, str) and value.strip():
            return value
    return fallback
