"""Whole dates with a month name (`opslens.timeparse.parse_rfc2822`, `parse_ctime`): the one
parser behind kubectl describe's RFC 1123 times, `git log --date=rfc`, dmesg -T, git's default
date and openssl's notAfter; kubectl's relative ages (`relative`) and the `--since` durations."""

from __future__ import annotations

import email.utils
import re
import time
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opslens.cli.timeopts import parse_duration, parse_time
from opslens.errors import ConfigError
from opslens.timeparse import RFC1123_PATTERN, RFC2822_PATTERN, parse_ctime, parse_rfc2822
from opslens.timeparse.relative import AGE_CELL, AGE_PATTERN, parse_age, parse_event_age

BERLIN = ZoneInfo("Europe/Berlin")
T = datetime(2017, 11, 30, 10, 53, 56, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("text", "tz", "expected"),
    [
        ("Thu, 30 Nov 2017 10:53:56 +0000", UTC, T),
        ("Thu, 30 Nov 2017 11:53:56 +0100", UTC, T),
        ("30 Nov 2017 10:53:56 +0000", UTC, T),  # weekday optional (RFC 2822)
        ("Thu,  30 Nov 2017 10:53:56 -0000", UTC, T),
        ("Thu, 30 Nov 2017 10:53:56 GMT", BERLIN, T),  # a known abbreviation wins over tz
        ("Thu, 30 Nov 2017 11:53:56 CET", UTC, T),
        ("Thu, 30 Nov 2017 11:53:56", BERLIN, T),  # naive: wall-clock time in tz
        ("Thu, 30 Nov 2017 11:53:56 XYZ", BERLIN, T),  # an unknown abbreviation too
        ("Thu, 30 Nov 2017 9:53:56 -0100", UTC, T),  # one-digit hour (git)
        ("Mon, 01 Jan 0001 00:00:00 +0000", UTC, None),  # Go's zero time: not set
        ("Thu, 01 Jan 1970 00:00:00 +0000", UTC, None),
        ("Fri, 30 Feb 2024 10:00:00 +0000", UTC, None),  # no such day
        ("Thu, 30 Nov 2017 25:53:56 +0000", UTC, None),
        ("Thu, 30 Foo 2017 10:53:56 +0000", UTC, None),
        ("2017-11-30T10:53:56Z", UTC, None),
        ("", UTC, None),
    ],
)
def test_parse_rfc2822(text: str, tz: object, expected: float | None) -> None:
    assert parse_rfc2822(text, tz) == expected  # type: ignore[arg-type]


def test_parse_rfc2822_anywhere_finds_a_date_inside_text() -> None:
    text = "Started:  Thu, 30 Nov 2017 10:53:56 +0000 (after 3 restarts)"
    assert parse_rfc2822(text) is None
    assert parse_rfc2822(text, anywhere=True) == T


@pytest.mark.parametrize(
    ("text", "tz", "expected"),
    [
        ("Nov 30 10:53:56 2017 GMT", UTC, T),  # openssl x509 -enddate
        ("Nov 30 10:53:56 2017 GMT", BERLIN, T),
        ("Nov  3 10:53:56 2017 GMT", UTC, T - 27 * 86400),  # space-padded day
        ("Thu Nov 30 10:53:56 2017", UTC, T),  # dmesg -T, asctime
        ("Thu Nov 30 11:53:56 2017", BERLIN, T),
        ("Thu Nov 30 10:53:56.250 2017", UTC, T + 0.25),
        ("Thu Nov 30 11:53:56 2017 +0100", UTC, T),  # git's default date
        ("Thu Nov 30 10:53:56 2017] EXT4-fs error", UTC, T),  # what follows is not a zone
        ("Nov 31 10:53:56 2017", UTC, None),
        ("30 Nov 2017 10:53:56", UTC, None),
    ],
)
def test_parse_ctime(text: str, tz: object, expected: float | None) -> None:
    assert parse_ctime(text, tz) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "rfc2822", "rfc1123"),
    [
        ("Thu, 30 Nov 2017 10:53:56 +0000", True, True),
        ("30 Nov 2017 10:53:56 +0000", True, False),
        ("Thu, 30 Nov 2017 10:53:56 GMT", True, True),
        ("Thu, 30 Nov 2017 10:53:56", True, True),
        ("Thu 30 Nov 2017 10:53:56", False, False),
    ],
)
def test_patterns_to_embed(text: str, rfc2822: bool, rfc1123: bool) -> None:
    assert bool(re.fullmatch(RFC2822_PATTERN, text)) is rfc2822
    assert bool(re.fullmatch(RFC1123_PATTERN, text)) is rfc1123


