"""Timestamp parsing: every shape at the start of log lines, caches, zones, year hints."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opslens.timeparse import Clock, epoch, parse_rfc3339, parse_timestamp, year_near


def at(text: str) -> float:
    """Epoch seconds of an aware ISO 8601 string (the expected values)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


ISO_CASES = [
    ("2025-03-14T02:51:09.123456789Z", "2025-03-14T02:51:09.123456789Z"),
    ("2025-03-14T02:51:09Z", "2025-03-14T02:51:09Z"),
    ("2025-03-14 02:51:09,123", "2025-03-14T02:51:09.123Z"),  # Python/log4j: naive, comma
    ("2025-03-14 02:51:09.123", "2025-03-14T02:51:09.123Z"),
    ("2025-03-14T02:51:09+01:00", "2025-03-14T01:51:09Z"),
    ("2025-03-14T02:51:09.5-0700", "2025-03-14T09:51:09.5Z"),
    ("2025-03-14T02:51:09+05", "2025-03-13T21:51:09Z"),
    ("2025-03-14 02:51:09 +0000", "2025-03-14T02:51:09Z"),  # gunicorn
    ("2025-03-14 02:51:09.123 UTC", "2025-03-14T02:51:09.123Z"),  # Postgres %m
    ("2025-03-14 02:51:09.123 CEST", "2025-03-14T00:51:09.123Z"),
    ("2025/03/14 02:51:09", "2025-03-14T02:51:09Z"),  # Go log, nginx error log
    ("2025-03-14T23:59:60Z", "2025-03-15T00:00:00Z"),  # leap second
]


@pytest.mark.parametrize(("token", "expected"), ISO_CASES)
def test_iso_shapes(token: str, expected: str) -> None:
    assert Clock().iso(token) == pytest.approx(at(expected), abs=1e-6)


@pytest.mark.parametrize(
    "token",
    ["", "2025", "2025-03-14", "2025-13-14T02:51:09Z", "2025-02-30T02:51:09Z", "2025-03-14T02:51:61Z",
     "2025-03-14T02:51:0xZ", "2025-03-14T02:51:09.Z", "2025-03-14T02:51:09.12a", "2025-03-14T02:51:09.1e5",
     "2025-03-14T02:51:09 XYZ", "2025-03-14T25:51:09Z", "not a time at all"],
)  # fmt: skip
def test_iso_rejects_malformed_tokens(token: str) -> None:
    assert Clock().iso(token) is None


def test_naive_times_are_in_the_files_zone() -> None:
    berlin = Clock(ZoneInfo("Europe/Berlin"))
    assert berlin.iso("2025-03-14 02:51:09,123") == pytest.approx(at("2025-03-14T01:51:09.123Z"))
    assert berlin.iso("2025-07-14 02:51:09") == at("2025-07-14T00:51:09Z")  # summer time
    assert berlin.iso("2025-07-14T02:51:09Z") == at("2025-07-14T02:51:09Z")  # explicit zone wins


def test_other_shapes() -> None:
    clock = Clock(year=2025)
    assert clock.clf("14/Mar/2025:09:54:51 +0000") == at("2025-03-14T09:54:51Z")
    assert clock.clf("14/Mar/2025:09:54:51 +0200") == at("2025-03-14T07:54:51Z")
    assert clock.syslog("Mar 14 02:51:09") == at("2025-03-14T02:51:09Z")
    assert clock.syslog("Mar  4 02:51:09.25") == at("2025-03-04T02:51:09.25Z")
    assert clock.klog("0314 02:51:09.096230") == pytest.approx(at("2025-03-14T02:51:09.09623Z"))
    assert clock.klog("03-14 02:51:09.096") == pytest.approx(at("2025-03-14T02:51:09.096Z"))  # logcat
    assert clock.asctime("Fri Mar 14 02:51:09.123456 2025") == pytest.approx(at("2025-03-14T02:51:09.123456Z"))
    assert clock.asctime("Fri Mar 14 02:51:09 2025") == at("2025-03-14T02:51:09Z")
    assert clock.dmy("11 Jun 2025 23:38:16.058") == pytest.approx(at("2025-06-11T23:38:16.058Z"))
    assert clock.dmy("1 Jun 2025 23:38:16") == at("2025-06-01T23:38:16Z")
    assert clock.dmy("14-Mar-2025 02:51:09") == at("2025-03-14T02:51:09Z")
    assert clock.short_year("17/06/09 20:10:40") == at("2017-06-09T20:10:40Z")


