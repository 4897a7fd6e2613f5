"""Timestamp parsing shared by readers. Everything returns epoch seconds (UTC) as float.

Hot paths parse millions of timestamps, so helpers here avoid building datetime objects where
they can and cache the expensive whole-second part: a `Clock` (one per input file, since the
naive-time zone and the year hints are per file) keeps dicts from the whole-second text of a
timestamp (`"2025-03-14T02:51:09"`, `"14/Mar/2025:09:54:51 +0000"`, ...) to its epoch, so
consecutive log lines pay a slice and a dict lookup; only the fraction and the zone are looked
at again.

Shapes understood (at the start of a string):
- ISO 8601 / RFC 3339, `T` or space, `.` or `,` fractions of any length, `Z`, `+hh:mm`,
  `+hhmm`, `+hh`, ` +0000`, ` UTC`/` GMT` and a few zone abbreviations; also `2025/03/14 ...`
- nginx/Apache common log `14/Mar/2025:09:54:51 +0000`
- syslog `Mar 14 02:51:09` (year from the hints)
- Apache error / asctime `Fri Mar 14 02:51:09.123456 2025`
- klog `0314 02:51:09.096230`, Android logcat `03-14 02:51:09.096` (year from the hints)
- log4j 1 / Spark `17/06/09 20:10:40`, old Hadoop `081109 203615`
- day-first `11 Jun 2025 23:38:16.058` (Redis), `14-Mar-2025 02:51:09` (PHP-FPM)
- epoch numbers in seconds, milliseconds, microseconds or nanoseconds (`epoch`)
- whole dates: RFC 2822 / RFC 1123 `Thu, 30 Nov 2017 10:53:56 +0000` (`parse_rfc2822`, also
  with a zone abbreviation or none) and ctime `Fri Mar 14 02:51:09 2025` (`parse_ctime`)

Modules behind this one: `_stateless` (RFC 3339, epoch numbers, month and zone tables, the year
nearest a hint), `_minutes` (the caches and their cache-miss paths), `_clock` (`Clock`),
`_textual` (RFC 2822 and ctime dates); `relative` reads kubectl's relative ages.
"""

from __future__ import annotations

from datetime import UTC, tzinfo

from opslens.timeparse._clock import Clock
from opslens.timeparse._stateless import (
    MONTHS,
    ZONE_ABBREVIATIONS,
    epoch,
    parse_rfc3339,
    year_near,
)
from opslens.timeparse._textual import (
    RFC1123_PATTERN,
    RFC2822_PATTERN,
    parse_ctime,
    parse_rfc2822,
)

__all__ = [
    "MONTHS",
    "RFC1123_PATTERN",
    "RFC2822_PATTERN",
    "ZONE_ABBREVIATIONS",
    "Clock",
    "epoch",
    "parse_ctime",
    "parse_rfc2822",
    "parse_rfc3339",
    "parse_timestamp",
    "year_near",
]

_DEFAULT_CLOCKS: dict[tuple[tzinfo, int | None], Clock] = {}


def parse_timestamp(text: str, tz: tzinfo = UTC, year: int | None = None) -> float | None:
    """Epoch seconds of a timestamp of any shape `Clock.detect` knows at the start of `text`
    (or an epoch number); naive times in `tz`, year-less ones in `year`. None if there is none."""
    clock = _DEFAULT_CLOCKS.get((tz, year))
    if clock is None:
        if len(_DEFAULT_CLOCKS) > 64:
            _DEFAULT_CLOCKS.clear()
        clock = _DEFAULT_CLOCKS[(tz, year)] = Clock(tz, year)
    found = clock.detect(text.lstrip("["))
    return found[0] if found else None
