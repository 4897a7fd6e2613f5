"""Properties of the text-log reader on arbitrary input: it never raises, never loses a line,
cites every record's first line, and counts the lines it read."""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opslens.sources.base import Identity, ReadContext, SourceFile
from opslens.sources.lines.cri import split_docker_json, split_runtime_prefix
from opslens.sources.readers.textlog import TextLogReader

# fragments of real layouts, so random lines often look like (broken) log lines
FRAGMENTS = [
    "2025-03-14T02:51:09.123456789Z stdout F ", "2025-03-14T02:51:09.1Z stderr P ", "2025-03-14T02:51:09Z ",
    "2025-03-14 02:51:09,123 - a - INFO - ", "E0314 02:51:09.096230 1 x.go:1] ", '{"level":"error","msg":"',
    '{"log":"', '","stream":"stdout","time":"2025-03-14T02:51:09Z"}', '10.0.0.1 - - [14/Mar/2025:09:54:51 +0000] "GET / ',
    "Traceback (most recent call last):", "\tat x.Y(Z.java:1)", "Caused by: ", "panic: ", "goroutine 1 [running]:",
    "  ", "level=info msg=", "[INFO] ", "INFO:     ", "1:M 14 Mar 2025 02:51:09.123 * ", "\\", '"', "}", "{", "\u2028",
    "2025-03-14 02:51:09.123 UTC [1] STATEMENT:  ", "Mar 14 02:51:09 ", "\x00", "\ufffd",
]  # fmt: skip
LINE = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=6).map("".join)
TEXT = st.lists(LINE, max_size=40).map("\n".join)


def read(text: str) -> tuple[list, ReadContext]:  # type: ignore[type-arg]
    ctx = ReadContext(SourceFile("p.log", identity=Identity("ns", "pod-1", "c")), year_hint=2025)
    stream = io.StringIO(text, newline=None)  # universal newlines, as the pipeline decodes
    return list(TextLogReader().read(stream, ctx)), ctx


def blank(line: str) -> bool:
    """A line without content: empty, whitespace, or a runtime wrapper around nothing."""
    prefixed = split_runtime_prefix(line) if line[:1].isdigit() else None
    docker = split_docker_json(line) if line.startswith('{"log":') else None
    content = prefixed[3] if prefixed else docker[3] if docker else line
    return not content.strip()


def check(text: str) -> None:
    events, ctx = read(text)
    physical = io.StringIO(text, newline=None).read().split("\n")
    if physical and physical[-1] == "":
        physical.pop()
    assert ctx.lines == len(physical)
    rebuilt = [line for event in events for line in event.raw.split("\n")]
    assert [x for x in rebuilt if not blank(x)] == [x for x in physical if not blank(x)]
    lines = [event.origin.line for event in events]
    assert lines == sorted(lines)
    for event in events:
        assert physical[event.origin.line - 1] == event.raw.split("\n")[0]
        assert isinstance(event.message, str)
        assert event.time is None or isinstance(event.time, float)
        if event.attrs is not None:
            json.dumps(event.attrs)  # JSON-serialisable


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_log_like_text(text: str) -> None:
    check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text(text: str) -> None:
    check(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_decoded_with_replacement(data: bytes) -> None:
    check(data.decode("utf-8", errors="replace"))


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=300))
def test_truncated_json_lines(cut: int) -> None:
    line = json.dumps({"level": "error", "ts": 1741920669.5, "msg": "x" * 50, "error": {"message": "y", "stack": "z"},
                       "fields": [1, 2, {"a": "b"}]})  # fmt: skip
    check(f"{line}\n{line[:cut]}\n{line}\n")


def test_extremely_long_lines() -> None:
    long_json = '{"level":"info","msg":"' + "a" * 1_000_000 + '"}'
    long_text = "2025-03-14T02:51:09Z " + "word " * 200_000
    long_cri = "2025-03-14T02:51:09.1Z stdout F " + "x" * 500_000
    check("\n".join([long_json, long_text, long_cri, "\t" + "y" * 300_000]))


ADVERSARIAL = {  # long lines that would make a careless regex quadratic (each ~50k characters)
    "unterminated quote": 'level=info msg="' + "x" * 50_000,
    "many keys": "a=" + "b=c " * 12_000,
    "cookbook words": "2025-03-14 02:51:09,123 - " + "a " * 25_000,
    "dotted words": "a." * 25_000 + "Exception",
    "escaped quotes": '1.2.3.4 - - [14/Mar/2025:09:54:51 +0000] "' + '\\"' * 25_000,
    "upstream lists": '1.2.3.4 - - [14/Mar/2025:09:54:51 +0000] "GET / HTTP/1.1" 200 1 "-" "-" 1 0.1 [x] [] ' + "a, " * 15_000,
    "dashes": "2025-03-14 02:51:09,123 - " + "a - " * 12_000,
    "tags": "2025-03-14T02:51:09Z " + "[a]" * 15_000,
    "parentheses": "panic: x\n" + "f(" * 25_000,
}


def test_adversarial_long_lines_are_read() -> None:
    for name, line in ADVERSARIAL.items():
        events, _ = read(f"2025-03-14T02:51:09Z first\n{line}\n")
        assert events, name
