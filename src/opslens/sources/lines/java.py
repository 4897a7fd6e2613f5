"""JVM logging layouts: Spring Boot's console pattern, logback/log4j2 patterns, JBoss/Quarkus,
Kafka/ZooKeeper and Elasticsearch.

- Spring Boot 3.x: `2025-03-14T09:54:12.589Z  INFO 1 --- [app] [thread] logger : msg`
  (2.x: `2025-03-14 09:54:12.589  INFO 1 --- [thread] logger : msg`; the level is padded to 5)
- logback/log4j2: `2025-03-14 02:51:09.123 [thread] LEVEL logger - msg` (also logback's
  default `02:51:09.123 [thread] LEVEL logger - msg`, whose date comes from a neighbour),
  `2025-03-14 02:51:09,123 LEVEL [thread] logger - msg`, `... LEVEL logger:42 - msg`
- JBoss/WildFly/Quarkus/Keycloak: `2025-03-14 02:51:09,123 INFO  [io.quarkus] (main) msg`
- Kafka/ZooKeeper log4j: `[2025-03-14 02:51:09,123] INFO msg (kafka.server.KafkaServer)`
- Elasticsearch/OpenSearch: `[2025-03-14T02:51:09,123][INFO ][o.e.n.Node    ] [node-1] msg`
"""

from __future__ import annotations

import re
from typing import Any

from opslens.events import Severity
from opslens.sources.lines.base import LineFormat, LineParser, Parsed, register
from opslens.sources.lines.levels import LEVELS
from opslens.timeparse import Clock

NAME = "java"
_LV = r"(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE|FINE|FINER|FINEST|CONFIG|NOTICE)"
_TS = r"(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?)"
# Headers: what follows the timestamp up to and including the separator before the message.
_SPRING = re.compile(
    r" +" + _LV + r" +(\d+) +--- +\[ *([^\]]*)\] +(?:\[ *([^\]]*)\] +)?(?:\[([^\]]*)\] +)?(\S+) *: "
)
_LOGBACK = re.compile(
    r" +(?:\[([^\]]+)\] +)?" + _LV + r" +(?:\[([^\]]+)\] +)?([\w$.]+(?::\d+)?)(?: +\[[^\]]*\])? *(?:-|:) "
)
_JBOSS = re.compile(r" +" + _LV + r" +\[([^\]]+)\] +\(([^)]+)\) ")
_KAFKA = re.compile(r"\[" + _TS + r"\] " + _LV + r" ")
_KAFKA_LOGGER = re.compile(r" \(([\w$.]+)\)$")
_ELASTIC = re.compile(r"\[" + _TS + r"\]\[" + _LV + r" *\]\[([^\]]+?) *\] ")
_HEADER_CACHE = 4096
_NO_HEADER = (None, None)
_NEVER: tuple[None, None] = tuple([None, None])  # type: ignore[assignment]  # a distinct object: "not a JVM header, not even the slow way"
Header = tuple[Severity | None, dict[str, Any] | None]


def parse_header(header: str, full: bool = True) -> tuple[Header, int]:
    """(severity, attrs) of a header (the text between the timestamp and the message) and
    where it ends; `full` requires the header to be the whole string."""
    for regex, build in _HEADERS:
        m = regex.fullmatch(header) if full else regex.match(header)
        if m is not None:
            level, attrs = build(m)
            return (LEVELS.get(level, Severity.UNKNOWN), attrs), m.end()
    return _NO_HEADER, -1


def _spring(m: re.Match[str]) -> tuple[str, dict[str, Any]]:
    level, pid, first, second, correlation, logger = m.groups()
    if second is None:  # Boot 2.x/3.0-3.1: [thread]
        return level, {"level": level, "logger": logger, "pid": int(pid), "thread": first}
    # Boot 3.2+: [application] [thread] and, with tracing, [correlation]
    attrs: dict[str, Any] = {"level": level, "logger": logger, "pid": int(pid), "application": first, "thread": second}
    if correlation:
        attrs["correlation"] = correlation
    return level, attrs


