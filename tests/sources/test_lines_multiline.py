"""Which lines continue the record before them (stack traces, tracebacks, panics)."""

from __future__ import annotations

import pytest

from opslens.events import Severity
from opslens.sources.lines.multiline import Folder


def fold(lines: list[str], pending: Severity = Severity.ERROR) -> list[bool]:
    """For each line after the first: does it continue the record (indented lines always do)?"""
    folder = Folder()
    out = []
    for line in lines:
        if line[:1] in (" ", "\t"):
            out.append(True)
            continue
        out.append(folder.continues(line, pending))
    return out


def test_java_exception_chain() -> None:
    lines = ["java.lang.IllegalStateException: boom", "\tat a.B.c(B.java:1)", "Caused by: java.io.IOException: x",
             "\t... 12 more", "2025-03-14 new record"]  # fmt: skip
    assert fold(lines) == [True, True, True, True, False]


def test_exception_header_after_info_starts_its_own_record() -> None:
    assert fold(["java.lang.RuntimeException: x"], Severity.INFO) == [False]
    assert fold(['Exception in thread "main" java.lang.Error: x'], Severity.ERROR) == [False]
    assert fold(["System.InvalidOperationException: Sequence contains no elements"], Severity.UNKNOWN) == [True]
    assert fold(["TypeError: Cannot read properties of undefined (reading 'x')"], Severity.WARNING) == [True]


def test_python_traceback_ends_at_the_exception_line() -> None:
    lines = ["Traceback (most recent call last):", '  File "a.py", line 1, in <module>', "KeyError: 'x'",
             "During handling of the above exception, another exception occurred:", "Traceback (most recent call last):",
             '  File "b.py", line 2, in f', "ValueError", "INFO:root:next record"]  # fmt: skip
    assert fold(lines) == [True, True, True, True, True, True, True, False]


def test_traceback_after_an_info_line_is_its_own_record() -> None:
    folder = Folder()
    assert folder.continues("Traceback (most recent call last):", Severity.INFO) is False
    assert folder.mode == "py"  # ... but its frames and final line follow it
    assert folder.continues("RuntimeError: x", Severity.UNKNOWN) is True


def test_go_panic() -> None:
    folder = Folder()
    assert folder.continues("panic: runtime error: index out of range [3] with length 3", Severity.INFO) is False
    for line in ["goroutine 1 [running]:", "main.main()", "[signal SIGSEGV: segmentation violation]",
                 "net/http.(*conn).serve(0xc000130000, {0x7a, 0xc0})", "created by main.start in goroutine 1",
                 "exit status 2"]:  # fmt: skip
        assert folder.continues(line, Severity.UNKNOWN), line
    assert folder.continues("2025-03-14 02:51:09 restarted", Severity.UNKNOWN) is False


@pytest.mark.parametrize("line", ["level=info msg=x", "hello world", "Connected to db", "time=now", "INFO: fine"])
def test_ordinary_lines_do_not_fold(line: str) -> None:
    assert fold([line], Severity.ERROR) == [False]


def test_unindented_frames_closing_brackets_and_rust_notes_continue() -> None:
    assert fold(["java.lang.IllegalStateException: x", "at a.B.c(B.java:1)", "at a.B.d(B.java:2)"]) == [True, True, True]
    assert fold(["}", "]"], Severity.INFO) == [True, True]
    assert fold(["note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace"], Severity.INFO) == [True]
    assert fold(["attempting to reconnect"], Severity.ERROR) == [False]


def test_native_backtrace_frames_fold_into_one_record() -> None:
    """gdb-style (`#1 0x... in f() at x.c:12`) and glibc `backtrace_symbols` frames."""
    gdb = ["Copyright (C) the authors", "#0  0x55d1c0a1b2c3 in  pack_record() at src/pack.c:85",
           "#1  0x55d1c0a1b400 in  flush_chunk() at plugins/out_http/http.c:321", "2025-03-14 next record"]
    assert fold(gdb, Severity.UNKNOWN) == [False, True, True, False]
    glibc = ["Backtrace:", "/usr/local/bin/cached *:7000(dictFind+0x1d)[0x4a5b6c]",
             "/lib/x86_64-linux-gnu/libc.so.6(+0x42520)[0x7f3a1b242520]", "------ INFO ------"]
    assert fold(glibc, Severity.UNKNOWN) == [False, True, True, False]
    # a path in prose is no frame
    assert fold(["/etc/app/app.conf (line 12): unknown key"], Severity.UNKNOWN) == [False]
