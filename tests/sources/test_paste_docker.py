"""Pasted container output: `docker logs` with and without `-t`, and `docker compose logs`
(compose v2 `web-1  | ...`, v1 `web_1  | ...`, coloured, with `-t`)."""

from __future__ import annotations

import io
import re

import pytest
from paste_helpers import chosen, iso, paste_text, physical_lines, read_with

from opslens.events import Entity, Severity
from opslens.sources.base import ReadContext, SourceFile, identity_from_path
from opslens.sources.lines._compose import looks_like_compose
from opslens.sources.lines.cri import split_compose_prefix
from opslens.sources.readers.syslog import SyslogReader
from opslens.sources.readers.textlog import TextLogReader

# fixture -> [(line, time, container, severity)] of every event
COMPOSE = {
    "compose-v2.txt": [
        (1, "2024-03-04T10:01:02.118000Z", None, Severity.UNKNOWN),  # `Attaching to ...`
        (3, "2024-03-04T10:01:02.118000Z", "db-1", Severity.UNKNOWN),
        (5, "2024-03-04T10:01:02.118000Z", "db-1", Severity.INFO),
        (6, "2024-03-04T10:01:02.118000Z", "web-1", Severity.INFO),  # untimed: the paste's neighbour
        (7, "2024-03-04T10:01:02.118000Z", "web-1", Severity.INFO),
        (8, "2024-03-04T10:01:02.301000Z", "db-1", Severity.INFO),
        (9, "2024-03-04T10:01:02.301000Z", "web-1", Severity.ERROR),  # traceback: 9, 10, 12, 13
        (11, "2024-03-04T10:01:03.002000Z", "db-1", Severity.CRITICAL),
        (14, "2024-03-04T10:01:03.002000Z", "web-1", Severity.ERROR),
        (15, "2024-03-04T10:01:03.002000Z", "web-1", Severity.UNKNOWN),  # `web-1 exited with code 3`
    ],
    "compose-v1.txt": [
        (1, "2024-03-04T10:01:02.118000Z", None, Severity.UNKNOWN),
        (2, "2024-03-04T10:01:02.118000Z", "redis_1", Severity.WARNING),
        (3, "2024-03-04T10:01:02.120000Z", "redis_1", Severity.NOTICE),
        (4, "2024-03-04T10:01:04.512000Z", "worker_1", Severity.ERROR),
        (5, "2024-03-04T10:01:04.512000Z", "worker_1", Severity.UNKNOWN),
        (6, "2024-03-04T10:01:05Z", "redis_1", Severity.WARNING),
    ],
    "compose-ansi.txt": [
        (1, "2024-03-04T10:01:02.118000Z", "api-1", Severity.INFO),
        (2, "2024-03-04T10:01:03Z", "worker-1", Severity.ERROR),
        (3, "2024-03-04T10:01:04.500000Z", "api-1", Severity.WARNING),
        (4, "2024-03-04T10:01:03Z", "worker-1", Severity.CRITICAL),  # its own service's time
    ],
    "compose-t.txt": [
        (1, "2024-03-04T10:01:02Z", "proxy-1", Severity.INFO),
        (2, "2024-03-04T10:01:03.500000Z", "api-1", Severity.UNKNOWN),  # frames 3 and 5 fold in
        (4, "2024-03-04T10:01:04Z", "proxy-1", Severity.ERROR),
    ],
}


@pytest.mark.parametrize("name", sorted(COMPOSE))
def test_compose_logs(name: str) -> None:
    text = paste_text(name)
    assert chosen(text, name) == "textlog"
    assert TextLogReader.sniff(text, name) == 0.7
    result = read_with(TextLogReader, text, name)
    got = [(e.origin.line, iso(e.time), (e.attrs or {}).get("container"), e.severity) for e in result.events]
    assert got == COMPOSE[name]
    assert result.ctx is not None and result.ctx.lines == len(text.splitlines())
    for event in result.events:
        assert event.entity is None and event.host is None  # compose names are no pods
        assert set(event.raw.split("\n")) <= physical_lines(text)  # verbatim, prefix and colours kept
        if (container := (event.attrs or {}).get("container")) is not None:
            assert (event.attrs or {})["service"] == re.sub(r"[-_]\d+$", "", container)


def test_a_traceback_folds_within_its_service_across_other_services_lines() -> None:
    text = paste_text("compose-v2.txt")
    traceback = read_with(TextLogReader, text).events[6]
    lines = text.splitlines()
    assert traceback.raw == "\n".join([lines[8], lines[9], lines[11], lines[12]])
    assert (traceback.attrs or {})["continuation"][-1].startswith("asyncpg.exceptions.InvalidPasswordError")
    stack = read_with(TextLogReader, paste_text("compose-t.txt")).events[1]
    assert stack.raw.count("\n") == 2 and "Api.java:41" in stack.raw


