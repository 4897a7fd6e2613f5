"""Month-name timestamps of line formats: RFC 3164 syslog, `dmesg -T`, git's date styles.

These complement `opslens.timeparse` (ISO 8601 / RFC 3339) and are candidates to move there.
Everything returns epoch seconds (UTC) as float; wall-clock times without an offset are taken in
the reader's `ctx.tz`. Hot paths (syslog) go through `civil_epoch`, which caches per hour.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from functools import lru_cache

MONTHS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
    "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip

# `Fri Mar 14 02:51:09 2025` (ctime, dmesg -T) and git's default `Fri Mar 14 02:51:09 2025 +0000`.
_CTIME = re.compile(
    r"(?:[A-Z][a-z]{2} +)?([A-Z][a-z]{2}) +(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))? (\d{4})(?: ([+-]\d{4}))?"
)
# RFC 2822 (`git log --date=rfc`): `Fri, 14 Mar 2025 02:51:09 +0000`.
_RFC2822 = re.compile(
    r"(?:[A-Z][a-z]{2}, +)?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ([+-]\d{4})"
)


@lru_cache(maxsize=8192)
def _hour_start(year: int, month: int, day: int, hour: int, tz: tzinfo) -> float | None:
    # Offsets change at most on the hour (bar a few historic zones), so one datetime per hour.
    try:
        return datetime(year, month, day, hour, tzinfo=tz).timestamp()
    except (ValueError, OverflowError):
        return None


def civil_epoch(
    year: int, month: int, day: int, hour: int, minute: int, second: float, tz: tzinfo = UTC
) -> float | None:
    """Epoch seconds of a wall-clock time in `tz`; None when it is not a valid date."""
    if not (0 <= minute < 60 and 0 <= second < 61):
        return None
    base = _hour_start(year, month, day, hour, tz)
    return None if base is None else base + minute * 60 + second


def _offset_seconds(zone: str) -> int:
    sign = 1 if zone[0] == "+" else -1
    return sign * (int(zone[1:3]) * 3600 + int(zone[3:5]) * 60)


def parse_ctime(text: str, tz: tzinfo = UTC) -> float | None:
    """`[Fri ]Mar 14 02:51:09 2025[ +0000]` at the start of `text` (dmesg -T, git default)."""
    m = _CTIME.match(text)
    if not m or m.group(1) not in MONTHS:
        return None
    mon, day, hh, mm, ss, frac, year, zone = m.groups()
    second = int(ss) + (int(frac[:6]) / 10 ** len(frac[:6]) if frac else 0.0)
    if zone:
        epoch = civil_epoch(int(year), MONTHS[mon], int(day), int(hh), int(mm), second, UTC)
        return None if epoch is None else epoch - _offset_seconds(zone)
    return civil_epoch(int(year), MONTHS[mon], int(day), int(hh), int(mm), second, tz)


def parse_rfc2822(text: str) -> float | None:
    """`[Fri, ]14 Mar 2025 02:51:09 +0000` at the start of `text` (git --date=rfc)."""
    m = _RFC2822.match(text)
    if not m or m.group(2) not in MONTHS:
        return None
    day, mon, year, hh, mm, ss, zone = m.groups()
    epoch = civil_epoch(int(year), MONTHS[mon], int(day), int(hh), int(mm), int(ss), UTC)
    return None if epoch is None else epoch - _offset_seconds(zone)


class YearlessClock:
    """Epochs for timestamps without a year (RFC 3164 syslog, `journalctl` short output).

    The year starts at `year_hint` (the pipeline derives it from the other sources) or, without
    one, the current year, or the previous one when that would put the first line in the future.
    It moves on by one when the month jumps back by half a year or more (Dec -> Jan rollover).
    """

    def __init__(self, year_hint: int | None, tz: tzinfo = UTC) -> None:
        self.year = year_hint
        self.tz = tz
        self._month: int | None = None

    def epoch(self, month: int, day: int, hour: int, minute: int, second: float) -> float | None:
        """Epoch seconds of a month/day/time in the file's running year."""
        if self.year is None:
            self.year = self._guess_year(month, day, hour)
        elif self._month is not None and self._month - month >= 6:
            self.year += 1
        self._month = month
        return civil_epoch(self.year, month, day, hour, minute, second, self.tz)

    def _guess_year(self, month: int, day: int, hour: int) -> int:
        now = datetime.now(self.tz)
        first = civil_epoch(now.year, month, day, hour, 0, 0, self.tz)
        return now.year - 1 if first is not None and first > now.timestamp() + 86400 else now.year
