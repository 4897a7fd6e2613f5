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
_SPRING = re.compile(r"(?:" + _TS + r" +)?" + _LV + r" +(\d+) +--- +((?:\[[^\]]*\] +)+)(\S+) *: ")
_TS_OR_TIME = _TS[:-1] + r"|\d\d:\d\d:\d\d(?:[.,]\d+)?)"  # logback's default `%d{HH:mm:ss.SSS}` has no date
_LOGBACK = re.compile(
    _TS_OR_TIME + r" +(?:\[([^\]]+)\] +)?" + _LV + r" +(?:\[([^\]]+)\] +)?([\w$.]+(?::\d+)?)(?: +\[[^\]]*\])? *(?:-|:) "
)
_JBOSS = re.compile(_TS + r" +" + _LV + r" +\[([^\]]+)\] +\(([^)]+)\) ")
_KAFKA = re.compile(r"\[" + _TS + r"\] " + _LV + r" ")
_KAFKA_LOGGER = re.compile(r" \(([\w$.]+)\)$")
_ELASTIC = re.compile(r"\[" + _TS + r"\]\[" + _LV + r" *\]\[([^\]]+?) *\] ")


def _spring(m: re.Match[str]) -> tuple[str, str, dict[str, Any]]:
    stamp, level, pid, brackets, logger = m.groups()
    groups = [b.strip() for b in brackets.strip()[1:-1].split("] [")]
    attrs: dict[str, Any] = {"level": level, "logger": logger, "pid": int(pid)}
    if len(groups) >= 2:  # Boot 3.2+: [application] [thread] (and maybe [correlation])
        attrs["application"], attrs["thread"] = groups[0], groups[1]
        if len(groups) >= 3 and groups[2]:
            attrs["correlation"] = groups[2]
    else:
        attrs["thread"] = groups[0]
    return stamp, level, attrs


def make(clock: Clock) -> LineParser:
    """The JVM-layout parser for one file."""
    iso = clock.iso

    def stamped(line: str) -> Parsed | None:
        m = _SPRING.match(line)
        if m is not None:
            stamp, level, attrs = _spring(m)
        elif (m := _LOGBACK.match(line)) is not None:
            stamp, thread1, level, thread2, logger = m.groups()
            attrs = {"level": level, "logger": logger}
            if thread1 or thread2:
                attrs["thread"] = thread1 or thread2
        elif (m := _JBOSS.match(line)) is not None:
            stamp, level, logger, thread = m.groups()
            attrs = {"level": level, "logger": logger, "thread": thread}
        else:
            return None
        when = iso(stamp) if stamp and len(stamp) >= 19 else None  # a time without a date: inferred later
        return NAME, when, LEVELS.get(level, Severity.UNKNOWN), line[m.end() :], attrs

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
        if c == "[":
            return bracketed(line) if line[5:6] == "-" else None
        if c.isdigit():
            return stamped(line) if line[4:5] == "-" or line[2:3] == ":" else None
        if c in "TDIWEFSN" and " --- " in line[:40]:  # Spring Boot without a date pattern
            return stamped(line)
        return None

    return parse


FORMAT = register(LineFormat(NAME, make, first="0123456789[TDIWEFSN", order=40,
                             description="Spring Boot, logback/log4j2, JBoss/Quarkus, Kafka, Elasticsearch"))  # fmt: skip
