"""Helpers for the structured-format reader tests (k8s events, journald, syslog, alerts, ...)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from pathlib import Path

from opslens.events import Event
from opslens.sources.base import SNIFF_CHARS, ReadContext, Reader, SourceFile, choose_reader

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


@dataclass
class Result:
    """What reading one input produced: the events, the skipped records, the context."""

    events: list[Event]
    skips: list[tuple[str, int | None]] = field(default_factory=list)
    ctx: ReadContext | None = None


def read_text(
    reader: type[Reader],
    text: str,
    name: str = "input",
    tz: tzinfo = UTC,
    year_hint: int | None = None,
    time_hint: float | None = None,
) -> Result:
    """Run `reader` over `text` as the pipeline would (fresh context, skips collected)."""
    skips: list[tuple[str, int | None]] = []
    ctx = ReadContext(
        SourceFile(name),
        tz=tz,
        year_hint=year_hint,
        on_skip=lambda r, line: skips.append((r, line)),
        time_hint=time_hint,
    )
    events = list(reader().read(io.StringIO(text), ctx))
    return Result(events, skips, ctx)


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def read_fixture(reader: type[Reader], name: str, **kwargs: object) -> Result:
    return read_text(reader, fixture_text(name), name, **kwargs)  # type: ignore[arg-type]


def chosen(text: str, name: str = "input") -> str | None:
    """Name of the reader the pipeline would pick for a file starting with `text`."""
    reader, score = choose_reader(text[:SNIFF_CHARS], name)
    return reader.name if reader is not None and score > 0 else None


def at(iso: str) -> float:
    """Epoch seconds of an ISO timestamp (test readability)."""
    from datetime import datetime

    dt = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp()
