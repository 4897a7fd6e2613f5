"""Lines of a `kubectl get` paste that are no rows (the pod's log pasted under its table, a
status YAML, kubectl's own error, prose) are read as the generic text reader reads them, so an
error among them still counts; only blank lines, decoration and damaged rows make no event."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kubectl_helpers import read

from opslens.events import Severity
from opslens.sources.base import Reader
from opslens.sources.readers.k8s_get import K8sGetReader
from opslens.sources.readers.paste import PasteReader

SHELL = Path(__file__).resolve().parents[1] / "fixtures" / "pastes" / "shell"
NOW = datetime(2026, 9, 21, 12, 0, tzinfo=UTC).timestamp()
_HEADER = "NAME                       READY   STATUS             RESTARTS      AGE"
_ROW = "web-5c7d9f8b6-2kx9p        0/1     CrashLoopBackOff   4 (20s ago)   9m"


def _text() -> str:
    return (SHELL / "get-pods-then-logs.txt").read_text(encoding="utf-8")


# (source, severity, line, first line of raw) per event of the fixture, in order
EXPECTED = [
    ("k8s-get", Severity.WARNING, 3, "cart-api-7f9c6d5b8-4kq2x"),
    ("k8s-get", Severity.INFO, 4, "cart-api-7f9c6d5b8-w8z7n"),
    ("k8s-get", Severity.INFO, 5, "redis-0"),
    ("text", Severity.INFO, 7, "2026-09-21T11:58:02.114Z INFO  starting cart-api v2.14.0"),
    ("text", Severity.ERROR, 8, "2026-09-21T11:58:02.530Z ERROR failed to connect to redis-0.redis:6379"),
    ("text", Severity.CRITICAL, 9, "2026-09-21T11:58:02.531Z FATAL exiting: dependency check failed"),
    ("text", Severity.UNKNOWN, 11, "status:"),  # the YAML block: one record
]


@pytest.mark.parametrize("reader", [K8sGetReader, PasteReader])
def test_rows_and_the_log_under_them_are_both_events(reader: type[Reader]) -> None:
    text = _text()
    result = read(reader, text, now=NOW)
    events = [e for e in result.events if e.source != "shell"]  # the paste's command line
    got = [(e.source, e.severity, e.origin.line, e.raw.split("\n")[0]) for e in events]
    assert [g[:3] for g in got] == [x[:3] for x in EXPECTED]
    assert all(line.startswith(start) for (*_, line), (*_, start) in zip(got, EXPECTED, strict=True))
    assert result.skips == []
    lines = text.splitlines()
    for event in events:  # verbatim, at the line it starts on
        assert event.raw == "\n".join(lines[event.origin.line - 1 : event.origin.line - 1 + event.raw.count("\n") + 1])
    yaml = events[-1]
    assert yaml.raw.endswith("    restartCount: 6") and yaml.raw.count("\n") == 7
    # only the YAML (no format, no level) is listed as not understood, at its own line
    assert result.unrecognized == [("text between the rows of a kubectl get table", 11)]
    assert result.unrecognized_lines == 8


def test_through_a_paste_the_commands_namespace_reaches_the_text() -> None:
    result = read(PasteReader, _text(), now=NOW)
    error = next(e for e in result.events if e.severity is Severity.ERROR)
    assert error.namespace == "checkout"


# text -> (events as (source, line, severity), skipped lines)
CASES = {
    "an error kubectl printed before any table": (
        'Error from server (Forbidden): pods is forbidden: User "dev" cannot list resource "pods"\n',
        [("text", 1)], [],
    ),
    "prose between two tables": (
        f"{_HEADER}\n{_ROW}\n\nand a minute later it was still like this\n\n{_HEADER}\n{_ROW}\n",
        [("k8s-get", 2), ("text", 4), ("k8s-get", 7)], [],
    ),
    "a damaged row is still skipped": (
        f"{_HEADER}\nweb-1                      one     Running            zero          5m\n",
        [], [2],
    ),
    "decoration makes no event": (
        f"```\n{_HEADER}\n{_ROW}\n----------\n^C\n```\n",
        [("k8s-get", 3)], [],
    ),
    "a stack trace under the table is one record": (
        f"{_HEADER}\n{_ROW}\nTraceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n    main()\nRuntimeError: boom\n",
        [("k8s-get", 2), ("text", 3)], [],
    ),
    "a row after text starts a new run": (
        f"{_HEADER}\nlevel=error msg=\"probe failed\"\n{_ROW}\nlevel=warn msg=\"slow\"\n",
        [("logfmt", 2), ("k8s-get", 3), ("logfmt", 4)], [],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_non_row_lines(name: str) -> None:
    text, expected, skipped = CASES[name]
    result = read(K8sGetReader, text, now=NOW)
    assert [(e.source, e.origin.line) for e in result.events] == expected
    assert [line for _, line in result.skips] == skipped


def test_text_before_any_table_is_still_reported_as_outside_it() -> None:
    result = read(K8sGetReader, f"see below\n{_HEADER}\n{_ROW}\n", now=NOW)
    assert [(e.source, e.origin.line) for e in result.events] == [("text", 1), ("k8s-get", 3)]
    assert result.unrecognized == [("text in a kubectl get paste outside any table", 1)]


# --- never raises, loses nothing --------------------------------------------------------------

_LINES = [
    _HEADER, _ROW, "", "   ", "---", "^C", "```yaml", "status:", "  phase: Pending", "  - type: Ready",
    "2026-09-21T11:58:02Z ERROR upstream connect error", "E0921 11:58:02.000000       1 main.go:9] boom",
    "    at com.example.Main.run(Main.java:12)", "No resources found in shop namespace.",
    "$ kubectl get pvc -n shop", "NAME   STATUS   VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   AGE",
    "data-0   Pending                                      standard       2m", "NAME   POD-SELECTOR   AGE",
    "deny-all   <none>   5m", "NAME  DATA  AGE", "cfg  3  1d", "the pods keep restarting",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.one_of(st.sampled_from(_LINES), st.text(max_size=40)), max_size=25))
def test_never_raises_and_every_line_is_an_event_or_reported(lines: list[str]) -> None:
    lines = [line.replace("\r", "").replace("\n", "") for line in lines]
    text = "\n".join(lines) + "\n"
    result = read(K8sGetReader, text, now=NOW)
    physical = text.split("\n")[:-1]  # split as the reader splits: at newlines only
    covered: set[int] = set()
    for event in result.events:
        first = event.origin.line
        assert first is not None
        covered.update(range(first, first + event.raw.count("\n") + 1))
    covered.update(line for _, line in result.skips if line is not None)
    left = [line for number, line in enumerate(physical, start=1) if number not in covered]
    assert all(_says_nothing(line) for line in left), left


def _says_nothing(line: str) -> bool:
    """Lines that make no event: blank, decoration, command lines, headers, `No resources`."""
    stripped = line.strip()
    return (
        not any(ch.isalnum() for ch in line)
        or stripped == "^C"
        or stripped.startswith(("```", "$ ", "NAME", "No resources found"))
        or "kubectl" in line
    )
