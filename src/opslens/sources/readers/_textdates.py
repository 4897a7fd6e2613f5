"""Month-name timestamps of the structured line formats, on top of `opslens.timeparse.Clock`.

What `timeparse` lacks and these readers need: the year rollover of year-less syslog files,
git's default date (asctime plus a numeric offset) and RFC 2822 (`git log --date=rfc`).
Everything returns epoch seconds (UTC) as float.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

from opslens.timeparse import MONTHS, Clock, year_near

# `[Fri ]Mar 14 02:51:09[.123] 2025[ +0000]`: ctime (dmesg -T) and git's default date.
_CTIME = re.compile(
    r"(?:[A-Z][a-z]{2} +)?([A-Z][a-z]{2}) +(\d{1,2}) (\d{1,2}:\d{2}:\d{2})(\.\d+)? (\d{4})(?: ([+-])(\d{2})(\d{2}))?"
)
# RFC 2822 (`git log --date=rfc`): `[Fri, ]14 Mar 2025 02:51:09 +0000`.
_RFC2822 = re.compile(
    r"(?:[A-Z][a-z]{2}, +)?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{1,2}:\d{2}:\d{2}) ([+-])(\d{2})(\d{2})"
)
_UTC_CLOCK = Clock(UTC)


def _offset(sign: str, hours: str, minutes: str) -> int:
    return (int(hours) * 3600 + int(minutes) * 60) * (1 if sign == "+" else -1)


def _dmy(
    clock: Clock, day: str, month: str, year: str, clock_time: str, fraction: str | None
) -> float | None:
    """Via `Clock.dmy` (`14 Mar 2025 02:51:09.123`), which caches the whole-second part."""
    if month not in MONTHS:
        return None
    return clock.dmy(f"{int(day):02d} {month} {year} {clock_time.zfill(8)}{fraction or ''}")


def parse_ctime(text: str, tz: tzinfo = UTC) -> float | None:
    """`[Fri ]Mar 14 02:51:09 2025[ +0000]` at the start of `text` (dmesg -T, git's default).

    Without an offset the time is wall-clock time in `tz`.
    """
    m = _CTIME.match(text)
    if not m:
        return None
    month, day, clock_time, fraction, year, sign, hours, minutes = m.groups()
    if sign is None:
        return _dmy(
            Clock(tz) if tz is not UTC else _UTC_CLOCK, day, month, year, clock_time, fraction
        )
    epoch = _dmy(_UTC_CLOCK, day, month, year, clock_time, fraction)
    return None if epoch is None else epoch - _offset(sign, hours, minutes)


def parse_rfc2822(text: str) -> float | None:
    """`[Fri, ]14 Mar 2025 02:51:09 +0000` at the start of `text` (git --date=rfc)."""
    m = _RFC2822.match(text)
    if not m:
        return None
    day, month, year, clock_time, sign, hours, minutes = m.groups()
    epoch = _dmy(_UTC_CLOCK, day, month, year, clock_time, None)
    return None if epoch is None else epoch - _offset(sign, hours, minutes)


class YearlessClock:
    """Epochs for RFC 3164 stamps (`Mar 14 02:51:09[.123]`), which have no year.

    The pipeline derives the hints from the other sources. The year of the first line is the
    one nearest `time_hint` (a December line with a January hint is from the previous year),
    else `year_hint`, else the current year, or the previous one when that would put the
    first line in the future. It moves on by one when the month jumps back by half a year or
    more (Dec -> Jan).
    """

    def __init__(
        self, year_hint: int | None, tz: tzinfo = UTC, time_hint: float | None = None
    ) -> None:
        self.year = year_hint
        self.tz = tz
        self.time_hint = time_hint
        self._clock: Clock | None = None
        self._month = 0

    def epoch(self, stamp: str, month: int) -> float | None:
        """Epoch of `stamp` (`Mon dd HH:MM:SS[.frac]`, day space-padded), `month` its month."""
        if self._clock is None:
            if self.time_hint is not None:
                self.year = year_near(month, self.time_hint, self.tz)
            elif self.year is None:
                self.year = self._guess_year(stamp)
            self._clock = Clock(self.tz, self.year)
        elif self._month - month >= 6 and self.year is not None:
            self.year += 1
            self._clock = Clock(self.tz, self.year)
        self._month = month
        return self._clock.syslog(stamp)

    def _guess_year(self, stamp: str) -> int:
        now = datetime.now(self.tz)
        first = Clock(self.tz, now.year).syslog(stamp)
        return now.year - 1 if first is not None and first > now.timestamp() + 86400 else now.year