def test_year_less_shapes_use_the_files_year_then_the_hint() -> None:
    assert Clock(year=2023).klog("0314 02:51:09.000000") == at("2023-03-14T02:51:09Z")
    clock = Clock(year=2023)
    clock.iso("2021-05-01T00:00:00Z")  # a full date seen in the file sets the year
    assert clock.syslog("Mar 14 02:51:09") == at("2021-03-14T02:51:09Z")
    assert Clock().klog("0314 02:51:09.000000") is not None  # no hint: this year


@pytest.mark.parametrize(
    ("month", "hint", "year"),
    [
        (12, "2025-01-05T10:00:00Z", 2024),  # December line, January hint: the previous year
        (1, "2025-01-05T10:00:00Z", 2025),
        (7, "2025-01-05T10:00:00Z", 2024),  # half a year either way: the earlier one
        (6, "2025-01-05T10:00:00Z", 2025),
        (1, "2024-12-31T23:00:00Z", 2025),  # January line, December hint: the next year
        (5, "2024-12-31T23:00:00Z", 2025),
        (6, "2024-12-31T23:00:00Z", 2024),
        (3, "2025-03-14T02:51:09Z", 2025),
    ],
)
def test_year_near_puts_the_month_nearest_the_hint(month: int, hint: str, year: int) -> None:
    assert year_near(month, at(hint)) == year


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=100_000_000, max_value=4_000_000_000), st.integers(min_value=1, max_value=12))
def test_year_near_keeps_the_month_within_half_a_year_of_the_hint(hint: int, month: int) -> None:
    middle = datetime(year_near(month, hint), month, 15, tzinfo=UTC).timestamp()
    assert abs(middle - hint) < 201 * 86400  # six months and the days to the middle of one


def test_year_near_reads_the_hint_in_the_files_zone() -> None:
    # 23:30 UTC on 31 December is already January in Berlin: a December line is then last year's
    assert year_near(12, at("2024-12-31T23:30:00Z"), ZoneInfo("Europe/Berlin")) == 2024
    assert year_near(12, at("2024-12-31T23:30:00Z")) == 2024
    assert year_near(1, at("2024-12-31T23:30:00Z"), ZoneInfo("Europe/Berlin")) == 2025


def test_time_hint_dates_year_less_stamps_across_new_year() -> None:
    clock = Clock(year=2025, time_hint=at("2025-01-02T03:00:00Z"))  # year_hint agrees; time wins
    assert clock.syslog("Dec 31 23:58:00") == at("2024-12-31T23:58:00Z")
    assert clock.syslog("Jan  2 02:00:00") == at("2025-01-02T02:00:00Z")
    assert clock.klog("1231 23:59:59.500000") == at("2024-12-31T23:59:59.5Z")


def test_the_files_own_full_dates_win_over_the_time_hint() -> None:
    clock = Clock(time_hint=at("2025-01-02T03:00:00Z"))
    clock.iso("2021-05-01T00:00:00Z")
    assert clock.syslog("Dec 31 23:58:00") == at("2021-12-31T23:58:00Z")


