"""What `journalctl` prints besides entries, and the zone names of its `short-full` stamps
(`opslens.timeparse.ZONE_ABBREVIATIONS`, less the ambiguous ones, plus a few it lacks).

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

from opslens.timeparse import ZONE_ABBREVIATIONS

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

#: Zone abbreviations that name several zones (IST: India, Ireland, Israel; CST: US Central,
#: China): stamps in them are read in the user's zone. timeparse's table gives each one reading.
AMBIGUOUS_ZONES = frozenset({"IST", "CST"})
#: Zones journalctl prints that timeparse's table lacks, in seconds east of UTC.
_MORE_ZONES = {
    "AWST": 8 * 3600, "ACST": 34200, "NZST": 12 * 3600, "NZDT": 13 * 3600,
    "HST": -10 * 3600, "AKST": -9 * 3600, "AKDT": -8 * 3600,
}  # fmt: skip


def zone_offset(name: str | None) -> int | None:
    """Seconds east of UTC of a stamp's zone text (`UTC`, `CET`, `+0100`, `+01:00`); None when
    there is none, or it is unknown or ambiguous (then the stamp is read in the user's zone)."""
    if not name:
        return None
    if name[0] in "+-":
        digits = name[1:].replace(":", "")
        if len(digits) != 4 or not digits.isdigit():
            return None
        seconds = int(digits[:2]) * 3600 + int(digits[2:]) * 60
        return seconds if name[0] == "+" else -seconds
    if name in AMBIGUOUS_ZONES:
        return None
    offset = ZONE_ABBREVIATIONS.get(name)
    return _MORE_ZONES.get(name) if offset is None else offset


def zone_of(name: str | None, default: tzinfo) -> tzinfo:
    """The zone a stamp's zone text names (see `zone_offset`), else `default`."""
    offset = zone_offset(name)
    return default if offset is None else timezone(timedelta(seconds=offset))


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
