"""Pasted line formats: journalctl's short output modes and partial syslog pastes.

Each fixture under tests/fixtures/pastes/lines is read the way the pipeline reads it (the reader
its sniff chooses) and checked line by line: times (and where their year came from), idents,
pids, hosts, severities, line origins and the verbatim raw text.
"""

from __future__ import annotations

import pytest
from paste_helpers import at, chosen, iso, paste_text, physical_lines, read_with

from opslens.errors import InputError
from opslens.events import Severity
from opslens.sources.readers.dmesg import DmesgReader
from opslens.sources.readers.syslog import SyslogReader
from opslens.sources.readers.textlog import TextLogReader

# fixture -> [(line, time, ident, pid, host)] of every event, with a year hint the files ignore
# when they date themselves (a journal header, a status block) and use otherwise
JOURNAL = {
    "journal-short-logs-begin.txt": [
        (2, "2023-12-31T23:58:40Z", "kubelet", "2211", "node-a"),
        (3, "2023-12-31T23:59:12Z", "kubelet", "2211", "node-a"),
        (4, "2023-12-31T23:59:58Z", "containerd", "780", "node-a"),
        (6, "2024-01-01T00:03:19Z", "kernel", None, "node-a"),  # after `-- Reboot --`, new year
        (7, "2024-01-01T00:03:25Z", "systemd", "1", "node-a"),
        (8, "2024-01-01T00:03:31Z", "kubelet", "655", "node-a"),
        (9, "2024-01-01T00:03:31Z", "systemd", "1", "node-a"),
        (10, "2024-01-01T00:03:31Z", "systemd", "1", "node-a"),
    ],
    "journal-short-journal-begins.txt": [
        (2, "2022-06-13T15:58:01Z", "etcd", "1440", "cp-2"),
        (3, "2022-06-13T15:58:03Z", "kube-apiserver", "1502", "cp-2"),
        (5, "2022-06-13T16:01:44Z", "systemd", "1", "cp-2"),
        (6, "2022-06-13T16:01:49Z", "etcd", "612", "cp-2"),
        (7, "2022-06-13T16:01:49Z", "systemd", "1", "cp-2"),
    ],
    "journal-short-precise.txt": [
        (2, "2021-10-03T11:59:58.102344Z", "kernel", None, "gpu-node-3"),
        (3, "2021-10-03T11:59:58.871002Z", "kubelet", "977", "gpu-node-3"),
        (4, "2021-10-03T11:59:59.000001Z", "nvidia-persistenced", "1320", "gpu-node-3"),
    ],
    "journal-short-iso.txt": [
        (2, "2024-03-04T10:01:02Z", "containerd", "812", "worker-1"),
        (3, "2024-03-04T10:01:02Z", "kubelet", "1234", "worker-1"),
        (4, "2024-03-04T10:01:40Z", "kubelet", "1234", "worker-1"),
        (5, "2024-03-04T10:01:40Z", "sshd", "4410", "worker-1"),  # +0100
    ],
    "journal-short-iso-precise.txt": [
        (1, "2024-03-04T10:01:02.118702Z", "kube-proxy", "901", "worker-1"),
        (2, "2024-03-04T10:01:02.544100Z", "kube-proxy", "901", "worker-1"),
        (3, "2024-03-04T10:01:03.000020Z", "dockerd", "700", "worker-1"),  # +02:00
    ],
    "journal-short-full.txt": [
        (2, "2024-03-04T10:01:02Z", "kubelet", "1234", "worker-1"),
        (3, "2024-03-04T10:01:05Z", "kubelet", "1234", "worker-1"),
        (5, "2024-03-04T09:09:44Z", "systemd", "1", "worker-1"),  # CET
    ],
    "journal-short-unix.txt": [
        (1, "2024-03-04T10:01:02.118702Z", "kubelet", "1234", "worker-1"),
        (2, "2024-03-04T10:01:03.000001Z", "containerd", "812", "worker-1"),
    ],
    "journal-kernel.txt": [
        (2, "2023-03-05T04:46:58Z", "kernel", None, "db-host-2"),
        (3, "2023-03-05T04:46:58Z", "kernel", None, "db-host-2"),
        (4, "2023-03-05T04:46:58Z", "kernel", None, "db-host-2"),
    ],
    "systemctl-status.txt": [
        (1, "2023-01-03T09:14:07Z", "systemctl", None, None),  # the unit block, dated by `since`
        (11, "2023-01-03T09:14:07Z", "kubelet", "30211", "cp-1"),
        (12, "2023-01-03T09:14:07Z", "systemd", "1", "cp-1"),
        (13, "2023-01-03T09:14:07Z", "systemd", "1", "cp-1"),
    ],
}


