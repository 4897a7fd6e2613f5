"""The text-log reader end to end: runtime wrappers, per-line formats, multi-line records,
inferred times, identity from the path, verbatim raw text and line numbers, sniffing."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest

from opslens.events import Entity, Event, EventKind, Severity
from opslens.sources.base import (
    Identity,
    ReadContext,
    SourceFile,
    choose_reader,
    get_reader,
    identity_from_path,
)
from opslens.sources.readers.textlog import TextLogReader

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "logs"
POD = Identity(namespace="shop", pod="cart-7d9f8c6b5-x2x9q", container="cart")


def at(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def read(text: str, identity: Identity = POD, year: int | None = 2025, name: str = "pod.log") -> list[Event]:
    ctx = ReadContext(SourceFile(name, identity=identity), year_hint=year)
    return list(TextLogReader().read(io.StringIO(text), ctx))


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_registered_under_its_name() -> None:
    assert get_reader("textlog") is TextLogReader
    assert TextLogReader.needs_year is True


def test_identity_from_the_path_fills_namespace_entity_container() -> None:
    event = read("2025-03-14T02:51:09Z hello\n")[0]
    assert event.namespace == "shop"
    assert event.entity == Entity("Pod", "cart-7d9f8c6b5-x2x9q", "shop")
    assert event.attrs is not None and event.attrs["container"] == "cart"
    assert event.host is None and event.kind is EventKind.LOG


def test_a_file_without_identity_has_none() -> None:
    event = read("2025-03-14T02:51:09Z hello\n", identity=Identity())[0]
    assert (event.namespace, event.entity) == (None, None)
    assert "container" not in (event.attrs or {})


def test_every_physical_line_is_in_exactly_one_event_raw_with_the_first_line_cited() -> None:
    for name in ["cri.log", "spring.log", "python.log", "mixed.log", "kubectl-timestamps.log", "docker-json.log"]:
        text = fixture(name)
        events = read(text, name=name)
        physical = text.splitlines()
        rebuilt = [line for e in events for line in e.raw.split("\n")]
        assert [line for line in rebuilt if line.strip()] == [line for line in physical if line.strip()], name
        for event in events:
            assert event.origin.path == name
            assert physical[event.origin.line - 1] == event.raw.split("\n")[0], name  # type: ignore[operator]


def test_cri_lines_json_inside_partials_joined_and_panics_folded() -> None:
    events = read(fixture("cri.log"))
    listening, failed, slow, panic, plain = events
    assert (listening.source, listening.message, listening.time) == ("jsonlog", "listening", 1741946052.099)
    assert listening.attrs["cri_time"] == pytest.approx(at("2025-03-14T09:54:12.1Z"))  # type: ignore[index]
    assert listening.attrs["stream"] == "stdout"  # type: ignore[index]
    assert failed.severity is Severity.ERROR
    assert failed.attrs["error"].endswith("connection refused")  # type: ignore[index]
    assert slow.message == "slow request took a long time" and slow.severity is Severity.WARNING
    assert slow.raw.count("\n") == 2 and slow.origin.line == 3
    assert panic.message.startswith("runtime error: invalid memory address")
    assert panic.attrs["stream"] == "stderr"  # type: ignore[index]
    assert panic.attrs["continuation"][-1] == "exit status 2"  # type: ignore[index]
    assert "goroutine 42 [running]:" in panic.attrs["continuation"]  # type: ignore[index]
    assert panic.raw.split("\n")[0].startswith("2025-03-14T09:54:15.000000000Z stderr F panic:")
    assert (plain.source, plain.message, plain.severity) == ("cri", "plain text from the entrypoint script", Severity.UNKNOWN)
    assert plain.time == at("2025-03-14T09:54:16.5Z") and not plain.time_inferred


def test_spring_stack_trace_with_blank_line_and_caused_by_is_one_event() -> None:
    started, warn, error, request, uncaught = read(fixture("spring.log"))
    assert (started.source, started.severity, started.attrs["thread"]) == ("java", Severity.INFO, "main")  # type: ignore[index]
    assert error.severity is Severity.ERROR
    cont = error.attrs["continuation"]  # type: ignore[index]
    assert cont[0].startswith("org.springframework.dao.DataAccessResourceFailureException")
    assert cont[-1] == "\t... 48 common frames omitted" and "Caused by: java.net.ConnectException: Connection refused" in cont
    assert "\n\norg.springframework" in error.raw  # the blank line is kept in the verbatim text
    assert request.message == "GET /orders/17 -> 200 (8 ms)"
    # an uncaught exception after an INFO line is its own record, timed from its neighbour
    assert uncaught.message.startswith('Exception in thread "scheduler-1"')
    assert uncaught.time == request.time and uncaught.time_inferred
    assert uncaught.attrs["continuation"] == ["\tat com.example.orders.Jobs.run(Jobs.java:12)"]  # type: ignore[index]


def test_python_traceback_and_untimed_neighbours() -> None:
    events = read(fixture("python.log"))
    first, second, batch, failed, retry = events[:5]
    # leading untimed lines take the time of the next timestamped line
    assert first.time == second.time == batch.time == at("2025-03-14T09:54:13.342Z")
    assert first.time_inferred and second.time_inferred and not batch.time_inferred
    assert first.message == "Starting worker (no timestamp yet)" and first.severity is Severity.UNKNOWN
    assert failed.attrs["continuation"][0] == "Traceback (most recent call last):"  # type: ignore[index]
    assert failed.attrs["continuation"][-1] == "TimeoutError: timed out after 30s"  # type: ignore[index]
    # a plain line after the traceback is not part of it; it takes the previous time
    assert retry.message == "retrying in 5s" and retry.time == failed.time and retry.time_inferred
    uvicorn_500 = events[7]
    assert uvicorn_500.severity is Severity.ERROR and uvicorn_500.attrs["status"] == 503  # type: ignore[index]
    assert events[-1].message == "Trying again in 2.00 seconds... (1/100)"


def test_mixed_formats_in_one_file() -> None:
    events = read(fixture("mixed.log"))
    assert [e.source for e in events] == [
        "nginx", "nginx", "nginx", "nginx", "text", "text", "jsonlog", "klog", "klog", "logfmt", "redis",
        "postgres", "postgres", "apache", "text", "text",
    ]  # fmt: skip
    statement = events[12]
    assert statement.attrs["continuation"] == ["2025-03-14 09:55:01.000 UTC [124] orders@orders STATEMENT:  SELECT * FROM carts"]  # type: ignore[index]
    assert events[4].time_inferred and events[4].time == events[3].time


def test_kubectl_timestamps_and_docker_json_file() -> None:
    booted, klog, plain = read(fixture("kubectl-timestamps.log"))
    assert booted.source == "jsonlog" and booted.time == pytest.approx(at("2025-03-14T09:54:12.123456789Z"))
    assert klog.source == "klog" and klog.severity is Severity.ERROR
    assert klog.time == pytest.approx(at("2025-03-14T09:54:13.0001Z"))  # the application's own time wins
    assert klog.attrs["cri_time"] == at("2025-03-14T09:54:13Z")  # type: ignore[index]
    assert plain.message == "plain line with a docker -t stamp" and plain.time == at("2025-03-14T09:54:14.5Z")
    ready, joined = read(fixture("docker-json.log"))
    assert (ready.source, ready.message, ready.attrs["stream"]) == ("pylog", "ready", "stdout")  # type: ignore[index]
    assert joined.message == "first half of a long line and its second half" and joined.raw.count("\n") == 1


def test_an_implausible_application_time_yields_to_the_runtime_time() -> None:
    # a klog stamp read with the wrong year hint is a year off the CRI time: the CRI time wins
    line = "2025-03-14T09:54:13.000000000Z stderr F E0314 09:54:13.000100 1 x.go:1] boom\n"
    event = read(line, year=2019)[0]
    assert event.time == at("2025-03-14T09:54:13Z")
    assert event.attrs["app_time"] == at("2019-03-14T09:54:13.0001Z")  # type: ignore[index]


def test_untimed_file_stays_untimed_and_nothing_is_dropped() -> None:
    events = read("starting\nready\n\n  indented detail\ndone\n")
    assert [e.message for e in events] == ["starting", "ready", "done"]
    assert events[1].attrs["continuation"] == ["  indented detail"]  # type: ignore[index]
    assert events[1].raw == "ready\n\n  indented detail"
    assert all(e.time is None and not e.time_inferred for e in events)


def test_lines_are_counted() -> None:
    ctx = ReadContext(SourceFile("x.log"))
    list(TextLogReader().read(io.StringIO("a\n\nb\n  c\n"), ctx))
    assert ctx.lines == 4


def test_windows_line_endings_are_not_part_of_the_message() -> None:
    event = read("2025-03-14 09:54:13,342 - a - INFO - hello\r\n")[0]
    assert event.message == "hello" and event.raw == "2025-03-14 09:54:13,342 - a - INFO - hello"


def test_input_ending_inside_a_partial_line_keeps_it() -> None:
    events = read("2025-03-14T09:54:14.0Z stdout P half a li\n2025-03-14T09:54:14.1Z stdout P ne\n")
    assert len(events) == 1 and events[0].message == "half a line"


def test_long_stack_traces_are_bounded() -> None:
    text = "2025-03-14T09:54:14Z ERROR boom\n" + "\tat x.y(Z.java:1)\n" * 5000
    events = read(text)
    assert sum(len(e.raw.split("\n")) for e in events) == 5001
    assert all(len(e.raw.split("\n")) <= 2001 for e in events)


def test_identity_from_kubelet_paths_is_used_as_given() -> None:
    name = "/var/log/pods/shop_cart-7d9f8c6b5-x2x9q_0d6a3e59-71b4-4c2f-a8e3-5b90c1f7d246/cart/0.log"
    event = read("2025-03-14T02:51:09Z hi\n", identity=identity_from_path(name), name=name)[0]
    assert event.entity == Entity("Pod", "cart-7d9f8c6b5-x2x9q", "shop")


# --- sniffing ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cri.log", "spring.log", "python.log", "mixed.log", "kubectl-timestamps.log",
                                  "docker-json.log"])  # fmt: skip
def test_app_logs_score_between_half_and_seventy(name: str) -> None:
    score = TextLogReader.sniff(fixture(name), name)
    assert 0.5 <= score <= 0.7


@pytest.mark.parametrize(
    ("head", "score"),
    [("", 0.0), ("   \n\n", 0.0), ("just prose\nmore prose\n", 0.05), ("\x00\x01binary", 0.0),
     ('{"__REALTIME_TIMESTAMP":"1","MESSAGE":"x"}\n', 0.05),
     ('{\n  "apiVersion": "v1",\n  "items": []\n}\n', 0.05)],
)  # fmt: skip
def test_fallback_scores(head: str, score: float) -> None:
    assert TextLogReader.sniff(head, "x") == score


def test_loses_to_the_structured_readers() -> None:
    journald = '{"__REALTIME_TIMESTAMP":"1741920669000000","MESSAGE":"x","PRIORITY":"6","_HOSTNAME":"h"}\n' * 3
    syslog = "Mar 14 02:51:09 worker-1 kubelet[1187]: started\n" * 5
    for head in (journald, syslog):
        reader, _ = choose_reader(head, "x")
        assert reader is not None and reader.name != "textlog"


def test_chosen_for_app_logs() -> None:
    reader, score = choose_reader(fixture("mixed.log"), "mixed.log")
    assert reader is TextLogReader and score >= 0.5


def test_sniff_never_raises_on_a_cut_head() -> None:
    head = fixture("cri.log") * 200
    assert 0.5 <= TextLogReader.sniff(head[:65536], "x") <= 0.7


def test_kubectl_prefix_names_each_lines_pod_and_container() -> None:
    text = (
        '[pod/cart-1/cart] 2025-03-14T09:54:14.000000000Z {"level":"warn","msg":"x"}\n'
        "[pod/cart-2/istio-proxy] plain words\n"
    )
    first, second = read(text, identity=Identity(namespace="shop"))
    assert first.entity == Entity("Pod", "cart-1", "shop") and first.attrs["container"] == "cart"  # type: ignore[index]
    assert (first.source, first.message, first.time) == ("jsonlog", "x", at("2025-03-14T09:54:14Z"))
    assert second.entity == Entity("Pod", "cart-2", "shop") and second.attrs["container"] == "istio-proxy"  # type: ignore[index]
    assert second.message == "plain words" and second.raw.startswith("[pod/cart-2/istio-proxy] ")


def test_byte_order_mark_and_terminal_colours_do_not_hide_the_format() -> None:
    text = "\ufeff2025-03-14 09:54:13,342 - a - INFO - first\n\x1b[31mERROR\x1b[0m:    boom\n"
    first, coloured = read(text)
    assert (first.source, first.message) == ("pylog", "first")
    assert coloured.severity is Severity.ERROR and coloured.message == "boom"
    assert coloured.raw == "\x1b[31mERROR\x1b[0m:    boom"  # raw stays verbatim


def test_year_less_lines_take_the_year_of_the_files_own_dates_before_the_hint() -> None:
    text = "2023-03-14 09:00:00,000 - a - INFO - dated\nE0314 09:00:01.000000 1 x.go:1] year-less\n"
    dated, yearless = read(text, year=2025)
    assert yearless.time == at("2023-03-14T09:00:01Z")
    assert read("E0314 09:00:01.000000 1 x.go:1] alone\n", year=2025)[0].time == at("2025-03-14T09:00:01Z")


def test_dotnet_console_takes_its_message_from_the_indented_line() -> None:
    text = "info: Microsoft.Hosting.Lifetime[14]\n      Now listening on: http://[::]:8080\nfail: App.Orders[0]\n      Order 7 failed\n"
    started, failed = read(text)
    assert (started.message, started.severity) == ("Now listening on: http://[::]:8080", Severity.INFO)
    assert started.attrs["logger"] == "Microsoft.Hosting.Lifetime"  # type: ignore[index]
    assert (failed.message, failed.severity) == ("Order 7 failed", Severity.ERROR)


def test_logcli_default_output_labels_name_the_pod() -> None:
    text = (
        '2025-03-14T09:54:13.123456Z {app="cart", namespace="shop", pod="cart-1", container="cart"} '
        '{"level":"error","msg":"boom"}\n'
        '2025-03-14T09:54:14.5Z {app="web"} plain line\n'
    )
    boom, plain = read(text, identity=Identity())
    assert (boom.namespace, boom.entity) == ("shop", Entity("Pod", "cart-1", "shop"))
    assert (boom.source, boom.message, boom.severity) == ("jsonlog", "boom", Severity.ERROR)
    assert boom.attrs["container"] == "cart"  # type: ignore[index]
    assert plain.entity is None and plain.message == "plain line"
