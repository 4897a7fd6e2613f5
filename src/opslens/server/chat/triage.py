"""A chat's material through the real pipeline, once per content and model.

The material is written into a private temporary directory as files (the readers sniff them
as they would sniff files on disk; the paste reader handles mixed blobs) and `run_triage` runs
on it, exactly as `opslens triage DIR` would. Chat clients resend the whole history on every
turn, so reports are kept in a small in-process LRU keyed by the material's content hash and
the narrating model: a follow-up costs a dictionary look-up, not a triage.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opslens.pipeline import TriageOptions
from opslens.report.models import Report
from opslens.report.relocate import cited_relative_to
from opslens.server.chat.material import Chat
from opslens.server.uploads import strip_directory

__all__ = ["Narrator", "TriageCache", "Triaged"]

CACHE_SIZE = 32


@dataclass(frozen=True)
class Narrator:
    """Who writes the narrative: `llm` as `--llm` (`none` for the deterministic brief)."""

    llm: str
    model: str | None = None


@dataclass(frozen=True)
class Triaged:
    """A triage's outcome: the report, or why there is none; and the pipeline's notices."""

    report: Report | None
    error: str | None
    notices: tuple[str, ...]


class TriageCache:
    """Reports by (material hash, narrator); least recently used ones leave first."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._kept: OrderedDict[tuple[str, Narrator], Triaged] = OrderedDict()
        self._lock = threading.Lock()

    def triage(self, chat: Chat, narrator: Narrator, run: Callable[..., Any],
               timeout: float | None = None) -> Triaged:
        """The cached outcome for this material and narrator, or a fresh run of `run` that
        stops itself after `timeout` seconds (as a service job does)."""
        key = (chat.digest, narrator)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        deadline = None if timeout is None else time.monotonic() + timeout
        outcome = _run(chat, narrator, run, deadline)
        if outcome.report is not None:  # failures are not kept: the model may be back next turn
            with self._lock:
                self._kept[key] = outcome
                while len(self._kept) > self._size:
                    self._kept.popitem(last=False)
        return outcome


def _run(chat: Chat, narrator: Narrator, run: Callable[..., Any], deadline: float | None) -> Triaged:
    with tempfile.TemporaryDirectory(prefix="opslens-chat-") as tmp:
        directory = Path(tmp)
        for piece in chat.pieces:
            (directory / piece.name).write_text(piece.text, encoding="utf-8")
        options = TriageOptions(paths=[str(directory)], llm=narrator.llm, model=narrator.model,
                                deadline=deadline)
        outcome = run(options)
        if outcome.report is None:
            reason = strip_directory(outcome.error or "no usable input", directory)
            return Triaged(None, reason.replace(str(directory), "the chat"), ())
        # File names in evidence sources read `paste.txt:12`, not the temporary path.
        report = cited_relative_to(outcome.report, directory)
        return Triaged(report, None, tuple(outcome.notices))