DETECT_CASES = [
    ("2025-03-14 02:51:09,123 - app - INFO - x", "2025-03-14T02:51:09.123Z", 23),
    ("2025-03-14 02:51:09.123 UTC [1] LOG:  x", "2025-03-14T02:51:09.123Z", 27),
    ("2025-03-14T02:51:09.123Z  INFO", "2025-03-14T02:51:09.123Z", 24),
    ("2025-03-14 02:51:09 TEXT", "2025-03-14T02:51:09Z", 19),
    ("14/Mar/2025:09:54:51 +0000] x", "2025-03-14T09:54:51Z", 26),
    ("Mar 14 02:51:09 host x", "2025-03-14T02:51:09Z", 15),
    ("Fri Mar 14 02:51:09.123456 2025] [x]", "2025-03-14T02:51:09.123456Z", 31),
    ("11 Jun 2025 23:38:16.058 * x", "2025-06-11T23:38:16.058Z", 24),
    ("17/06/09 20:10:40 INFO x", "2017-06-09T20:10:40Z", 17),
    ("03-17 16:13:38.811  1702 D x", "2025-03-17T16:13:38.811Z", 18),
    ("1741920669.123456 x", "2025-03-14T02:51:09.123456Z", 17),
]


@pytest.mark.parametrize(("line", "expected", "end"), DETECT_CASES)
def test_detect_finds_shape_and_end(line: str, expected: str, end: int) -> None:
    found = Clock(year=2025).detect(line)
    assert found is not None
    assert found[0] == pytest.approx(at(expected), abs=1e-6)
    assert found[1] == end


@pytest.mark.parametrize("line", ["hello world", "12 apples", "[INFO] x", "", "Mar", "2025-03-14", "123456789 x"])
def test_detect_finds_nothing_in_prose(line: str) -> None:
    assert Clock().detect(line) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1741920669, 1741920669.0), (1741920669123, 1741920669.123), (1741920669123456, 1741920669.123456),
     ("1741920669123456789", 1741920669.123456789), (1741920669.5, 1741920669.5), ("1741920669.5", 1741920669.5),
     (True, None), (0, None), (-5, None), ("abc", None), (None, None), (float("nan"), None), (42, None)],
)  # fmt: skip
def test_epoch_units_by_magnitude(value: object, expected: float | None) -> None:
    result = epoch(value)
    assert result == (pytest.approx(expected) if expected is not None else None)


def test_parse_timestamp_convenience() -> None:
    assert parse_timestamp("[2025-03-14 02:51:09 +0000] [1] x") == at("2025-03-14T02:51:09Z")
    assert parse_timestamp("Mar 14 02:51:09 x", year=2024) == at("2024-03-14T02:51:09Z")
    assert parse_timestamp("nothing") is None


def test_parse_rfc3339_is_unchanged() -> None:
    assert parse_rfc3339("2025-03-14T02:51:09.123456789Z") == pytest.approx(at("2025-03-14T02:51:09.123456789Z"))
    assert parse_rfc3339("2025-03-14 02:51:09", tz=ZoneInfo("Europe/Berlin")) == at("2025-03-14T01:51:09Z")
    assert parse_rfc3339("x") is None


def test_caches_stay_correct_across_seconds_and_minutes() -> None:
    clock = Clock()
    # sparse and dense lines: the minute cache and the second cache must agree with a cold parse
    for offset in range(0, 7200, 7):
        stamp = datetime.fromtimestamp(1741920000 + offset, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
        assert clock.iso(stamp + ".5Z") == 1741920000 + offset + 0.5
        assert Clock().iso(stamp + ".5Z") == 1741920000 + offset + 0.5


def test_caches_are_bounded() -> None:
    clock = Clock()
    for offset in range(0, 20000 * 61, 61):
        clock.iso(datetime.fromtimestamp(1600000000 + offset, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert len(clock._iso_utc) <= 8192 and len(clock._minutes_utc) <= 8192


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_never_raises_on_any_text(text: str) -> None:
    clock = Clock(year=2025)
    for parse in (clock.iso, clock.clf, clock.syslog, clock.klog, clock.asctime, clock.dmy, clock.short_year):
        result = parse(text)
        assert result is None or isinstance(result, float)
    found = clock.detect(text)
    assert found is None or (isinstance(found[0], float) and 0 < found[1] <= len(text))
