"""What `journalctl` prints besides entries, and the zone names of its `short-full` stamps.

journalctl writes informational lines of its own between the entries (unless `-q`):
`-- Logs begin at Mon 2024-03-04 08:00:01 UTC, end at Mon 2024-03-04 10:15:00 UTC. --`
(systemd before v246), `-- Journal begins at ..., ends at .... --` (later), `-- Boot <id> --`,
`-- Reboot --`, `-- No entries --`. None of them is an entry; the first two date the whole
journal, which is what gives year-less `short` stamps their year.

`systemctl status` pastes start with a block about the unit (`● kubelet.service - ...`, then
indented `Loaded:`, `Active: failed (Result: exit-code) since Tue 2023-01-03 09:14:07 UTC; 4s
ago`, `Main PID: ...`) before the journal's short lines; its `since` dates the block and gives
those lines their year.

Not a reader: the leading underscore keeps the package's auto-import from treating it as one.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo

#: The lines journalctl adds to its output (never log entries).
MARKER = re.compile(
    r"-- (?:Logs begin|Logs end|Journal begins|Journal ends|Boot\b|Reboot|No entries|Journal follows)"
)
_RANGE = re.compile(
    r"-- (?:Logs begin|Journal begins) at (.+?)(?:, (?:end|ends) at (.+?))?\.? --\s*$"
)
_STAMP = re.compile(
    r"(?:[A-Z][a-z]{2},? )?(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.\d{1,9})?"
    r" ?(Z|[+-]\d\d:?\d\d|[A-Z]{2,5})?"
)

#: The first line of `systemctl status` (`●` active, `○` inactive, `×` failed, `*` without UTF-8).
STATUS_HEAD = re.compile(r"[●○×*↻] ([\w@.:\\-]+) - ")
_ACTIVE = re.compile(r"\s+Active: (.*?)(?: since (.+?);.*)?$")

#: Zone abbreviations journalctl prints (`short-full`, the range header) that mean one offset.
#: Ambiguous ones (IST, CST) are left out: such stamps are read in the user's zone.
ZONE_HOURS: dict[str, float] = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2,
    "EET": 2, "EEST": 3, "MSK": 3, "HKT": 8, "SGT": 8, "AWST": 8, "JST": 9, "KST": 9,
    "ACST": 9.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13, "HST": -10, "AKST": -9,
    "AKDT": -8, "PST": -8, "PDT": -7, "MST": -7, "MDT": -6, "EST": -5, "EDT": -4,
}  # fmt: skip


def zone_of(name: str | None, default: tzinfo) -> tzinfo:
    """The zone a stamp's zone text names (`UTC`, `CET`, `+0100`, `+01:00`), else `default`."""
    if not name:
        return default
    if name[0] in "+-":
        digits = name[1:].replace(":", "")
        if len(digits) != 4 or not digits.isdigit():
            return default
        minutes = int(digits[:2]) * 60 + int(digits[2:])
        return timezone(timedelta(minutes=minutes if name[0] == "+" else -minutes))
    hours = ZONE_HOURS.get(name)
    return default if hours is None else timezone(timedelta(hours=hours))


def parse_stamp(text: str, tz: tzinfo) -> float | None:
    """Epoch of `[Mon ]2024-03-04 08:00:01[.123][ UTC|+0000]` at the start of `text`."""
    m = _STAMP.match(text)
    if m is None:
        return None
    year, month, day, hh, mm, ss = (int(g) for g in m.groups()[:6])
    try:
        return datetime(
            year, month, day, hh, mm, min(ss, 59), tzinfo=zone_of(m.group(7), tz)
        ).timestamp()
    except (ValueError, OverflowError):
        return None


def journal_range(line: str, tz: tzinfo) -> tuple[float | None, float | None] | None:
    """(begin, end) epochs of a `-- Logs begin at ..., end at ... --` header, else None."""
    m = _RANGE.match(line)
    if m is None:
        return None
    begin = parse_stamp(m.group(1), tz)
    end = parse_stamp(m.group(2), tz) if m.group(2) else None
    return (begin, end) if begin is not None or end is not None else None


def status_active(line: str, tz: tzinfo) -> tuple[str, float | None] | None:
    """(state, epoch of `since` or None) of a `systemctl status` `Active:` line, else None."""
    m = _ACTIVE.match(line)
    if m is None:
        return None
    return m.group(1), parse_stamp(m.group(2), tz) if m.group(2) else None
