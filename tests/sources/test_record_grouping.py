"""The shared record machinery of the line readers: `_prefixed.group_records` with its hooks
(lines before the first record, lines to drop), `records.infer_times` with its `eligible`
predicate, and stack folding decided by `multiline.Folder` alone (Laravel's `[stacktrace]`)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from opslens.errors import InputError
from opslens.events import Event, EventKind, Origin
from opslens.sources.base import ReadContext, SourceFile
from opslens.sources.lines.multiline import Folder
from opslens.sources.lines.records import infer_times
from opslens.sources.readers._prefixed import Leading, group_records
from opslens.sources.readers.dmesg import DmesgReader
from opslens.sources.readers.textlog import TextLogReader

LOGS = Path(__file__).resolve().parents[1] / "fixtures" / "logs"
_HEAD = re.compile(r"(\d\d:\d\d) (.*)")


def _parse(text: str) -> str | None:
    m = _HEAD.match(text)
    return m.group(2) if m else None


def _group(text: str, **hooks: object) -> tuple[list[tuple[int, str, object, list[str], int]], list[tuple[str, int | None]]]:
    skips: list[tuple[str, int | None]] = []
    ctx = ReadContext(SourceFile("x.log"), on_skip=lambda reason, line: skips.append((reason, line)))
    records = list(group_records(io.StringIO(text), ctx, _parse, "toy", "`HH:MM msg`", **hooks))  # type: ignore[arg-type]
    return [tuple(r) for r in records], skips  # type: ignore[misc]


LEADING = Leading(limit=lambda first: 3 if first.startswith("...") else 0, header=lambda lines: f"cut: {lines[0]}")


def test_lines_before_the_first_record_form_one_when_the_format_says_so() -> None:
    records, skips = _group("...ed mid-line\nsecond part\n10:00 first\n10:01 second\n", leading=LEADING)
    assert records[0] == (1, "...ed mid-line", "cut: ...ed mid-line", ["second part"], 14)
    assert [r[2] for r in records[1:]] == ["first", "second"]
    assert skips == []


def test_too_many_lines_before_the_first_record_are_all_reported() -> None:
    records, skips = _group("...a\nb\nc\nd\n10:00 first\n", leading=LEADING)
    assert [r[2] for r in records] == ["first"]
    assert skips == [("not a toy line", n) for n in (1, 2, 3, 4)]


def test_without_a_leading_hook_lines_before_the_first_record_are_reported() -> None:
    records, skips = _group("...a\n10:00 first\n")
    assert [r[2] for r in records] == ["first"]
    assert skips == [("not a toy line", 1)]


def test_ignore_hears_whether_a_record_has_started() -> None:
    asked: list[tuple[str, bool]] = []

    def ignore(text: str, started: bool) -> bool:
        asked.append((text, started))
        return text.startswith("--")

    records, _ = _group("-- marker --\n10:00 first\n  more\n-- marker --\n", ignore=ignore)
    assert asked == [("-- marker --", False), ("  more", True), ("-- marker --", True)]
    assert records == [(2, "10:00 first", "first", ["  more"], 12)]


def test_width_is_the_longest_line_read_when_the_record_ended() -> None:
    records, _ = _group("10:00 a\n" + "x" * 30 + "\n10:01 b\n" + "y" * 50 + "\n")
    assert [(r[2], r[4]) for r in records] == [("a", 30), ("b", 50)]


def test_text_without_any_record_is_an_input_error_but_blank_text_is_not() -> None:
    with pytest.raises(InputError):
        _group("...a\n", leading=LEADING)
    assert _group("\n \n\t\n") == ([], [])
    with pytest.raises(InputError):
        list(DmesgReader().read(io.StringIO("hello\n"), ReadContext(SourceFile("dmesg.txt"))))


def _event(time: float | None, tag: str) -> Event:
    return Event(time, EventKind.LOG, "x", Origin("x.log", 1), tag, tag)


def test_only_eligible_untimed_events_take_a_neighbours_time_and_order_is_kept() -> None:
    events = [_event(None, "bare"), _event(None, "mono"), _event(None, "bare"), _event(100.0, "timed"),
              _event(None, "mono"), _event(None, "bare")]  # fmt: skip
    out = list(infer_times(iter(events), eligible=lambda e: e.message == "bare"))
    assert [(e.message, e.time, e.time_inferred) for e in out] == [
        ("bare", 100.0, True), ("mono", None, False), ("bare", 100.0, True), ("timed", 100.0, False),
        ("mono", None, False), ("bare", 100.0, True),
    ]  # fmt: skip


def test_by_default_every_untimed_event_takes_a_time() -> None:
    out = list(infer_times(iter([_event(None, "a"), _event(5.0, "b"), _event(None, "c")])))
    assert [(e.time, e.time_inferred) for e in out] == [(5.0, True), (5.0, False), (5.0, True)]


def test_laravel_stacktrace_folds_into_its_record() -> None:
    text = (LOGS / "laravel.log").read_text(encoding="utf-8")
    events = list(TextLogReader().read(io.StringIO(text), ReadContext(SourceFile("laravel.log"))))
    assert [e.origin.line for e in events] == [1, 10, 11]
    error = events[0]
    assert error.raw.splitlines()[1:] == text.splitlines()[1:9]  # [stacktrace], frames, [previous exception]
    assert events[2].message == "order 42 placed"


@pytest.mark.parametrize("line", ["[stacktrace]", "[previous exception] [object] (PDOException(code: 2002): refused)"])
def test_the_folder_alone_opens_a_php_stack(line: str) -> None:
    folder = Folder()
    assert folder.continues(line, None) is True
    assert folder.mode == "java"
    assert folder.continues("#0 /srv/shop/app/Http/Controllers/OrderController.php(31): select()", None) is True
    assert folder.continues("[2025-03-14 10:00:02] production.INFO: next", None) is False


NODE_UNCAUGHT = [
    # (log text, the record's first line, its message)
    ("starting worker\n/srv/shop/lib/db.js:42\n    const pool = require('pg-native');\n                 ^\n\n"
     "Error: Cannot find module 'pg-native'\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1140:15)\n"
     "    at Object.<anonymous> (/srv/shop/lib/db.js:42:18)\nlistening on 8080\n",
     "/srv/shop/lib/db.js:42", "Cannot find module 'pg-native'"),
    ("/opt/api/server.js:7\nconst port = config.http.port;\n                         ^\n\n"
     "TypeError [ERR_INVALID_ARG_TYPE]: The \"path\" argument must be of type string\n"
     "    at main (/opt/api/server.js:7:26)\n",
     "/opt/api/server.js:7", "TypeError [ERR_INVALID_ARG_TYPE]"),
    ("file:///app/dist/index.mjs:3\nimport { x } from './y.js';\n         ^\n"
     "SyntaxError: The requested module './y.js' does not provide an export named 'x'\n",
     "file:///app/dist/index.mjs:3", "does not provide an export named 'x'"),
]


@pytest.mark.parametrize(("text", "first", "message"), NODE_UNCAUGHT)
def test_a_node_exception_header_and_its_error_are_one_record(text: str, first: str, message: str) -> None:
    events = list(TextLogReader().read(io.StringIO(text), ReadContext(SourceFile("app.log"))))
    crash = next(e for e in events if e.raw.startswith(first))
    assert message in crash.message  # what went wrong leads, not the file name
    assert "^" in crash.raw and message in crash.raw  # the source line, caret and error stay together
    assert crash.origin.line == text.splitlines().index(first) + 1
    assert not any(e.message.startswith(("Error:", "TypeError", "SyntaxError")) for e in events if e is not crash)


def test_a_bare_path_line_without_an_exception_stays_its_own_record() -> None:
    text = "/etc/app/conf.d/override.conf:12\nloaded 3 overrides\nserving on :8080\n"
    events = list(TextLogReader().read(io.StringIO(text), ReadContext(SourceFile("app.log"))))
    assert events[-1].message == "serving on :8080"
    assert all("Error" not in e.raw for e in events)
