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
