"""Whole dates written with a month name: RFC 2822 / RFC 1123 and ctime.

- RFC 2822 (mail, HTTP, `git log --date=rfc`) and RFC 1123 (what `kubectl describe` prints
  through Go's `time.RFC1123Z`): `[Fri, ]14 Mar 2025 02:51:09 +0000`, or a zone abbreviation
  (`GMT`, `CET`) instead of the offset, or no zone at all.
- ctime / asctime (`dmesg -T`, git's default date, `openssl x509 -enddate`):
  `[Fri ]Mar 14 02:51:09[.123] 2025[ +0000| GMT]`.

A date without a zone, or with an abbreviation `ZONE_ABBREVIATIONS` does not know, is wall-clock
time in the caller's `tz`. The month is matched by its English name, never through the locale
(`strptime("%b")` fails under a non-English `LC_TIME`). Everything returns epoch seconds or None.
"""

from __future__ import annotations

import re
from datetime import UTC, tzinfo

from opslens.timeparse._clock import Clock
from opslens.timeparse._stateless import MONTHS, ZONE_ABBREVIATIONS

_ZONE = r"[+-]\d{4}|[A-Z]{1,5}\b"
_WEEKDAY = r"[A-Z][a-z]{2}, +"
_DATE = rf"\d{{1,2}} [A-Z][a-z]{{2}} \d{{4}} \d{{1,2}}:\d{{2}}:\d{{2}}(?: (?:{_ZONE}))?"
#: An RFC 2822 date as regex text without groups, to embed in bigger patterns (weekday optional).
RFC2822_PATTERN = rf"(?:{_WEEKDAY})?{_DATE}"
#: The same with the weekday required, as Go's `time.RFC1123Z` (kubectl describe) prints it.
RFC1123_PATTERN = rf"{_WEEKDAY}{_DATE}"
_RFC2822 = re.compile(
    rf"(?:{_WEEKDAY})?(\d{{1,2}}) ([A-Z][a-z]{{2}}) (\d{{4}}) (\d{{1,2}}:\d{{2}}:\d{{2}})(?: ({_ZONE}))?"
)
_CTIME = re.compile(
    r"(?:[A-Z][a-z]{2} +)?([A-Z][a-z]{2}) +(\d{1,2}) (\d{1,2}:\d{2}:\d{2})(\.\d+)? (\d{4})"
    rf"(?: ({_ZONE}))?"
)
#: Years before this are Go's zero time (`Mon, 01 Jan 0001`) or epoch 0: "not set", not a date.
_FIRST_YEAR = 1971
_CLOCKS: dict[tzinfo, Clock] = {UTC: Clock(UTC)}


def parse_rfc2822(text: str, tz: tzinfo = UTC, anywhere: bool = False) -> float | None:
    """Epoch of an RFC 2822 / RFC 1123 date at the start of `text` (anywhere in it with
    `anywhere`): `Thu, 30 Nov 2017 10:53:56 +0000`, `14 Mar 2025 02:51:09 GMT`; naive in `tz`.
    None for other text, impossible dates and years before 1971 (Go's zero time)."""
    m = _RFC2822.search(text) if anywhere else _RFC2822.match(text)
    if not m:
        return None
    day, month, year, clock_time, zone = m.groups()
    return _epoch(day, month, year, clock_time, None, zone, tz)


def parse_ctime(text: str, tz: tzinfo = UTC) -> float | None:
    """Epoch of a ctime date at the start of `text`: `[Fri ]Mar 14 02:51:09[.123] 2025`, with
    an optional `+0000` offset or zone abbreviation (openssl's `GMT`); naive in `tz`."""
    m = _CTIME.match(text)
    if not m:
        return None
    month, day, clock_time, fraction, year, zone = m.groups()
    return _epoch(day, month, year, clock_time, fraction, zone, tz)


def _epoch(
    day: str, month: str, year: str, clock_time: str, fraction: str | None, zone: str | None,
    tz: tzinfo,
) -> float | None:  # fmt: skip
    if month not in MONTHS or int(year) < _FIRST_YEAR:
        return None
    if zone is not None and zone[0] in "+-":
        offset: int | None = (int(zone[1:3]) * 3600 + int(zone[3:5]) * 60) * (1 if zone[0] == "+" else -1)
    else:
        offset = ZONE_ABBREVIATIONS.get(zone) if zone is not None else None
    clock = _CLOCKS[UTC] if offset is not None else _clock(tz)
    # Clock.dmy caches the whole second and rejects impossible dates (30 Feb, 25:00)
    epoch = clock.dmy(f"{int(day):02d} {month} {year} {clock_time.zfill(8)}{fraction or ''}")
    return None if epoch is None else epoch - (offset or 0)


def _clock(tz: tzinfo) -> Clock:
    clock = _CLOCKS.get(tz)
    if clock is None:
        if len(_CLOCKS) > 64:  # zones come from the user's settings: a handful per run
            _CLOCKS.clear()
            _CLOCKS[UTC] = Clock(UTC)
        clock = _CLOCKS[tz] = Clock(tz)
    return clock
