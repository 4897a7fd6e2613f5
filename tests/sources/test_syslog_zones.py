"""Zones of `journalctl -o short-full` stamps: the same readings as every other reader
(`timeparse.ZONE_ABBREVIATIONS`), except the abbreviations that name several zones, which are
read in the user's zone; a few zones journalctl prints that the shared table lacks."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from structured_helpers import at, read_text

from opslens.sources.readers._syslog_journal import AMBIGUOUS_ZONES, parse_stamp
from opslens.sources.readers.syslog import SyslogReader
from opslens.timeparse import ZONE_ABBREVIATIONS, Clock

BERLIN = ZoneInfo("Europe/Berlin")
LISTED = sorted(z for z in ZONE_ABBREVIATIONS if 2 <= len(z) <= 5 and z not in AMBIGUOUS_ZONES)


def _time(line: str, tz: ZoneInfo | None = None) -> float | None:
    events = read_text(SyslogReader, line + "\n", tz=tz or UTC).events
    assert len(events) == 1
    return events[0].time


@pytest.mark.parametrize("zone", LISTED)
def test_a_listed_zone_reads_as_every_other_reader_reads_it(zone: str) -> None:
    stamp = "2025-03-14 02:51:09.250"
    expected = Clock(BERLIN).iso(f"{stamp} {zone}")
    assert expected is not None
    assert _time(f"Fri {stamp} {zone} worker-1 kubelet[1187]: sync", BERLIN) == expected
    assert parse_stamp(f"Fri {stamp} {zone}", BERLIN) == int(expected)  # the journal header's stamps too


@pytest.mark.parametrize("zone", sorted(AMBIGUOUS_ZONES))
def test_an_ambiguous_zone_is_the_users(zone: str) -> None:
    line = f"Fri 2025-03-14 02:51:09 {zone} worker-1 kubelet[1187]: sync"
    assert _time(line, BERLIN) == datetime(2025, 3, 14, 2, 51, 9, tzinfo=BERLIN).timestamp()


@pytest.mark.parametrize(
    ("zone", "iso"),
    [("NZDT", "2025-03-14T02:51:09+13:00"), ("AWST", "2025-03-14T02:51:09+08:00"), ("ACST", "2025-03-14T02:51:09+09:30"),
     ("HST", "2025-03-14T02:51:09-10:00"), ("AKDT", "2025-03-14T02:51:09-08:00"), ("+0530", "2025-03-14T02:51:09+05:30"),
     ("-0800", "2025-03-14T02:51:09-08:00")],
)  # fmt: skip
def test_zones_beyond_the_shared_table_and_numeric_offsets(zone: str, iso: str) -> None:
    assert _time(f"Fri 2025-03-14 02:51:09 {zone} worker-1 kubelet[1187]: sync", BERLIN) == at(iso)


def test_an_unknown_zone_on_a_day_clocks_change_is_read_in_the_users_zone() -> None:
    # 02:30 does not exist in Berlin on 2025-03-30; read as Python reads wall time there
    expected = datetime(2025, 3, 30, 2, 30, tzinfo=BERLIN).timestamp()
    assert _time("Sun 2025-03-30 02:30:00 XYZ worker-1 kubelet[1187]: sync", BERLIN) == expected


def test_a_file_of_short_full_lines_keeps_fractions_and_order() -> None:
    text = "".join(f"Fri 2025-03-14 02:51:{s:02d}.{s:06d} UTC worker-1 kubelet[1187]: sync {s}\n" for s in range(60))
    events = read_text(SyslogReader, text).events
    assert [e.time for e in events] == [at("2025-03-14T02:51:00Z") + s + s / 1e6 for s in range(60)]