_DATES = st.datetimes(min_value=datetime(1971, 1, 2), max_value=datetime(2199, 12, 30))
_OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))


@given(_DATES, _OFFSETS)
def test_rfc2822_agrees_with_the_standard_library(when: datetime, zone: timezone) -> None:
    moment = when.replace(microsecond=0, tzinfo=zone)
    text = email.utils.format_datetime(moment)  # `Thu, 30 Nov 2017 10:53:56 +0100`
    assert parse_rfc2822(text) == moment.timestamp()
    assert parse_rfc2822(text, BERLIN) == moment.timestamp()  # an offset wins over tz


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@given(_DATES)
def test_ctime_reads_every_date_in_english_whatever_the_locale(when: datetime) -> None:
    # Built by hand: `strftime("%b")` would follow the locale, which is the bug this replaces.
    text = (
        f"{_DAYS[when.weekday()]} {_MONTHS[when.month - 1]} {when.day:2d} "
        f"{when:%H:%M:%S} {when.year} GMT"
    )
    assert parse_ctime(text) == when.replace(microsecond=0, tzinfo=UTC).timestamp()


# --- kubectl ages, one grammar ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("5s", 5), ("2m30s", 150), ("1.5h", 5400), ("2y45d", (2 * 365 + 45) * 86400), ("500ms", 0.5),
     ("12h ago", 43200), ("(5m ago)", 300), ("<unknown>", None), ("5", None), ("5x", None), ("", None)],
)  # fmt: skip
def test_parse_age(text: str, seconds: float | None) -> None:
    assert parse_age(text) == seconds


@pytest.mark.parametrize(
    ("cell", "is_age"),
    [("9m44s", True), ("3s (x7 over 34s)", True), ("<unknown>", True), ("<invalid>", True),
     ("2m (x3 over <unknown>)", True), ("1.5m2.5s", True), ("3s (x7 over 34s", False),
     ("3 s", False), ("abc", False), ("3s (x" + "9" * 5000 + " over 4s)", False)],
)  # fmt: skip
def test_age_cell(cell: str, is_age: bool) -> None:
    assert bool(AGE_CELL.fullmatch(cell)) is is_age


_AGE_PARTS = st.lists(
    st.tuples(st.integers(0, 999), st.sampled_from(["y", "d", "h", "m", "s", "ms"])), min_size=1, max_size=3
)
_UNIT = {"y": 365 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 0.001}


@given(_AGE_PARTS, _AGE_PARTS, st.integers(1, 10**6))
def test_every_age_cell_the_pattern_accepts_is_read(
    last: list[tuple[int, str]], first: list[tuple[int, str]], count: int
) -> None:
    text = lambda parts: "".join(f"{n}{unit}" for n, unit in parts)  # noqa: E731
    seconds = lambda parts: sum(n * _UNIT[unit] for n, unit in parts)  # noqa: E731
    cell = f"{text(last)} (x{count} over {text(first)})"
    assert re.fullmatch(AGE_PATTERN, text(last)) and AGE_CELL.fullmatch(cell)
    assert parse_age(text(last)) == pytest.approx(seconds(last))
    assert parse_event_age(cell) == pytest.approx(
        (seconds(last), max(seconds(first), seconds(last)), count)
    )
    assert parse_duration(text(last)) == parse_age(text(last))  # --since reads ages the same way


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("2h", 7200), ("2 h", 7200), ("30min", 1800), ("30 MIN", 1800), ("5sec ago", 5), ("2H ago", 7200),
     ("2hago", 7200), ("1h30m", 5400), ("0.5d", 43200), ("90m", 5400), ("1y", 365 * 86400),
     ("2025-03-14T10:00:00Z", None), ("1741700000", None), ("2hours", None), ("h", None), ("ago", None)],
)  # fmt: skip
def test_since_durations(value: str, seconds: float | None) -> None:
    assert parse_duration(value) == seconds


def test_parse_time_reads_durations_dates_and_epochs() -> None:
    before = time.time()
    got = parse_time("2 h", UTC, "--since")
    assert got is not None and before - 7200 - 1 <= got <= time.time() - 7200
    assert parse_time("2025-03-14T10:00:00Z", UTC, "--since") == 1741946400.0
    assert parse_time("1741700000", UTC, "--now") == 1741700000.0
    assert parse_time(None, UTC, "--until") is None
    with pytest.raises(ConfigError):
        parse_time("yesterday-ish", UTC, "--since")