@pytest.mark.parametrize("name", sorted(JOURNAL))
def test_journalctl_output_modes(name: str) -> None:
    text = paste_text(name)
    assert chosen(text, name) == "syslog"
    # a hint from "other inputs" two years off: the file's own dates win where it has them
    result = read_with(SyslogReader, text, name, year_hint=2026, time_hint=at("2026-06-01T00:00:00Z"))
    got = [(e.origin.line, iso(e.time), (e.attrs or {})["ident"], (e.attrs or {})["pid"], e.host) for e in result.events]
    assert got == JOURNAL[name]
    assert not any(e.time_inferred for e in result.events)
    assert result.skips == []
    lines = text.splitlines()
    for event in result.events:
        assert event.raw == lines[event.origin.line - 1] or event.raw.startswith(lines[event.origin.line - 1] + "\n")
        assert not event.raw.startswith("-- ")  # journalctl's own lines are never events


@pytest.mark.parametrize(
    ("name", "hints", "year", "inferred"),
    [
        ("journal-short-noheader.txt", {}, None, True),  # the clock's year: a guess
        ("journal-short-noheader.txt", {"year_hint": 2024}, 2024, False),
        ("journal-short-noheader.txt", {"time_hint": at("2025-01-10T00:00:00Z")}, 2025, False),
        ("journal-short-noheader.txt", {"time_hint": at("2025-12-20T00:00:00Z")}, 2026, False),
        ("journal-short-logs-begin.txt", {}, 2023, False),  # the header's year
        ("systemctl-status.txt", {}, 2023, False),  # `Active: ... since Tue 2023-01-03 ...`
    ],
)
def test_where_the_year_of_short_lines_comes_from(
    name: str, hints: dict[str, object], year: int | None, inferred: bool
) -> None:
    events = read_with(SyslogReader, paste_text(name), name, **hints).events
    first = events[0] if name != "systemctl-status.txt" else events[1]
    assert first.time is not None
    if year is not None:
        assert iso(first.time).startswith(f"{year}-")  # type: ignore[union-attr]
    assert all(e.time_inferred is inferred for e in events if (e.attrs or {}).get("ident") != "systemctl")


def test_short_monotonic_is_syslog_not_dmesg() -> None:
    text = paste_text("journal-short-monotonic.txt")
    assert chosen(text) == "syslog"
    assert SyslogReader.sniff(text, "x") > DmesgReader.sniff(text, "x")
    events = read_with(SyslogReader, text).events
    assert [(e.origin.line, e.time, e.host, (e.attrs or {})["ident"], (e.attrs or {})["monotonic"]) for e in events] == [
        (2, None, "worker-1", "kernel", 4.017223),
        (3, None, "worker-1", "systemd", 12.901554),
        (4, None, "worker-1", "kubelet", 1234.56789),
        (5, None, "worker-1", "kernel", 12345.000001),
    ]
    assert events[3].message.startswith("Out of memory: Killed process 8812 (java)")


def test_no_entries_is_read_as_nothing_without_an_error() -> None:
    text = paste_text("journal-no-entries.txt")
    assert chosen(text) == "syslog"
    result = read_with(SyslogReader, text)
    assert result.events == [] and result.skips == []


