"""Syslog reader: RFC 3164 (year inference, rollover), RFC 5424, rsyslog/journalctl ISO forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from structured_helpers import at, chosen, fixture_text, read_fixture, read_text

from opslens.errors import InputError
from opslens.events import EventKind, Severity
from opslens.sources.readers.syslog import SyslogReader


@pytest.mark.parametrize(
    ("name", "count"), [("syslog-rfc3164.log", 8), ("syslog-rfc5424.log", 3), ("syslog-iso.log", 3)]
)
def test_fixture_is_sniffed_and_read_completely(name: str, count: int) -> None:
    assert chosen(fixture_text(name), name) == "syslog"
    result = read_fixture(SyslogReader, name, year_hint=2024)
    assert len(result.events) == count
    assert result.skips == []
    assert all(e.kind is EventKind.LOG and e.source == "syslog" for e in result.events)


def test_needs_year() -> None:
    assert SyslogReader.needs_year is True


def test_rfc3164_fields_and_raw_line() -> None:
    kubelet = read_fixture(SyslogReader, "syslog-rfc3164.log", year_hint=2024).events[0]
    assert kubelet.time == at("2024-12-31T23:59:58Z")
    assert kubelet.host == "worker-1"
    assert kubelet.attrs == {"ident": "kubelet", "pid": "1187"}
    assert kubelet.message.startswith(
        'E1231 23:59:58.000100    1187 pod_workers.go:1298] "Error syncing pod'
    )
    assert kubelet.raw == fixture_text("syslog-rfc3164.log").splitlines()[0]
    assert kubelet.severity is Severity.UNKNOWN  # no PRI: no level of its own


def test_year_rolls_over_from_december_to_january() -> None:
    events = read_fixture(SyslogReader, "syslog-rfc3164.log", year_hint=2024).events
    assert events[1].time == at("2024-12-31T23:59:59Z")
    assert events[2].time == at("2025-01-01T00:00:01Z")
    times = [e.time for e in events]
    assert times == sorted(times)


def test_pri_gives_severity_and_facility() -> None:
    backup = read_fixture(SyslogReader, "syslog-rfc3164.log", year_hint=2024).events[2]
    assert backup.severity is Severity.ERROR  # <11> = user.err
    assert (backup.attrs or {})["facility"] == "user"


def test_kernel_lines_keep_the_monotonic_stamp_and_continuations() -> None:
    events = read_fixture(SyslogReader, "syslog-rfc3164.log", year_hint=2024).events
    oom, stats = events[3], events[4]
    assert (oom.attrs or {})["monotonic"] == pytest.approx(501234.56789)
    assert oom.message.startswith("[501234.567890] cart invoked oom-killer")
    assert (stats.attrs or {})["continuation"] == ["anon 524288000", "file 1048576"]
    assert stats.raw.count("\n") == 2
    assert events[5].origin.line == 8


def test_lines_without_a_tag() -> None:
    events = read_fixture(SyslogReader, "syslog-rfc3164.log", year_hint=2024).events
    assert events[6].message == "last message repeated 3 times"
    assert (events[6].attrs or {})["ident"] is None
    assert (events[7].attrs or {})["ident"] == "postfix/smtpd"


def test_rfc5424_fields() -> None:
    nginx, dockerd, nil = read_fixture(SyslogReader, "syslog-rfc5424.log").events
    assert nginx.time == pytest.approx(at("2025-03-14T02:51:09.123Z"))
    assert nginx.severity is Severity.NOTICE and (nginx.attrs or {})["facility"] == "local4"
    assert nginx.host == "worker-1.example.test"
    assert (
        nginx.message
        == "upstream timed out (110: Connection timed out) while reading response header"
    )
    assert (nginx.attrs or {})["msgid"] == "ID47"
    assert (nginx.attrs or {})["structured_data"].startswith("[exampleSDID@32473")
    assert dockerd.time == at("2025-03-14T01:51:10Z")
    assert (dockerd.attrs or {})["pid"] is None
    assert nil.time is None and nil.host is None
    assert nil.message == "disk quota exceeded"  # escaped `]` inside SD, BOM dropped


def test_iso_forms() -> None:
    containerd, kubelet, sshd = read_fixture(SyslogReader, "syslog-iso.log").events
    assert containerd.time == pytest.approx(at("2025-03-14T02:51:09.123456Z"))
    assert (containerd.attrs or {})["ident"] == "containerd"
    assert sshd.time == at("2025-03-14T02:51:11Z")


def test_journalctl_short_output_with_boot_markers() -> None:
    text = (
        "-- Boot 0a1b2c3d4e5f60718293a4b5c6d7e8f9 --\n"
        "Mar 14 02:51:09 worker-1 kubelet[1187]: started\n"
        "-- No entries --\n"
    )
    result = read_text(SyslogReader, text, year_hint=2025)
    assert [e.message for e in result.events] == ["started"]
    assert result.skips == []


def test_journalctl_short_full() -> None:
    text = "Fri 2025-03-14 02:51:09 UTC worker-1 kubelet[1187]: started\n"
    (event,) = read_text(SyslogReader, text).events
    assert event.time == at("2025-03-14T02:51:09Z") and event.host == "worker-1"


def test_missing_host_is_tolerated() -> None:
    (event,) = read_text(
        SyslogReader, "Mar 14 02:51:09 sshd[42]: Connection closed\n", year_hint=2025
    ).events
    assert event.host is None and (event.attrs or {})["ident"] == "sshd"


def test_without_hint_the_year_is_never_in_the_future() -> None:
    now = datetime.now(UTC)
    soon = now + timedelta(days=3)
    text = f"{soon:%b} {soon.day:2d} 12:00:00 h app: three days ahead means last year\n"
    (event,) = read_text(SyslogReader, text).events
    assert event.time is not None and event.time < now.timestamp()


NEW_YEAR = (
    "Dec 31 23:58:00 node-1 kubelet[1187]: before midnight\n"
    "Jan  1 00:01:00 node-1 kubelet[1187]: after midnight\n"
    "Jan  2 02:00:00 node-1 kubelet[1187]: next day\n"
)


def test_a_december_line_with_a_january_time_hint_is_from_the_previous_year() -> None:
    result = read_text(SyslogReader, NEW_YEAR, year_hint=2025, time_hint=at("2025-01-02T03:00:00Z"))
    assert [e.time for e in result.events] == [
        at("2024-12-31T23:58:00Z"),
        at("2025-01-01T00:01:00Z"),
        at("2025-01-02T02:00:00Z"),
    ]


def test_a_january_line_with_a_december_time_hint_is_from_the_next_year() -> None:
    text = "Jan  1 00:01:00 node-1 kubelet[1187]: after midnight\n"
    hint = at("2024-12-31T23:00:00Z")
    (event,) = read_text(SyslogReader, text, year_hint=2024, time_hint=hint).events
    assert event.time == at("2025-01-01T00:01:00Z")


def test_the_year_hint_alone_still_dates_lines() -> None:
    result = read_text(SyslogReader, NEW_YEAR, year_hint=2024)
    assert result.events[0].time == at("2024-12-31T23:58:00Z")
    assert result.events[2].time == at("2025-01-02T02:00:00Z")  # rollover


def test_naive_timestamps_use_the_context_zone() -> None:
    from zoneinfo import ZoneInfo

    (event,) = read_text(
        SyslogReader, "Mar 14 02:51:09 h app: x\n", year_hint=2025, tz=ZoneInfo("Europe/Berlin")
    ).events
    assert event.time == at("2025-03-14T01:51:09Z")


def test_text_that_is_not_syslog_is_an_input_error() -> None:
    with pytest.raises(InputError):
        read_text(SyslogReader, "just some text\nand more\n")


@pytest.mark.parametrize(
    "head",
    [
        '{"MESSAGE": "x"}\n',
        "2025-03-14T02:51:09Z INFO main: started\n2025-03-14T02:51:10Z ERROR main: failed\n",
        "2025-03-14 02:51:09,123 - app - INFO - started\n",
        'I0314 02:51:09.123400    1187 kubelet.go:2458] "SyncLoop"\n',
        "[12345.678901] usb 1-1: new high-speed USB device\n",
    ],
)
def test_sniff_rejects_other_line_formats(head: str) -> None:
    assert SyslogReader.sniff(head * 5, "x.log") == 0.0


def test_continuations_are_capped() -> None:
    from opslens.sources.readers.syslog import MAX_CONTINUATION_LINES

    text = "Mar 14 02:51:09 h app: start\n" + "junk\n" * (MAX_CONTINUATION_LINES + 3)
    result = read_text(SyslogReader, text, year_hint=2025)
    assert len((result.events[0].attrs or {})["continuation"]) == MAX_CONTINUATION_LINES
    assert len(result.skips) == 3
