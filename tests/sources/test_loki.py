"""Loki query results: streams to events, labels to identity, lines through the line parsers."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opslens.errors import InputError
from opslens.events import Entity, Event, EventKind, Severity
from opslens.sources.base import ReadContext, SourceFile, choose_reader, get_reader
from opslens.sources.readers.loki import LokiReader

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "logs"


def read(text: str, name: str = "loki.json") -> tuple[list[Event], list[tuple[str, int | None]]]:
    skips: list[tuple[str, int | None]] = []
    ctx = ReadContext(SourceFile(name), year_hint=2025, on_skip=lambda r, line: skips.append((r, line)))
    return list(LokiReader().read(io.StringIO(text), ctx)), skips


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_registered_and_sniffed() -> None:
    assert get_reader("loki") is LokiReader
    for name in ("loki-query-range.json", "loki-logcli.jsonl", "loki-tail.jsonl"):
        reader, score = choose_reader(fixture(name), name)
        assert reader is LokiReader and score >= 0.9, name
    assert LokiReader.sniff('{"status":"success","data":{"resultType":"streams","result":[]}}', "x") == 0.95
    assert LokiReader.sniff('{"status":"success","data":{"resultType":"matrix","result":[]}}', "x") == 0.0
    assert LokiReader.sniff("plain text", "x") == 0.0


def test_query_range_streams() -> None:
    events, skips = read(fixture("loki-query-range.json"))
    assert skips == []
    failed, slow, plain = events
    assert all(e.kind is EventKind.LOG and e.source == "loki" for e in events)
    assert failed.namespace == "shop" and failed.entity == Entity("Pod", "cart-7d9f8c6b5-x2x9q", "shop")
    assert failed.host == "worker-3"
    assert failed.severity is Severity.ERROR and failed.message == "redis GET failed"
    assert failed.attrs["format"] == "jsonlog" and failed.attrs["container"] == "cart"  # type: ignore[index]
    assert failed.attrs["error"] == "connection refused"  # type: ignore[index]
    assert failed.attrs["labels"]["job"] == "shop/cart"  # type: ignore[index]
    assert failed.time == pytest.approx(1741946053.2)
    assert slow.attrs["format"] == "pylog" and slow.severity is Severity.WARNING  # type: ignore[index]
    assert slow.message == 'slow "checkout"' and slow.attrs["continuation"] == ["\tdetail line"]  # type: ignore[index]
    assert plain.namespace == "edge" and plain.entity == Entity("Pod", "ingress-abc", "edge")
    assert plain.severity is Severity.WARNING  # from the stream's level label
    assert plain.attrs["metadata"] == {"trace_id": "4bf92f3577b34da6"}  # type: ignore[index]
    assert plain.time == 1741946054.0 and plain.attrs["loki_time"] == 1741946054.0  # type: ignore[index]


def test_raw_is_verbatim_in_the_file_and_origin_points_at_the_entry() -> None:
    text = fixture("loki-query-range.json")
    lines = text.splitlines()
    events = read(text)[0]
    assert [e.origin.line for e in events] == [17, 21, 34]  # the lines holding each entry's timestamp
    for event in events:
        assert f'"{event.raw}"' in text  # the JSON string literal, exactly as in the file
        assert str(int((event.attrs or {})["loki_time"] * 1e9))[:12] in lines[event.origin.line - 1]


def test_logcli_jsonl_rows() -> None:
    events, _ = read(fixture("loki-logcli.jsonl"), "x.jsonl")
    boom, hello = events
    assert boom.attrs["format"] == "klog" and boom.severity is Severity.ERROR  # type: ignore[index]
    assert boom.origin.line == 1 and hello.origin.line == 2
    assert hello.time == 1741946054.0 and hello.entity == Entity("Pod", "cart-1", "shop")


def test_tail_frames() -> None:
    events, _ = read(fixture("loki-tail.jsonl"), "tail.jsonl")
    assert [e.message for e in events] == ["tail one", "tail two"]
    assert [e.origin.line for e in events] == [1, 2]


def test_legacy_streams_with_label_strings() -> None:
    doc = {"streams": [{"labels": '{namespace="shop", pod="a-1"}', "entries": [{"ts": "2025-03-14T09:54:13Z", "line": "x"}]}]}
    (event,), _ = read(json.dumps(doc))
    assert event.entity == Entity("Pod", "a-1", "shop") and event.time == 1741946053.0


def test_implausible_line_time_yields_to_the_entry_time() -> None:
    doc = {"data": {"resultType": "streams", "result": [{"stream": {}, "values": [["1741946053000000000", "0314 x"],
           ["1741946053000000000", "I0314 09:54:13.000000 1 x.go:1] year from the hint"]]}]}}  # fmt: skip
    events, _ = read(json.dumps(doc))
    assert all(e.time == 1741946053.0 for e in events)


def test_bad_entries_are_skipped_and_bad_documents_raise() -> None:
    doc = {"data": {"resultType": "streams", "result": [{"stream": {}, "values": [["1", 5], "x", ["1741946053000000000", "ok"]]}]}}
    events, skips = read(json.dumps(doc))
    assert [e.message for e in events] == ["ok"] and len(skips) == 2
    _, skips = read(json.dumps({"data": {"resultType": "matrix", "result": []}}))
    assert skips and "matrix" in skips[0][0]
    with pytest.raises(InputError):
        read("this is not loki\n")


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.sampled_from(
                        ["data", "result", "resultType", "streams", "stream", "values", "labels", "line", "entries"]),
                        c, max_size=4), max_leaves=20))  # fmt: skip
def test_never_raises_anything_but_input_error(doc: object) -> None:
    with contextlib.suppress(InputError):
        read(json.dumps(doc))
