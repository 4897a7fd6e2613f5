"""The parts of timestamp parsing that need no cache: RFC 3339 strings, epoch numbers, the
month and zone-abbreviation tables, and the year a year-less stamp most likely has."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, tzinfo

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s?(Z|z|[+-]\d{2}:?\d{2})?"
)


def parse_rfc3339(text: str, tz: tzinfo = UTC) -> float | None:
    """Epoch seconds of an ISO 8601 / RFC 3339 timestamp at the start of `text`.

    Accepts `T` or space, any number of fraction digits (nanoseconds included), `Z` or a
    numeric offset; a naive timestamp is taken in `tz`. None when `text` does not start with one.
    """
    m = _RFC3339.match(text)
    if not m:
        return None
    year, month, day, hour, minute, second, frac, zone = m.groups()
    try:
        if zone is None and tz is not UTC:
            base = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=tz).timestamp()
        else:
            base = calendar.timegm((int(year), int(month), int(day), int(hour), int(minute), int(second), 0, 0, 0))
            if zone and zone not in ("Z", "z"):
                sign = 1 if zone[0] == "+" else -1
                digits = zone[1:].replace(":", "")
                base -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    except ValueError:
        return None
    if frac:
        base += int(frac[:9]) / 10 ** len(frac[:9])
    return float(base)


MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
MONTHS.update({k.upper(): v for k, v in MONTHS.items()})

#: Zone abbreviations seen after log timestamps (Postgres `%m`, Java `z`); others are ignored.
ZONE_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0,
    "CET": 3600, "CEST": 7200, "WET": 0, "WEST": 3600, "EET": 7200, "EEST": 10800, "BST": 3600,
    "EST": -18000, "EDT": -14400, "CST": -21600, "CDT": -18000, "MST": -25200, "MDT": -21600,
    "PST": -28800, "PDT": -25200, "JST": 32400, "KST": 32400, "IST": 19800, "MSK": 10800,
    "AEST": 36000, "AEDT": 39600, "HKT": 28800, "SGT": 28800,
}  # fmt: skip


def epoch(value: object) -> float | None:
    """Epoch seconds from a number (or digit string) in s, ms, µs or ns, chosen by magnitude.

    JSON log fields (`ts`, `time`, Loki's nanosecond strings) use all four units; real log
    times are after 1973 in seconds, so the magnitude tells the unit. None for anything else.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value) if "." in value else int(value)
        except ValueError:
            return None
    if not isinstance(value, int | float) or value != value or value <= 0:
        return None
    if value >= 1e17:
        return value / 1e9
    if value >= 1e14:
        return value / 1e6
    if value >= 1e11:
        return value / 1e3
    if value >= 1e8:
        return float(value)
    return None


def year_near(month: int, time_hint: float, tz: tzinfo = UTC) -> int:
    """The year of a year-less stamp in `month`, given `time_hint` (epoch) near which it lies.

    The stamp is put in the year that brings its month nearest the hint's month (in `tz`), a
    tie going to the earlier year because the hint is the latest time seen elsewhere: a
    December line with a January hint is from the previous year, a January line with a
    December hint from the next one.
    """
    hint = datetime.fromtimestamp(time_hint, tz)
    ahead = month - hint.month  # months the stamp's month lies after the hint's, in its year
    if ahead >= 6:
        return hint.year - 1
    if ahead < -6:
        return hint.year + 1
    return hint.year
