"""Parsing of time-related command-line options (--since, --until, --tz)."""

from __future__ import annotations

import re
import time
from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from opslens.errors import ConfigError
from opslens.timeparse import parse_rfc3339

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)\s*(?:ago)?\s*$", re.I)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_tz(name: str) -> tzinfo:
    """A time zone by IANA name (UTC by default)."""
    if name.upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"--tz: unknown time zone {name!r} (use an IANA name such as Europe/Berlin)") from exc


def parse_time(value: str | None, tz: tzinfo, flag: str) -> float | None:
    """Epoch seconds from ISO 8601 / RFC 3339, epoch seconds, or a duration meaning "ago"."""
    if value is None:
        return None
    if m := _DURATION.match(value):
        return time.time() - float(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()]
    parsed = parse_rfc3339(value.strip(), tz)
    if parsed is not None:
        return parsed
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{flag}: cannot read {value!r} as a time (use e.g. 2025-03-14T10:00:00Z or 2h)") from None