@pytest.mark.parametrize(
    "marker",
    [
        "-- Logs begin at Mon 2024-03-04 08:00:01 UTC, end at Mon 2024-03-04 10:15:00 UTC. --",
        "-- Journal begins at Mon 2024-03-04 08:00:01 UTC, ends at Mon 2024-03-04 10:15:00 UTC. --",
        "-- Boot 1a2b3c4d5e6f708192a3b4c5d6e7f809 --",
        "-- Reboot --",
        "-- No entries --",
    ],
)
def test_journalctl_markers_are_never_events_nor_continuations(marker: str) -> None:
    text = f"Mar 04 10:01:02 worker-1 kubelet[1234]: one\n{marker}\nMar 04 10:01:03 worker-1 kubelet[1234]: two\n"
    events = read_with(SyslogReader, text, year_hint=2024).events
    assert [(e.message, e.raw.count("\n")) for e in events] == [("one", 0), ("two", 0)]


# --- partial syslog pastes -------------------------------------------------------------------


def test_a_paste_cut_mid_line_keeps_the_fragment_as_an_untimed_record() -> None:
    text = paste_text("syslog-cut-first.txt")
    assert chosen(text) == "syslog"
    result = read_with(SyslogReader, text, year_hint=2024)
    cut, first = result.events[:2]
    assert result.skips == []
    assert cut.origin.line == 1 and cut.raw == text.splitlines()[0]
    assert (cut.attrs or {})["cut"] is True and cut.message == cut.raw
    assert "x509: certificate has expired" in cut.message
    assert cut.time == first.time == at("2024-03-04T10:01:12Z") and cut.time_inferred
    assert not first.time_inferred


@pytest.mark.parametrize(
    ("name", "ident", "pid", "severity"),
    [
        ("syslog-cut-header.txt", "kubelet", "2980", Severity.ERROR),  # `4 10:01:02 worker-3 kubelet[..]`
        ("syslog-cut-tag.txt", "belet", "2980", Severity.ERROR),  # the tag itself was cut
    ],
)
def test_a_cut_first_line_keeps_what_is_left_of_its_tag(
    name: str, ident: str, pid: str, severity: Severity
) -> None:
    text = paste_text(name)
    assert chosen(text) == "syslog"
    cut = read_with(SyslogReader, text, year_hint=2024).events[0]
    assert ((cut.attrs or {})["ident"], (cut.attrs or {})["pid"], cut.severity) == (ident, pid, severity)
    assert cut.message.startswith("E0304 10:01:02.331201")
    assert cut.time == at("2024-03-04T10:01:02Z") and cut.time_inferred


@pytest.mark.parametrize(
    ("name", "lines", "phrase"),
    [
        ("syslog-wrapped.txt", [1, 6, 9], "stat /var/lib/calico/nodename: no such file or directory"),
        ("syslog-wordwrapped.txt", [1, 7, 10], "failed to setup network for sandbox: plugin type="),
    ],
)
def test_hard_wrapped_lines_are_joined_back(name: str, lines: list[int], phrase: str) -> None:
    text = paste_text(name)
    assert chosen(text) == "syslog"
    events = read_with(SyslogReader, text, year_hint=2024).events
    assert [e.origin.line for e in events] == lines
    containerd, kubelet, _ = events
    physical = text.splitlines()
    assert containerd.raw == "\n".join(physical[0 : lines[1] - 1])
    assert phrase in containerd.message and "\n" not in containerd.message
    assert containerd.message.startswith('time="2024-03-04T10:01:02.118702511Z" level=error')
    assert 'err="rpc error: code = Unknown desc = failed to setup network for sandbox"' in kubelet.message
    assert (containerd.attrs or {})["wrapped"] is True
    assert "wrapped" not in (events[2].attrs or {})


def test_a_multi_line_message_is_not_taken_for_a_wrap() -> None:
    text = (
        "Jan  1 00:00:02 worker-1 kernel: [501234.567990] Memory cgroup stats for /kubepods.slice:\n"
        "anon 524288000\nfile 1048576\n"
        "Jan  1 00:00:03 worker-1 CRON[8001]: (root) CMD (/usr/local/bin/rotate-logs) and a longer tail\n"
    )
    stats = read_with(SyslogReader, text, year_hint=2025).events[0]
    assert stats.message == "[501234.567990] Memory cgroup stats for /kubepods.slice:"
    assert (stats.attrs or {})["continuation"] == ["anon 524288000", "file 1048576"]


