"""The fallback: any line with a leading (or early embedded) timestamp and an optional level.

Covers the long tail of layouts no dedicated module knows: Go's `log` package
(`2025/03/14 02:51:09 msg`), zerolog/Rust tracing consoles (`2025-...Z  INFO target: msg`),
MySQL (`2025-...Z 0 [Warning] [MY-010068] [Server] msg`), RabbitMQ (`... [info] <0.9.0> msg`),
Envoy (`[2025-03-14 02:51:09.123][1][info][main] msg`), Android logcat
(`03-17 16:13:38.811  1702  2395 D Tag: msg`), NestJS (`[Nest] 1  - 03/14/2025, 2:51:09 AM
LOG [Ctx] msg`), Ruby's Logger
(`I, [2025-03-14T02:51:09.123456 #1]  INFO -- app: msg`), docker compose prefixes
(`web-1  | 2025-...`), times of day without a date (`02:51:09.123 WARN ...`, timed later from a
neighbour), and untimed lines that start with a level (`[INFO] ...` CoreDNS,
`WARN[0000] ...` logrus on a TTY, `info: Microsoft.Hosting.Lifetime[14]` .NET, `ERROR: ...`).
Not sticky: a more specific format is always tried before it.
"""

from __future__ import annotations

import re
from typing import Any

from opslens.events import Severity
from opslens.sources.lines.base import LineFormat, LineParser, Parsed, register
from opslens.sources.lines.levels import LEVELS, PLAIN_LEVELS
from opslens.timeparse import Clock

NAME = "text"
_EMBEDDED = re.compile(r"\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d")
_EMBED_WITHIN = 48
# after the timestamp: separators, an optional thread/pid number, up to three [tags], then a
# level word that may be bracketed (padded to a width: fluent-bit's `[ info]`), angled or
# followed by a colon
_LEVEL_WORDS = "|".join(sorted(LEVELS, key=len, reverse=True))
_LEVEL_AFTER = re.compile(
    r"[\s|:,\-\]]*(?:\d+\s+)?(?:\[[^\]\s]{1,40}\][\s|:\-]*){0,3}?([\[<(]?) ?(" + _LEVEL_WORDS
    + r")([\]>):]?)(?=[\s\[|:]|$)[\]\s|:>\-]*"
)
_UPTIME = re.compile(r"\[\s*\d+\.\d+s?\]\s+")
_DOTNET = re.compile(r"(trce|dbug|info|warn|fail|crit): ([\w.`+<>]+)\[(\d+)\]\s*$")
_LEVEL_PREFIX = re.compile(r"(\[?)([A-Za-z]{3,11})(\]|:|\[\d+\])?(?:\s+|$)")
_TIME_ONLY = re.compile(r"\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?=[\s\]|])")
_LOGCAT = re.compile(r" +(\d+) +(\d+) ([VDIWEFA]) ([^:]*?) *: ")
_LOGCAT_LEVELS = {"V": Severity.DEBUG, "D": Severity.DEBUG, "I": Severity.INFO, "W": Severity.WARNING,
                  "E": Severity.ERROR, "F": Severity.CRITICAL, "A": Severity.CRITICAL}  # fmt: skip
_NEST = re.compile(
    r"\[Nest\] (\d+)\s+- (\d\d)/(\d\d)/(\d{4}),? (\d{1,2}):(\d\d):(\d\d) ([AP]M)\s+(\w+) \[([^\]]+)\] "
)
_RUBY = re.compile(r"([DIWEFA]), \[(\S+) #(\d+)\] +(\w+) -- ([^:]*): ")


def _level(word: str, delimited: bool, first: bool = False) -> Severity | None:
    """A level word. Undelimited, only the plain level words count, and only in upper case
    unless it is the first word after the timestamp (`[info]`, `Error:`, `INFO`, `2025... info`)."""
    sev = LEVELS.get(word)
    if sev is None or delimited:
        return sev
    if word not in PLAIN_LEVELS or not (first or word.isupper()):
        return None
    return sev


def level_prefixed(line: str) -> Parsed | None:
    """An untimed line that starts with a level: `[INFO] ...`, `WARN[0000] ...`, `info: ...`,
    also after an uptime stamp (`[     0.001234s]  INFO ...`, Linkerd)."""
    pos = 0
    if line[:1] == "[" and (up := _UPTIME.match(line)) is not None:
        pos = up.end()
    m = _LEVEL_PREFIX.match(line, pos)
    if m is None:
        return None
    if (dotnet := _DOTNET.match(line)) is not None:  # its message is on the next, indented line
        return NAME, None, LEVELS[dotnet.group(1)], "", {"level": dotnet.group(1), "logger": dotnet.group(2),
                                                         "event_id": int(dotnet.group(3))}  # fmt: skip
    opener, word, closer = m.groups()
    if opener and closer != "]":
        return None
    sev = _level(word, bool(closer))
    if sev is None:
        return None
    return NAME, None, sev, line[m.end() :], {"level": word}


