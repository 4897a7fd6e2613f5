"""dmesg reader: monotonic stamps, -T, -x, -r and --time-format iso."""

from __future__ import annotations

import pytest
from structured_helpers import at, chosen, fixture_text, read_fixture, read_text

from opslens.errors import InputError
from opslens.events import EventKind, Severity
from opslens.sources.readers.dmesg import DmesgReader


@pytest.mark.parametrize(("name", "count"), [("dmesg.txt", 5), ("dmesg-x-T.txt", 4)])
def test_fixture_is_sniffed_and_read_completely(name: str, count: int) -> None:
    assert chosen(fixture_text(name), name) == "dmesg"
    result = read_fixture(DmesgReader, name)
    assert len(result.events) == count
    assert result.skips == []
    assert all(e.kind is EventKind.LOG and e.source == "dmesg" for e in result.events)


def test_seconds_since_boot_are_kept_but_not_used_as_time() -> None:
    oom = read_fixture(DmesgReader, "dmesg.txt").events[2]
    assert oom.time is None
    assert (oom.attrs or {})["monotonic"] == pytest.approx(501234.56789)
    assert oom.message.startswith("cart invoked oom-killer")
    assert oom.raw.startswith("[501234.567890] ")
    assert oom.severity is Severity.UNKNOWN


def test_decoded_levels_and_human_times() -> None:
    events = read_fixture(DmesgReader, "dmesg-x-T.txt").events
    assert [e.severity for e in events] == [
        Severity.INFO,
        Severity.WARNING,
        Severity.ERROR,
        Severity.CRITICAL,
    ]
    assert events[2].time == at("2025-03-14T02:51:09Z")
    assert events[2].attrs == {"facility": "kern", "level": "err"}
    assert events[2].message == "Memory cgroup out of memory: Killed process 40213 (node)"


@pytest.mark.parametrize(
    ("line", "message", "time", "severity", "monotonic"),
    [
        ("<3>[  12.500000] nvme0: timeout", "nvme0: timeout", None, Severity.ERROR, 12.5),
        (
            "[  12.500000 <    0.000123>] eth0: link up",
            "eth0: link up",
            None,
            Severity.UNKNOWN,
            12.5,
        ),
        (
            "2025-03-14T02:51:09,123456+00:00 eth0: link up",
            "eth0: link up",
            at("2025-03-14T02:51:09.123456Z"),
            Severity.UNKNOWN,
            None,
        ),
        (
            "kern  :notice: [    1.000000] audit: initializing",
            "audit: initializing",
            None,
            Severity.NOTICE,
            1.0,
        ),
        ("daemon:info  : systemd[1]: Started", "systemd[1]: Started", None, Severity.INFO, None),
    ],
)
def test_line_variants(
    line: str, message: str, time: float | None, severity: Severity, monotonic: float | None
) -> None:
    (event,) = read_text(DmesgReader, line + "\n").events
    assert event.message == message
    assert event.time == (pytest.approx(time) if time is not None else None)
    assert event.severity is severity
    assert (event.attrs or {}).get("monotonic") == monotonic


def test_local_times_use_the_context_zone() -> None:
    from zoneinfo import ZoneInfo

    (event,) = read_text(
        DmesgReader, "[Fri Mar 14 02:51:09 2025] x\n", tz=ZoneInfo("America/New_York")
    ).events
    assert event.time == at("2025-03-14T06:51:09Z")


def test_unprefixed_lines_continue_the_record() -> None:
    text = "[  1.0] first\n  detail line\n[  2.0] second\n"
    first, second = read_text(DmesgReader, text).events
    assert (first.attrs or {})["continuation"] == ["  detail line"]
    assert first.raw == "[  1.0] first\n  detail line"
    assert second.origin.line == 3


def test_text_that_is_not_dmesg_is_an_input_error() -> None:
    with pytest.raises(InputError):
        read_text(DmesgReader, "hello\nworld\n")


@pytest.mark.parametrize(
    "head",
    [
        "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties\n",
        "Mar 14 02:51:09 worker-1 kernel: [501234.567890] cart invoked oom-killer\n",
        "[2025-03-14 02:51:09] production.ERROR: boom\n",
        "[INFO] started\n",
    ],
)
def test_sniff_rejects_look_alikes(head: str) -> None:
    assert DmesgReader.sniff(head * 4, "x.log") == 0.0
