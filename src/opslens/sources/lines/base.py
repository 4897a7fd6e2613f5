"""The line-format interface and its registry."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from opslens.events import Severity
from opslens.timeparse import Clock

#: What a line parser returns: (source name, epoch or None, severity, message, attrs or None).
#: A plain tuple because one is built per input line. A severity of None means "this line
#: continues the previous record" (Postgres DETAIL/HINT/STATEMENT lines).
Parsed = tuple[str, float | None, Severity | None, str, dict[str, Any] | None]
LineParser = Callable[[str], Parsed | None]


@dataclass(frozen=True)
class LineFormat:
    """One line format: `make(clock)` returns the parser for one file (bound to its clock).

    `first` lists the characters a line of this format can start with (None: any), so the
    dispatcher only tries formats that can match; `order` is the trial order (lower first,
    specific before generic). A `sticky` format is tried first on the next line once it has
    matched; fallbacks that match almost anything (generic) are not sticky, so they never
    shadow a more specific format.
    """

    name: str
    make: Callable[[Clock], LineParser]
    first: str | None = None
    order: int = 100
    sticky: bool = True
    description: str = ""


_FORMATS: dict[str, LineFormat] = {}
_loaded = False
_NOT_FORMATS = frozenset({"base", "levels", "dispatch", "multiline", "cri", "records", "jsonfields"})


def register(fmt: LineFormat) -> LineFormat:
    """Add a line format to the registry (one module per format calls this at import)."""
    if fmt.name in _FORMATS and _FORMATS[fmt.name] is not fmt:
        raise ValueError(f"line format {fmt.name!r} registered twice")
    _FORMATS[fmt.name] = fmt
    return fmt


def formats() -> list[LineFormat]:
    """All registered line formats in trial order (importing the built-in ones on first use)."""
    global _loaded
    if not _loaded:
        _loaded = True
        from opslens.sources import lines as package

        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_") and info.name not in _NOT_FORMATS:
                importlib.import_module(f"{package.__name__}.{info.name}")
    return sorted(_FORMATS.values(), key=lambda f: (f.order, f.name))
