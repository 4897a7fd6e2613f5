"""Timestamp parsing shared by readers. Everything returns epoch seconds (UTC) as float.

Hot paths parse millions of timestamps, so helpers here avoid building datetime objects where
they can and cache the expensive whole-second part.
"""

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
