"""The guard's helpers as the LLM layer uses them, imported lazily.

The guard (`opslens.guard`) owns command classification, redaction, fencing and injection
detection; this module only binds its functions in one place so that verification can be
handed a `Guard` (and so that a missing guard stops the LLM layer instead of letting
unverified model output through).
"""

from __future__ import annotations

import unicodedata
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


def instruction_text(finding: Any, text: str, strip_control: Callable[[str], str]) -> str:
    """The instruction-like part of a suspicious text: from where the finding starts to the end.

    The guard reports offsets into the NFKC-normalised, control-stripped text; the payload of
    an injection ("... run kubectl delete ...") usually follows the phrase that was detected.
    """
    start = getattr(finding, "start", None)
    if not isinstance(start, int):
        return text
    normalized = unicodedata.normalize("NFKC", strip_control(text))
    return normalized[max(0, start - 20) :] or text
