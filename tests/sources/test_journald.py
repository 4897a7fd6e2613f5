"""journald reader: journalctl -o json (lines), json-pretty and export."""

from __future__ import annotations

import json

import pytest
from structured_helpers import at, chosen, fixture_text, read_fixture, read_text

from opslens.errors import InputError
from opslens.events import Entity, EventKind, Severity
from opslens.sources.readers.journald import JournaldReader


@pytest.mark.parametrize(
    ("name", "count"), [("journal.jsonl", 6), ("journal-pretty.json", 2), ("journal.export", 2)]
)
def test_fixture_is_sniffed_and_read_completely(name: str, count: int) -> None:
    assert chosen(fixture_text(name), name) == "journald"
    result = read_fixture(JournaldReader, name)
    assert len(result.events) == count
    assert result.skips == []
    assert all(e.kind is EventKind.LOG and e.source == "journald" for e in result.events)


def test_json_line_fields() -> None:
    kubelet = read_fixture(JournaldReader, "journal.jsonl").events[0]
    assert kubelet.time == pytest.approx(at("2025-03-14T02:51:09.123456Z"))
    assert kubelet.severity is Severity.INFO
    assert kubelet.host == "worker-2"
    assert kubelet.origin.line == 1
    assert kubelet.message.startswith(
        'I0314 02:51:09.123400    1187 kubelet.go:2458] "SyncLoop (PLEG)'
    )  # klog kept as is
    assert kubelet.attrs == {
        "unit": "kubelet.service",
        "identifier": "kubelet",
        "comm": "kubelet",
        "pid": "1187",
        "transport": "stdout",
    }


@pytest.mark.parametrize(
    ("index", "severity"),
    [
        (0, Severity.INFO),
        (1, Severity.ERROR),
        (2, Severity.WARNING),
        (3, Severity.NOTICE),
        (4, Severity.CRITICAL),
    ],
)
def test_priority_maps_to_severity(index: int, severity: Severity) -> None:
    assert read_fixture(JournaldReader, "journal.jsonl").events[index].severity is severity


def test_raw_is_the_message_as_written_in_the_line() -> None:
    text = fixture_text("journal.jsonl")
    events = read_fixture(JournaldReader, "journal.jsonl").events
    for event in events:
        assert event.raw in text
    assert events[0].raw.count('\\"') == events[0].message.count('"')  # escaped, as in the file


def test_byte_array_message_is_decoded_with_replacement() -> None:
    containerd = read_fixture(JournaldReader, "journal.jsonl").events[2]
    assert containerd.message == "caf\ufffd invalid utf-8 bytes"
    assert containerd.raw.startswith("{") and '"MESSAGE":[' in containerd.raw  # the whole line


def test_null_message_is_empty() -> None:
    assert read_fixture(JournaldReader, "journal.jsonl").events[3].message == ""


def test_multi_line_message() -> None:
    backup = read_fixture(JournaldReader, "journal.jsonl").events[4]
    assert backup.message == "backup failed: pg_dump: error: connection to server failed"
    assert (backup.attrs or {})["continuation"] == ["  retry 1/3", "  retry 2/3"]


def test_dockershim_container_name_gives_the_pod() -> None:
    api = read_fixture(JournaldReader, "journal.jsonl").events[5]
    assert api.entity == Entity("Pod", "api-6f7c9d8b5d-k2x9p", "payments")
    assert api.namespace == "payments"


def test_pretty_entries_start_on_their_own_lines() -> None:
    first, second = read_fixture(JournaldReader, "journal-pretty.json").events
    assert first.origin.line == 1 and second.origin.line > 10
    assert second.severity is Severity.ERROR


def test_export_format() -> None:
    warn, started = read_fixture(JournaldReader, "journal.export").events
    assert warn.message.startswith('time="2025-03-14T02:51:20.000000000Z" level=warning')
    assert warn.time == at("2025-03-14T02:51:20Z") and warn.host == "worker-3"
    assert (warn.origin.line, started.origin.line) == (1, 12)
    assert started.severity is Severity.INFO


def test_bad_lines_are_skipped_and_counted() -> None:
    good = json.dumps(
        {"__REALTIME_TIMESTAMP": "1741920669000000", "MESSAGE": "ok", "PRIORITY": "6"}
    )
    text = "\n".join([good, "{truncated", "[1, 2]", good, ""]) + "\n"
    result = read_text(JournaldReader, text)
    assert len(result.events) == 2
    assert [line for _, line in result.skips] == [2, 3]
    assert result.ctx is not None and result.ctx.lines == 5


def test_odd_field_types_do_not_break_the_entry() -> None:
    line = json.dumps(
        {
            "__REALTIME_TIMESTAMP": ["x"],
            "MESSAGE": ["first", [104, 105]],
            "PRIORITY": ["3"],
            "_HOSTNAME": 7,
        }
    )
    (event,) = read_text(JournaldReader, line + "\n").events
    assert event.time is None and event.severity is Severity.UNKNOWN and event.host is None
    assert event.message == "first"
    assert (event.attrs or {})["continuation"] == ["hi"]


def test_text_that_is_no_journal_is_an_input_error() -> None:
    with pytest.raises(InputError):
        read_text(JournaldReader, "hello world\n")


@pytest.mark.parametrize(
    "head",
    [
        '{"level":"info","msg":"started","ts":"2025-03-14T02:51:09Z"}\n',
        '{"MESSAGE_TEXT":"x"}\n',
        "MESSAGE=hello\n",
        '{"receiver":"x","alerts":[]}',
    ],
)
def test_sniff_rejects_app_logs_and_other_json(head: str) -> None:
    assert JournaldReader.sniff(head, "app.log") == 0.0
