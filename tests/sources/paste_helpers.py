"""Helpers for the pasted line-format tests: fixtures under tests/fixtures/pastes/lines."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from opslens.events import Event
from opslens.sources.base import SNIFF_CHARS, ReadContext, Reader, SourceFile, choose_reader

PASTES = Path(__file__).resolve().parents[1] / "fixtures" / "pastes" / "lines"


@dataclass
class Read:
    """The events of one read, the problems reported, and the context after it."""

    events: list[Event]
    skips: list[tuple[str, int | None]] = field(default_factory=list)
    ctx: ReadContext | None = None


def paste_text(name: str) -> str:
    return (PASTES / name).read_text(encoding="utf-8")


def chosen(text: str, name: str = "paste.txt") -> str | None:
    """The reader the pipeline picks for a file starting with `text`."""
    reader, score = choose_reader(text[:SNIFF_CHARS], name)
    return reader.name if reader is not None and score > 0 else None


def read_with(reader: type[Reader], text: str, name: str = "paste.txt", **hints: object) -> Read:
    """Run `reader` over `text` as the pipeline does (fresh context, skips collected)."""
    skips: list[tuple[str, int | None]] = []
    ctx = ReadContext(SourceFile(name), on_skip=lambda r, line: skips.append((r, line)), **hints)  # type: ignore[arg-type]
    events = list(reader().read(io.StringIO(text), ctx))
    return Read(events, skips, ctx)


def iso(epoch: float | None) -> str | None:
    """`2024-03-04T10:01:02Z` (microseconds when there are any), for readable assertions."""
    if epoch is None:
        return None
    stamp = datetime.fromtimestamp(epoch, UTC)
    spec = "microseconds" if stamp.microsecond else "seconds"
    return stamp.isoformat(timespec=spec).replace("+00:00", "Z")


def at(text: str) -> float:
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp()


def physical_lines(text: str) -> set[str]:
    """The input's lines as a reader sees them (newline, carriage return and BOM dropped)."""
    return {line.rstrip("\r").lstrip("\ufeff") for line in text.split("\n")}
