"""Line formats, leading headers and the line-stream driver behind `opslens mine`."""

from __future__ import annotations

import pytest

from opslens.analysis.mining.headers import HeaderStripper
from opslens.analysis.mining.lines import mine_lines
from opslens.analysis.mining.logformat import compile_format


@pytest.mark.parametrize(
    ("fmt", "line", "content"),
    [
        ("<Date> <Time> <Pid> <Level> <Component>: <Content>",
         "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_3 terminating",
         "PacketResponder 1 for block blk_3 terminating"),
        (r"\[<Time>\] \[<Level>\] <Content>",
         "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
         "workerEnv.init() ok /etc/httpd/conf/workers2.properties"),
        (r"<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>",
         "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
         "Invalid user webmaster from 173.234.31.186"),
        ("<Date> <Time>  <Pid>  <Tid> <Level> <Component>: <Content>",  # runs of spaces: any whitespace
         "03-17 16:13:38.811  1702 2395 D WindowManager: printFreezingDisplayLogsopening app wtoken",
         "printFreezingDisplayLogsopening app wtoken"),
    ],
)
def test_log_format_extracts_content(fmt: str, line: str, content: str) -> None:
    parts = compile_format(fmt).split(line)
    assert parts is not None
    assert parts[0] == content


def test_log_format_gives_the_time_of_date_and_time_fields() -> None:
    from opslens.timeparse import Clock

    fmt = compile_format("<Date> <Time> <Level> <Component>: <Content>")
    _, when = fmt.split("2015-10-18 18:01:47,978 INFO org.apache.Foo: started", Clock())
    assert when == pytest.approx(1445191307.978)


@pytest.mark.parametrize(
    ("fmt", "reason"),
    [("<Date> <Time> <Level>", "<Content>"), ("<Content> <Content>", "twice"), ("(<Date> <Content>", "escape")],
)
def test_bad_log_formats_say_why(fmt: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        compile_format(fmt)


def test_line_that_does_not_fit_the_format_is_mined_whole_and_counted() -> None:
    fmt = compile_format("<Level>: <Content>")
    result = mine_lines(["INFO: started worker 1", "garbage without separator", "INFO: started worker 2"], log_format=fmt)
    assert (result.unmatched, result.first_unmatched) == (1, 2)
    assert result.miner.template(result.keys[0]) == "started worker <*>"
    assert result.miner.template(result.keys[1]) == "garbage without separator"


@pytest.mark.parametrize(
    ("line", "message", "level"),
    [
        ("2024-03-14T09:53:20.123Z INFO  started worker 7", "started worker 7", "INFO"),
        ("2015-10-18 18:01:47,978 WARN [main] org.apache.Foo: disk slow", "org.apache.Foo: disk slow", "WARN"),
        ("[2024-03-14 09:53:20] ERROR: cache miss for key 9", "cache miss for key 9", "ERROR"),
        ("Mar 14 02:51:09 web-1 nginx started", "web-1 nginx started", None),
        ("17/06/09 20:10:40 INFO executor.Executor: Running task 0.0", "executor.Executor: Running task 0.0", "INFO"),
        ("2024-03-14 09:53:20 1234 5678 payment accepted", "payment accepted", None),
    ],
)
def test_header_is_stripped(line: str, message: str, level: str | None) -> None:
    stripper = HeaderStripper()
    parts = stripper.split(line)
    assert parts is not None
    assert parts[0] == message
    assert parts[1].level == level
    assert parts[1].time is not None


def test_headers_are_detected_only_when_most_lines_have_one() -> None:
    with_headers = [f"2024-03-14T09:53:{i:02d}Z INFO tick {i}" for i in range(20)]
    assert HeaderStripper.detect(with_headers) is not None
    assert HeaderStripper.detect(["tick 1", "tick 2", "2024-03-14T09:53:00Z tick 3"]) is None
    assert HeaderStripper.detect([]) is None


def test_continuation_lines_take_the_key_of_their_record() -> None:
    lines = [
        "2024-03-14T09:53:20Z ERROR request 17 failed",
        "Traceback (most recent call last):",
        '  File "app.py", line 3, in handler',
        "ValueError: bad input",
        "2024-03-14T09:53:21Z ERROR request 18 failed",
        "\tat com.example.Foo.bar(Foo.java:10)",
    ]
    stripper = HeaderStripper.detect(lines)
    assert stripper is not None
    result = mine_lines(lines, headers=stripper)
    keys = [result.miner.canonical(k) for k in result.keys]
    assert keys[0] == keys[1] == keys[2] == keys[4] == keys[5]
    assert keys[3] != keys[0]  # not indented: a line of its own
    info = result.miner.info(keys[0])
    assert info.template == "request <*> failed"
    assert info.count == 2
    assert info.first_seen == pytest.approx(1710410000.0)


def test_a_big_file_mined_in_two_processes_gives_the_same_templates(tmp_path) -> None:  # noqa: ANN001
    from opslens.analysis.mining.files import mine_file

    lines = []
    for i in range(3000):
        lines.append(f"2024-03-14T09:{i // 60 % 60:02d}:{i % 60:02d}Z INFO worker {i % 7} finished job {i * 13}")
        if i % 10 == 0:
            lines.append(f"2024-03-14T09:{i // 60 % 60:02d}:{i % 60:02d}Z ERROR connection to 10.0.{i % 5}.1 lost")
            lines.append("  at com.example.Pool.take(Pool.java:42)")
        if i >= 2900:  # only in the part the second process mines
            lines.append(f"2024-03-14T10:00:00Z WARN cache warmed in {i} ms")
    path = tmp_path / "big.log"
    path.write_text("\n".join(lines) + "\n")
    headers = HeaderStripper.detect(lines[:200])
    one = mine_file(path, headers=headers, jobs=1)
    two = mine_file(path, headers=headers, jobs=2, min_parallel_bytes=0)
    assert two.lines == one.lines == len(lines)
    as_text = [[r.miner.template(k) for k in r.keys] for r in (one, two)]
    assert as_text[0] == as_text[1]
    assert {t.template: t.count for t in one.miner.templates()} == {t.template: t.count for t in two.miner.templates()}
    # origins of the second part are the file's line numbers
    warmed = next(t for t in two.miner.templates() if "warmed" in t.template)
    first = lines.index("2024-03-14T10:00:00Z WARN cache warmed in 2900 ms") + 1
    assert warmed.examples[0].origin == str(first)
    assert two.miner.info(two.keys[-1]).template == "cache warmed in <*> ms"


@pytest.mark.parametrize(("cores", "load", "jobs"), [(2, 0.2, 2), (2, 1.7, 1), (1, 0.0, 1), (8, 3.0, 2)])
def test_a_second_process_only_when_a_core_is_idle(monkeypatch, cores: int, load: float, jobs: int) -> None:  # noqa: ANN001
    from opslens.analysis.mining import files

    monkeypatch.setattr(files.os, "cpu_count", lambda: cores)
    monkeypatch.setattr(files.os, "getloadavg", lambda: (load, load, load))
    assert files.default_jobs() == jobs
