"""Parsing of time options shared by the CLI and the server (--since, --until, --tz)."""

from __future__ import annotations

import re
import time
from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from opslens.errors import ConfigError
from opslens.timeparse import parse_rfc3339
from opslens.timeparse.relative import parse_age

# What people type but kubectl does not print (`30 min`, `5sec`, `2 h ago`): written the way
# `parse_age` reads ages (`30m`, `5s`, `2h ago`). The unit must follow the number to count.
_SPELLED_UNIT = re.compile(r"(?<=\d)\s*(min|sec|ms|[ydhms])(?![a-z])")
_UNIT_LETTERS = {"min": "m", "sec": "s"}


def parse_tz(name: str) -> tzinfo:
    """A time zone by IANA name (UTC by default)."""
    if name.upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"--tz: unknown time zone {name!r} (use an IANA name such as Europe/Berlin)") from exc


def parse_duration(value: str) -> float | None:
    """Seconds in a duration meaning "ago" (`2h`, `90m`, `1h30m`, `30 min`, `5sec ago`, `2D`),
    as `opslens.timeparse.relative.parse_age` reads ages; None for anything else."""
    text = value.strip().lower()
    text = text.removesuffix("ago")  # also when glued to the unit (`2hago`)
    return parse_age(_SPELLED_UNIT.sub(lambda m: _UNIT_LETTERS.get(m[1], m[1]), text))


def parse_time(value: str | None, tz: tzinfo, flag: str) -> float | None:
    """Epoch seconds from ISO 8601 / RFC 3339, epoch seconds, or a duration meaning "ago"."""
    if value is None:
        return None
    if (seconds := parse_duration(value)) is not None:
        return time.time() - seconds
    parsed = parse_rfc3339(value.strip(), tz)
    if parsed is not None:
        return parsed
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{flag}: cannot read {value!r} as a time (use e.g. 2025-03-14T10:00:00Z or 2h)") from None
