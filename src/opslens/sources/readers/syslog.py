"""Syslog files: RFC 3164 (BSD), RFC 5424, and the ISO-timestamped forms of rsyslog and journalctl.

- RFC 3164 / `journalctl` default: `[<PRI>]Mar 14 02:51:09 host ident[pid]: msg`. No year: the
  pipeline reads such files last and sets `ctx.time_hint` (the latest event so far; the first
  line goes in the year nearest it) and `ctx.year_hint`; Dec -> Jan rollover moves the year on.
- RFC 5424: `<PRI>1 2025-03-14T02:51:09.123Z host app procid msgid [SD...] msg`.
- rsyslog `RSYSLOG_FileFormat` / `journalctl -o short-iso[-precise]`:
  `2025-03-14T02:51:09.123456+00:00 host ident[pid]: msg`.
- `journalctl -o short-full`: `Fri 2025-03-14 02:51:09 UTC host ident[pid]: msg`.

Severity comes from PRI when the line has one. Lines that match no header continue the previous
record (a message logged with raw newlines); journalctl's `-- Boot ... --` markers are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import Any, NamedTuple, TextIO

from opslens.events import Event, EventKind, Severity
from opslens.sources.base import ReadContext, Reader, register

# re-exported: how many continuation lines a record keeps is part of this reader's contract
from opslens.sources.readers._prefixed import MAX_CONTINUATION_LINES as MAX_CONTINUATION_LINES
from opslens.sources.readers._prefixed import group_records, share_of_record_lines
from opslens.sources.readers._textdates import YearlessClock
from opslens.timeparse import MONTHS, parse_rfc3339

_BSD = re.compile(
    r"(?:<(\d{1,3})>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? +(\S.*)?$"
)
_ISO = re.compile(
    r"(?:<(\d{1,3})>)?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})) +(\S.*)?$"
)
_FULL = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?) ([A-Z]{2,5}|[+-]\d{4}) +(\S.*)?$"
)
_RFC5424 = re.compile(r"<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) ?(.*)$")
_SD_ELEMENT = re.compile(r"\[(?:[^\]\\]|\\.)*\]")
# `ident[pid]: msg`, ident possibly with slashes/dots (postfix/smtpd, systemd-resolved).
_TAG = re.compile(r"([^\s\[\]:]{1,128})(?:\[([^\]\s]{0,32})\])?: ?(.*)$", re.S)
_TAG_TOKEN = re.compile(r"[^\s\[\]:]+(?:\[[^\]\s]*\])?:$")
_KERNEL_STAMP = re.compile(r"\[ *(\d+\.\d+)\]")
_LEVEL_WORDS = frozenset(
    {"TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "WARNING", "ERROR", "ERR", "FATAL", "CRITICAL"}
)
_JOURNAL_MARKER = re.compile(r"-- (?:Logs begin|Journal begins|Boot|No entries|Reboot|Logs end)")

PRI_SEVERITY = (
    Severity.CRITICAL, Severity.CRITICAL, Severity.CRITICAL, Severity.ERROR,
    Severity.WARNING, Severity.NOTICE, Severity.INFO, Severity.DEBUG,
)  # fmt: skip
FACILITIES = (
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
    "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
)  # fmt: skip


class _Header(NamedTuple):
    time: float | None
    pri: str | None
    host: str | None
    ident: str | None
    pid: str | None
    message: str
    extra: dict[str, Any] | None = None


@register
class SyslogReader(Reader):
    """Syslog text files (RFC 3164, RFC 5424, rsyslog/journalctl ISO forms) as LOG records."""

    name = "syslog"
    description = "syslog files: RFC 3164, RFC 5424, rsyslog high-precision, journalctl short*"
    needs_year = True

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        ratio = share_of_record_lines(head, _looks_like_syslog, ignore=_JOURNAL_MARKER.match)
        return 0.6 + 0.25 * ratio if ratio >= 0.6 else 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        parse = partial(_parse, YearlessClock(ctx.year_hint, ctx.tz, ctx.time_hint), ctx)
        records = group_records(
            stream,
            ctx,
            parse,
            fmt="syslog",
            expected="`Mon DD HH:MM:SS host ident[pid]: msg`",
            ignore=_JOURNAL_MARKER.match,
        )
        for line_no, text, header, continuation in records:
            yield _to_event(line_no, text, header, continuation, ctx)


def _looks_like_syslog(line: str) -> bool:
    """Sniffing: a header whose host/tag part is plausible (not `<ts> INFO main: ...`)."""
    if _BSD.match(line):
        return True
    if m := _RFC5424.match(line):
        return m.group(2) == "1"
    m = _ISO.match(line) or _FULL.match(line)
    if not m or not m.group(m.re.groups):
        return False
    host, _, rest = m.group(m.re.groups).partition(" ")
    if host.upper() in _LEVEL_WORDS:
        return False
    return bool(_TAG_TOKEN.match(host)) or bool(_TAG.match(rest))


def _parse(clock: YearlessClock, ctx: ReadContext, text: str) -> _Header | None:
    first = text[0]
    if first == "<" and (m := _RFC5424.match(text)) and m.group(2) == "1":
        return _parse_5424(m, ctx)
    if (first == "<" or first.isupper()) and (m := _BSD.match(text)):
        pri, mon, day, hh, mm, ss, frac, rest = m.groups()
        month = MONTHS.get(mon)
        if month is None:
            return None
        stamp = f"{mon} {day:>2} {hh}:{mm}:{ss}" + (f".{frac}" if frac else "")
        return _split_rest(clock.epoch(stamp, month), pri, rest)
    if (first == "<" or first.isdigit()) and (m := _ISO.match(text)):
        return _split_rest(parse_rfc3339(m.group(2), ctx.tz), m.group(1), m.group(3))
    if first.isupper() and (m := _FULL.match(text)):
        stamp, zone, rest = m.groups()
        if zone[0] in "+-":
            stamp += zone
        elif zone in ("UTC", "GMT"):
            stamp += "Z"
        return _split_rest(parse_rfc3339(stamp, ctx.tz), None, rest)
    return None


def _split_rest(time: float | None, pri: str | None, rest: str | None) -> _Header:
    """`host ident[pid]: msg`; the host is missing when the first token is already the tag."""
    rest = rest or ""
    token, _, after = rest.partition(" ")
    host: str | None = token
    if _TAG_TOKEN.match(token):
        host, after = None, rest
    m = _TAG.match(after)
    if m is None:  # e.g. `last message repeated 3 times`
        return _Header(time, pri, host or None, None, None, after)
    return _Header(time, pri, host or None, m.group(1), m.group(2) or None, m.group(3))


def _parse_5424(m: re.Match[str], ctx: ReadContext) -> _Header:
    pri, _version, stamp, host, app, procid, msgid, rest = m.groups()
    structured: list[str] = []
    if rest.startswith("-"):
        rest = rest[2:] if rest.startswith("- ") else rest[1:]
    else:
        pos = 0
        while sd := _SD_ELEMENT.match(rest, pos):
            structured.append(sd.group(0))
            pos = sd.end()
        rest = rest[pos:].lstrip(" ")
    time = None if stamp == "-" else parse_rfc3339(stamp, ctx.tz)
    extra: dict[str, Any] = {}
    if msgid != "-":
        extra["msgid"] = msgid
    if structured:
        extra["structured_data"] = "".join(structured)
    nil = _nil
    return _Header(
        time, pri, nil(host), nil(app), nil(procid), rest.removeprefix("\ufeff"), extra or None
    )


def _nil(value: str) -> str | None:
    return None if value == "-" else value


def _to_event(
    line_no: int, text: str, header: _Header, continuation: list[str], ctx: ReadContext
) -> Event:
    attrs: dict[str, Any] = {"ident": header.ident, "pid": header.pid}
    severity = Severity.UNKNOWN
    if header.pri is not None and int(header.pri) < 192:
        pri = int(header.pri)
        severity = PRI_SEVERITY[pri & 7]
        attrs["facility"] = FACILITIES[pri >> 3]
    if header.extra:
        attrs.update(header.extra)
    if header.ident == "kernel" and (stamp := _KERNEL_STAMP.match(header.message)):
        attrs["monotonic"] = float(stamp.group(1))
    raw = text
    if continuation:
        attrs["continuation"] = continuation
        raw = "\n".join([text, *continuation])
    return Event(
        time=header.time,
        kind=EventKind.LOG,
        source=SyslogReader.name,
        origin=ctx.source.origin(line_no),
        message=header.message,
        raw=raw,
        severity=severity,
        host=header.host or ctx.source.identity.host,
        attrs=attrs,
    )
