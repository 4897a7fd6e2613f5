"""Properties of the pasted line formats: sniff() and read() of the syslog and text-log readers
never raise (the syslog reader may say InputError) on arbitrary text, on line soup made of the
pieces these formats are built from, and on the fixtures mutated the way pastes get mangled:
lines dropped, cut mid-line at either end, shuffled. What they read stays verbatim."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paste_helpers import PASTES, physical_lines, read_with

from opslens.errors import InputError
from opslens.events import Event
from opslens.sources.readers._syslog_journal import MARKER
from opslens.sources.readers.syslog import SyslogReader
from opslens.sources.readers.textlog import TextLogReader

FIXTURES = sorted((p.name, p.read_text(encoding="utf-8")) for p in PASTES.iterdir() if p.is_file())
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# the pieces pasted lines are made of, so random lines often look almost right
PIECES = [
    "Mar  4 10:01:02 ", "Dec 31 23:59:59.123456 ", "2024-03-04T10:01:02+0000 ", "2024-03-04T10:01:02.118702511Z ",
    "Mon 2024-03-04 10:01:02 CET ", "[ 1234.567890] ", "1709546462.118702 ", "<11>", "<34>1 ",
    "worker-1 ", "kubelet[1234]: ", "kernel: ", "systemd[1]: ", "CRON[0]: ", "ERROR ", "x[", "]: ",
    "-- Boot 1a2b --", "-- Journal begins at Mon 2024-03-04 08:00:01 UTC, ends at ", "-- No entries --",
    "● kubelet.service - kubelet", "     Active: failed (Result: exit-code) since Tue 2023-01-03 09:14:07 UTC; 4s ago",
    "web-1  | ", "db_1   |", "\x1b[36m", "\x1b[0m", "E0304 10:01:02.331201    1234 x.go:1] ", "level=error ",
    '{"level":"warn"}', "\tat com.example.A.b(A.java:1)", "goroutine 1 [running]:", "panic: boom", " ", ":", "|",
]  # fmt: skip

soup = st.lists(
    st.lists(st.sampled_from(PIECES) | st.text(max_size=12), max_size=6).map("".join), max_size=30
).map("\n".join)


def _check(text: str) -> None:
    """Both readers sniff and read `text`; what they produce is well-formed and verbatim."""
    lines = physical_lines(text)
    count = text.count("\n") + 1
    for reader in (SyslogReader, TextLogReader):
        score = reader.sniff(text[: 64 * 1024], "paste.txt")
        assert isinstance(score, float) and 0.0 <= score <= 1.0
        try:
            result = read_with(reader, text)
        except InputError:
            assert reader is SyslogReader
            continue
        for event in result.events:
            _check_event(event, lines, count, reader is SyslogReader)


def _check_event(event: Event, lines: set[str], count: int, syslog: bool) -> None:
    assert event.time is None or isinstance(event.time, float)
    assert not (event.time_inferred and event.time is None)
    assert event.origin.line is not None and 1 <= event.origin.line <= count
    assert isinstance(event.message, str)
    raw_lines = event.raw.split("\n")
    if syslog:
        assert set(raw_lines) <= lines
        assert not any(MARKER.match(line) for line in raw_lines)  # journalctl's lines are no events
    else:  # the text-log reader also strips runtime wrappers; its first raw line is still verbatim
        # (a U+FEFF that starts a line is a byte-order mark to one reader, a character to another)
        first = raw_lines[0].lstrip("\ufeff")
        assert first in lines or first.rstrip() in {line.rstrip() for line in lines}


@SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    _check(text)


@SETTINGS
@given(soup)
def test_line_soup_never_raises(text: str) -> None:
    _check(text)


def _mutate(text: str, seed: int, kind: str) -> str:
    rng = random.Random(seed)
    lines = text.splitlines()
    if kind == "drop" and lines:
        keep = [line for line in lines if rng.random() > 0.3]
        return "\n".join(keep) + "\n"
    if kind == "shuffle":
        rng.shuffle(lines)
        return "\n".join(lines) + "\n"
    if kind == "cut-start" and text:
        return text[rng.randrange(len(text)) :]
    if kind == "cut-end" and text:
        return text[: rng.randrange(len(text))]
    if kind == "cut-both" and len(text) > 2:
        start = rng.randrange(len(text) // 2)
        return text[start : rng.randrange(start + 1, len(text))]
    return text


@SETTINGS
@given(
    st.sampled_from(FIXTURES),
    st.integers(0, 2**32),
    st.sampled_from(["drop", "shuffle", "cut-start", "cut-end", "cut-both"]),
)
def test_mutated_fixtures_never_raise(fixture: tuple[str, str], seed: int, kind: str) -> None:
    _check(_mutate(fixture[1], seed, kind))


def test_every_fixture_reads_cleanly_as_is() -> None:
    for _, text in FIXTURES:
        _check(text)
