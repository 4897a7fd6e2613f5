"""Helpers for the tests of the readers of kubectl's human-readable output (describe, get, top,
the events table): reading pasted text with a fixed `--now`, the reader content sniffing picks
among the format readers, and hypothesis strategies that mutate fixtures like pastes do."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from opslens.events import Event, EventKind
from opslens.sources.base import SNIFF_CHARS, Identity, ReadContext, Reader, SourceFile, readers

PASTES = Path(__file__).resolve().parents[1] / "fixtures" / "pastes" / "kubectl"
#: `--now` of the tests: 2025-03-11T13:33:20Z.
NOW = 1741700000.0


@dataclass
class Read:
    """What reading one paste produced."""

    events: list[Event]
    skips: list[tuple[str, int | None]] = field(default_factory=list)
    unrecognized: list[tuple[str, int | None]] = field(default_factory=list)
    unrecognized_lines: int = 0


def paste(name: str) -> str:
    return (PASTES / name).read_text(encoding="utf-8")


def read(
    reader: type[Reader],
    text: str,
    now: float | None = NOW,
    time_hint: float | None = None,
    identity: Identity | None = None,
) -> Read:
    """Run `reader` over `text` as the pipeline would, with `--now` set unless `now` is None."""
    skips: list[tuple[str, int | None]] = []
    unrecognized: list[tuple[str, int | None]] = []
    ctx = ReadContext(
        SourceFile("paste.txt", identity=identity or Identity()),
        on_skip=lambda reason, line: skips.append((reason, line)),
        on_unrecognized=lambda reason, line: unrecognized.append((reason, line)),
        now=now,
        time_hint=time_hint,
    )
    events = list(reader().read(io.StringIO(text), ctx))
    return Read(events, skips, unrecognized, ctx.unrecognized_lines)


def sniffed(text: str, name: str = "paste.txt") -> tuple[str | None, float]:
    """The format reader content sniffing picks (the blob splitter `paste`, which hands each part
    to these readers, left out), and its score."""
    best, best_score = None, 0.0
    for reader_name, cls in readers().items():
        if reader_name == "paste":
            continue
        score = cls.sniff(text[:SNIFF_CHARS], name)
        if score > best_score:
            best, best_score = reader_name, score
    return best, best_score


def check_event(event: Event, text: str) -> None:
    """Invariants every event of these readers keeps. Their `raw` is verbatim lines of the input
    starting at `origin.line`, counted at newlines only as the pipeline counts them (a form feed
    or U+2028 inside a line must not shift the lines after it)."""
    assert isinstance(event.kind, EventKind)
    assert isinstance(event.message, str) and isinstance(event.raw, str)
    assert event.time is None or isinstance(event.time, float)
    assert not event.time_inferred or event.time is not None
    assert event.origin.line is None or 1 <= event.origin.line <= max(1, text.count("\n") + 1)
    if event.origin.line is not None:
        physical = text.removeprefix("\ufeff").split("\n")[event.origin.line - 1]
        assert event.raw.split("\n")[0] == physical.removesuffix("\r"), (event.origin, event.raw)
    json.dumps(event.attrs, allow_nan=True)


def never_raises(reader: type[Reader], text: str) -> None:
    """`reader` sniffs and reads `text`, with and without `--now`, without raising; every event
    it yields keeps the invariants."""
    assert 0.0 <= reader.sniff(text, "paste.txt") <= 1.0
    for now in (NOW, None):
        for event in read(reader, text, now=now).events:
            check_event(event, text)


#: What lands where a number was (superscripts, other scripts' digits, a doubled sign, a number
#: longer than `int` reads): `str.isdigit` accepts some of them, `int` refuses them all.
ODD_NUMBERS = ("²", "①", "٣", "--5", "-", "9" * 5000)
#: Characters `str.splitlines` breaks lines at but the pipeline does not (it counts newlines).
LINE_BREAKS_INSIDE_LINES = ("\u2028", "\u2029", "\x0c", "\x0b", "\x85", "\x1c", "\x1e")


def _replace_number(text: str, at: int, by: str) -> str:
    runs = list(re.finditer(r"\d+", text))
    if not runs:
        return text
    run = runs[at % len(runs)]
    return text[: run.start()] + by + text[run.end() :]


def mutated(text: str) -> st.SearchStrategy[str]:
    """`text` the way pastes damage it: lines dropped, cut, shuffled, re-indented, tabs swapped,
    a number replaced by something that only looks like one, a line-break character of another
    kind put inside a line."""
    lines = text.splitlines()
    n = max(1, len(lines))
    drop = st.sets(st.integers(0, n - 1), max_size=n).map(
        lambda gone: "\n".join(ln for i, ln in enumerate(lines) if i not in gone)
    )
    cut = st.integers(0, len(text)).map(lambda at: text[:at])
    shuffle = st.permutations(lines).map("\n".join)
    flatten = st.just("\n".join(ln.strip() for ln in lines))
    tabs = st.just(text.replace("  ", "\t"))
    spaces = st.just(text.replace("\t", " "))
    numbers = st.builds(_replace_number, st.just(text), st.integers(0, 10_000), st.sampled_from(ODD_NUMBERS))
    breaks = st.builds(
        lambda at, char: text[:at] + char + text[at:],
        st.integers(0, len(text)),
        st.sampled_from(LINE_BREAKS_INSIDE_LINES),
    )
    return st.one_of(drop, cut, shuffle, flatten, tabs, spaces, numbers, breaks)