# fixture -> [(ident, pid, severity, monotonic)] of its bare `ident[pid]: msg` records
BARE = {
    "syslog-bare.txt": [
        ("kubelet", "2980", Severity.ERROR, None),
        ("systemd", "1", Severity.UNKNOWN, None),
        ("systemd", "1", Severity.UNKNOWN, None),
        ("containerd", "812", Severity.ERROR, None),
        ("kernel", None, Severity.UNKNOWN, None),
        ("CRON", "5512", Severity.UNKNOWN, None),
    ],
    "syslog-bare-nopid.txt": [
        ("kernel", None, Severity.UNKNOWN, 8812.004211),
        ("kernel", None, Severity.UNKNOWN, 8812.104211),
        ("kubelet", None, Severity.WARNING, None),
        ("etcd", None, Severity.WARNING, None),
        ("sshd", None, Severity.ERROR, None),
    ],
}


@pytest.mark.parametrize("name", sorted(BARE))
def test_bare_ident_lines_are_syslog_records(name: str) -> None:
    text = paste_text(name)
    assert chosen(text) == "syslog"
    events = read_with(SyslogReader, text).events
    got = [((e.attrs or {})["ident"], (e.attrs or {})["pid"], e.severity, (e.attrs or {}).get("monotonic")) for e in events]
    assert got == BARE[name]
    assert [e.origin.line for e in events] == list(range(1, len(events) + 1))
    assert all(e.time is None and e.host is None and e.raw == line for e, line in zip(events, text.splitlines(), strict=True))


def test_a_bare_line_among_timed_ones_takes_the_time_before_it() -> None:
    events = read_with(SyslogReader, paste_text("syslog-mixed-bare.txt"), year_hint=2024).events
    assert [(e.origin.line, iso(e.time), e.time_inferred, e.host) for e in events] == [
        (1, "2024-03-04T10:01:02Z", False, "worker-3"),
        (2, "2024-03-04T10:01:02Z", True, None),
        (3, "2024-03-04T10:01:05Z", False, "worker-3"),
    ]
    assert events[1].severity is Severity.ERROR


def test_the_status_block_of_systemctl_is_one_dated_record() -> None:
    text = paste_text("systemctl-status.txt")
    status = read_with(SyslogReader, text).events[0]
    assert status.raw == "\n".join(text.splitlines()[:9])
    assert status.severity is Severity.ERROR
    assert (status.attrs or {})["unit"] == "kubelet.service"
    assert (status.attrs or {})["state"] == "activating (auto-restart) (Result: exit-code)"
    assert "Main PID: 30211 (code=exited, status=1/FAILURE)" in status.message


@pytest.mark.parametrize(
    "name",
    [
        "not-syslog-app.txt",  # `ERROR foo: bar` is an application log
        "not-syslog-panic.txt",  # a Go panic
        "not-syslog-yaml.txt",  # `key: value`, even `kubelet: configured`
        "docker-logs-t.txt",  # `docker logs -t`: `...Z Server: starting` is no syslog tag
        "docker-logs-t-levels.txt",
        "docker-logs-plain.txt",
        "docker-logs-plain-app.txt",
    ],
)
def test_other_pastes_are_not_claimed_by_syslog(name: str) -> None:
    text = paste_text(name)
    assert SyslogReader.sniff(text, name) == 0.0
    assert chosen(text, name) == ("k8s-manifest" if name.endswith("yaml.txt") else "textlog")


def test_text_without_any_header_is_still_an_input_error() -> None:
    with pytest.raises(InputError):
        read_with(SyslogReader, "just some text\nand more\nand more\nand even more\n")


def test_every_raw_line_is_a_line_of_the_paste() -> None:
    for path in sorted(p for p in JOURNAL | BARE if chosen(paste_text(p)) == "syslog"):
        text = paste_text(path)
        for event in read_with(SyslogReader, text, year_hint=2024).events:
            assert set(event.raw.split("\n")) <= physical_lines(text)


def test_textlog_still_reads_a_syslog_paste_it_is_given() -> None:
    events = read_with(TextLogReader, paste_text("syslog-bare.txt")).events
    assert len(events) == 6