def after_timestamp(when: float | None, line: str, pos: int, prefix: str | None) -> Parsed:
    """The level (if any) and message that follow a timestamp ending at `line[pos]`."""
    attrs: dict[str, Any] | None = {"prefix": prefix} if prefix else None
    rest = line[pos:].lstrip(" \t")
    first = rest[:1]
    if first.isalpha():  # fast path: a bare word right after the stamp (`INFO msg`, `msg`)
        parts = rest.split(None, 1)
        bare = parts[0].rstrip(":")
        sev = _level(bare, bare != parts[0], first=True)
        if sev is None and "." in bare:  # Monolog/Laravel `channel.LEVEL:`
            sev = LEVELS.get(bare.rpartition(".")[2])
        if sev is None:
            return NAME, when, Severity.UNKNOWN, rest, attrs
        attrs = attrs or {}
        attrs["level"] = bare
        return NAME, when, sev, parts[1].lstrip(" :|-\t") if len(parts) > 1 else "", attrs
    m = _LEVEL_AFTER.match(line, pos)
    if m is not None:
        opener, word, closer = m.group(1), m.group(2), m.group(3)
        sev = _level(word, bool(opener or closer), first=m.start(2) - pos <= 2)
        if sev is not None:
            attrs = attrs or {}
            attrs["level"] = word
            return NAME, when, sev, line[m.end() :], attrs
    return NAME, when, Severity.UNKNOWN, rest.lstrip(" |:-]\t,"), attrs


def make(clock: Clock) -> LineParser:
    """The generic parser for one file."""
    detect, iso = clock.detect, clock.iso

    def ruby(line: str) -> Parsed | None:
        m = _RUBY.match(line)
        if m is None:
            return None
        _, stamp, pid, level, progname = m.groups()
        attrs: dict[str, Any] = {"level": level, "pid": int(pid)}
        if progname:
            attrs["logger"] = progname
        return NAME, iso(stamp), LEVELS.get(level, Severity.UNKNOWN), line[m.end() :], attrs

    def nest(line: str) -> Parsed | None:
        m = _NEST.match(line)
        if m is None:
            return None
        pid, month, day, year, hour, minute, second, half, level, context = m.groups()
        hour24 = int(hour) % 12 + (12 if half == "PM" else 0)
        when = iso(f"{year}-{month}-{day} {hour24:02d}:{minute}:{second}")
        attrs: dict[str, Any] = {"level": level, "pid": int(pid), "logger": context}
        return NAME, when, LEVELS.get(level, Severity.UNKNOWN), line[m.end() :], attrs

    def parse(line: str) -> Parsed | None:
        if line[:7] == "[Nest] ":
            return nest(line)
        start = 1 if line[:1] == "[" else 0
        found = detect(line, start)
        if found is not None:
            when, end = found
            if start and line[end : end + 1] == "]":
                end += 1
            if line[2:3] == "-" and (m := _LOGCAT.match(line, end)) is not None:  # Android logcat threadtime
                pid, tid, letter, tag = m.groups()
                attrs = {"level": letter, "pid": int(pid), "thread": int(tid), "logger": tag}
                return NAME, when, _LOGCAT_LEVELS[letter], line[m.end() :], attrs
            return after_timestamp(when, line, end, None)
        if line[1:4] == ", [":
            return ruby(line)
        if line[start + 2 : start + 3] == ":" and (t := _TIME_ONLY.match(line, start)) is not None:
            end = t.end() + (1 if start and line[t.end() : t.end() + 1] == "]" else 0)
            return after_timestamp(None, line, end, None)  # a time of day without a date
        m = _EMBEDDED.search(line, 0, _EMBED_WITHIN)
        if m is not None and m.start() > 0:
            found = detect(line, m.start())
            if found is not None:
                return after_timestamp(found[0], line, found[1], line[: m.start()].rstrip(" [|:"))
        return level_prefixed(line)

    return parse


FORMAT = register(LineFormat(NAME, make, first=None, order=1000, sticky=False,
                             description="any line with a timestamp and/or a level word"))  # fmt: skip