def test_exited_lines_name_their_container_and_code() -> None:
    exited = read_with(TextLogReader, paste_text("compose-v2.txt")).events[-1]
    assert exited.attrs == {"container": "web-1", "service": "web", "exit_code": 3}


def test_colours_stay_in_raw_but_not_in_the_message() -> None:
    fatal = read_with(TextLogReader, paste_text("compose-ansi.txt")).events[3]
    assert "\x1b[31m" in fatal.raw and fatal.message == "giving up after 5 attempts"


def test_a_kubelet_path_still_names_the_pod() -> None:
    name = "/var/log/pods/shop_cart-7d9f8c6b5-x2x9q_0123abcd-4567-89ab-cdef-0123456789ab/cart/0.log"
    ctx = ReadContext(SourceFile(name, identity=identity_from_path(name)))
    events = list(TextLogReader().read(io.StringIO(paste_text("compose-v1.txt")), ctx))
    assert {e.entity for e in events} == {Entity("Pod", "cart-7d9f8c6b5-x2x9q", "shop")}
    assert (events[1].attrs or {})["container"] == "redis_1"  # the prefix names the container


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("web-1  | hello", ("web-1", "hello", 7)),
        ("web_1   | ", ("web_1", "", 8)),
        ("web-1  |", ("web-1", "", 7)),
        ("\x1b[36mapi-1  |\x1b[0m {}", ("api-1", "{}", 7)),
        ("project-web-1  | x", ("project-web-1", "x", 15)),
        ("| a | b |", None),
        (" 1 | foo", None),  # psql rows start with a space
        ("web-1 |x", None),
        ("a b | c", None),
    ],
)
def test_split_compose_prefix(line: str, expected: tuple[str, str, int] | None) -> None:
    assert split_compose_prefix(line) == expected


@pytest.mark.parametrize(
    ("text", "compose"),
    [
        ("web-1  | a\ndb-1   | b\nweb-1  | c\n", True),
        ("web-1  | a\n", False),  # one line says little
        ("name | value\nlonger name | other\nx | y\n", False),  # bars in different columns
        ("web-1  | a\nplain\nplain\nplain\n", False),
    ],
)
def test_looks_like_compose(text: str, compose: bool) -> None:
    assert looks_like_compose(text.splitlines()) is compose


# `docker logs` without compose: fixture -> [(line, time, severity)]
DOCKER = {
    "docker-logs-t.txt": [
        (1, "2024-03-04T10:01:02.118702Z", Severity.UNKNOWN),
        (2, "2024-03-04T10:01:02.118902Z", Severity.DEBUG),
        (3, "2024-03-04T10:01:03.000124Z", Severity.UNKNOWN),  # .000123456, to the microsecond
        (4, "2024-03-04T10:01:04.500000Z", Severity.CRITICAL),  # the panic with its goroutine
        (6, "2024-03-04T10:01:04.500000Z", Severity.UNKNOWN),
    ],
    "docker-logs-t-levels.txt": [
        (1, "2024-03-04T10:01:02Z", Severity.NOTICE),
        (2, "2024-03-04T10:01:02Z", Severity.CRITICAL),
        (3, "2024-03-04T10:01:02.120000Z", Severity.UNKNOWN),
    ],
    "docker-logs-plain.txt": [
        (1, "2024-03-04T10:01:02Z", Severity.UNKNOWN),
        (2, "2024-03-04T10:01:02Z", Severity.UNKNOWN),
        (3, "2024-03-04T10:01:02Z", Severity.UNKNOWN),
        (4, "2024-03-04T10:01:02Z", Severity.UNKNOWN),
        (5, "2024-03-04T10:01:02Z", Severity.CRITICAL),
        (6, "2024-03-04T10:01:02Z", Severity.UNKNOWN),
    ],
}


@pytest.mark.parametrize("name", sorted(DOCKER))
def test_docker_logs(name: str) -> None:
    text = paste_text(name)
    assert chosen(text, name) == "textlog"
    assert SyslogReader.sniff(text, name) == 0.0
    events = read_with(TextLogReader, text, name).events
    assert [(e.origin.line, iso(e.time), e.severity) for e in events] == DOCKER[name]
    lines = text.splitlines()
    for event in events:
        assert event.raw.split("\n")[0] == lines[event.origin.line - 1]
        assert (event.attrs or {}).get("container") is None and event.entity is None