def _logback(m: re.Match[str]) -> tuple[str, dict[str, Any]]:
    thread1, level, thread2, logger = m.groups()
    attrs = {"level": level, "logger": logger}
    if thread1 or thread2:
        attrs["thread"] = thread1 or thread2
    return level, attrs


def _jboss(m: re.Match[str]) -> tuple[str, dict[str, Any]]:
    level, logger, thread = m.groups()
    return level, {"level": level, "logger": logger, "thread": thread}


_HEADERS = ((_SPRING, _spring), (_LOGBACK, _logback), (_JBOSS, _jboss))


def make(clock: Clock) -> LineParser:
    """The JVM-layout parser for one file.

    Headers repeat (same level, logger and thread on many lines), so a header is parsed once
    and its (severity, attrs) cached; a line then costs two `find`s and a dict lookup.
    """
    iso = clock.iso
    cache: dict[str, Header] = {}

    def stamped(line: str, ts_end: int) -> Parsed | None:
        sep = line.find(" : ", ts_end, ts_end + 200)
        dash = line.find(" - ", ts_end, sep if sep > 0 else ts_end + 200)
        if dash > 0:
            sep = dash
        header = line[ts_end : sep + 3] if sep > 0 else None
        found = cache.get(header) if header is not None else None
        if found is None and header is not None:
            found, _ = parse_header(header)
            if len(cache) < _HEADER_CACHE:
                cache[header] = found
        if found is _NEVER:
            return None
        if found is None or found[0] is None:  # no separator (JBoss) or an unusual header: the slow way
            if "] (" not in line and "] : " not in line and "]: " not in line:
                return None  # not even JBoss's `[logger] (thread)`: spare three regexes
            found, end = parse_header(line[ts_end:], full=False)
            if found[0] is None:
                if header is not None and len(cache) < _HEADER_CACHE:
                    cache[header] = _NEVER  # lines with this header are not JVM lines (a Python line, say)
                return None
            sep = ts_end + end - 3
        stamp = line[:ts_end]
        when = iso(stamp) if len(stamp) >= 19 else None  # a time without a date: inferred later
        return NAME, when, found[0], line[sep + 3 :], found[1].copy()  # type: ignore[union-attr]

    def bracketed(line: str) -> Parsed | None:
        m = _KAFKA.match(line)
        if m is not None:
            stamp, level = m.groups()
            message, attrs = line[m.end() :], {"level": level}
            tail = _KAFKA_LOGGER.search(message)
            if tail is not None:
                attrs["logger"] = tail.group(1)
        elif (m := _ELASTIC.match(line)) is not None:
            stamp, level, logger = m.groups()
            message, attrs = line[m.end() :], {"level": level, "logger": logger}
        else:
            return None
        return NAME, iso(stamp), LEVELS.get(level, Severity.UNKNOWN), message, attrs

    def parse(line: str) -> Parsed | None:
        c = line[:1]
        if "0" <= c <= "9":
            if line[4:5] == "-":  # 2025-03-14T09:54:12.589Z / 2025-03-14 09:54:12,589
                ts_end = line.find(" ", 20 if line[10:11] == " " else 19, 40)
            elif line[2:3] == ":":  # logback's default time of day
                ts_end = line.find(" ", 8, 20)
            else:
                return None
            return stamped(line, ts_end) if ts_end > 0 else None
        if c == "[":
            return bracketed(line) if line[5:6] == "-" else None
        if c in "TDIWEFSN" and " --- " in line[:40]:  # Spring Boot without a date pattern
            return stamped(" " + line, 0)
        return None

    return parse


FORMAT = register(LineFormat(NAME, make, first="0123456789[TDIWEFSN", order=40,
                             description="Spring Boot, logback/log4j2, JBoss/Quarkus, Kafka, Elasticsearch"))  # fmt: skip
