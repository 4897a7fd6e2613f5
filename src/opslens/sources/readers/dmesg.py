"""Kernel ring buffer dumps: `dmesg` and its common options.

- `[12345.678901] msg`: seconds since boot. The boot's wall-clock time is not in the file, so
  `time` stays None and the monotonic value goes to `attrs["monotonic"]`.
- `dmesg -T` / `--time-format ctime`: `[Fri Mar 14 02:51:09 2025] msg` (host local time: ctx.tz).
- `dmesg --time-format iso`: `2025-03-14T02:51:09,123456+00:00 msg`.
- `dmesg -x`: `kern  :err   : [..] msg` (facility and level decoded).
- `dmesg -r`: `<3>[..] msg` (raw priority); `dmesg -d`: `[12345.678901 <    0.000123>] msg`.

`journalctl -k` output is syslog-shaped and left to the syslog reader. Lines without a prefix
continue the previous record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import Any, TextIO

from opslens.events import Event, EventKind, Severity
from opslens.sources.base import ReadContext, Reader, register
from opslens.sources.readers._prefixed import group_records, share_of_record_lines
from opslens.sources.readers._textdates import parse_ctime
from opslens.timeparse import parse_rfc3339

_LEVELS = {
    "emerg": Severity.CRITICAL, "alert": Severity.CRITICAL, "crit": Severity.CRITICAL,
    "err": Severity.ERROR, "warn": Severity.WARNING, "notice": Severity.NOTICE,
    "info": Severity.INFO, "debug": Severity.DEBUG,
}  # fmt: skip
_LEVEL_NAMES = ("emerg", "alert", "crit", "err", "warn", "notice", "info", "debug")
_DECODED = re.compile(r"([a-z][a-z0-9]{1,8}) *:([a-z]{3,6}) *: ?(.*)$")
_RAW_PRI = re.compile(r"<(\d{1,3})>")
_MONOTONIC = re.compile(r"\[ *(\d+\.\d+)(?: <[ \d.]+>)?\] ?(.*)$")
_CTIME = re.compile(
    r"\[((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4})\] ?(.*)$"
)
_ISO = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2},\d+[+-]\d{2}:?\d{2}) (.*)$")


@register
class DmesgReader(Reader):
    """Kernel ring buffer text (`dmesg`, `-T`, `-x`, `-r`, `--time-format iso`) as LOG records."""

    name = "dmesg"
    description = "kernel ring buffer: dmesg, dmesg -T / -x / -r / --time-format iso"

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        ratio = share_of_record_lines(head, _starts_record)
        return 0.6 + 0.3 * ratio if ratio >= 0.6 else 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        parse = partial(_parse, ctx)
        records = group_records(stream, ctx, parse, fmt="dmesg", expected="`[seconds] message`")
        for line_no, text, record, continuation, _width in records:
            yield _to_event(line_no, text, record, continuation, ctx)


def _starts_record(line: str) -> bool:
    """Sniffing: a line with a dmesg prefix."""
    fields = _parse(None, line)
    # Apache's error log shares `dmesg -T`'s stamp: `[Sun Dec 04 04:47:44 2005] [error] ...`.
    return fields is not None and not fields["message"].startswith("[")


def _parse(ctx: ReadContext | None, text: str) -> dict[str, Any] | None:
    """Fields of one prefixed line: message, time, monotonic, facility, level; None otherwise."""
    fields: dict[str, Any] = {}
    if (m := _DECODED.match(text)) and m.group(2) in _LEVELS:
        fields["facility"], fields["level"] = m.group(1), m.group(2)
        text = m.group(3)
    elif m := _RAW_PRI.match(text):
        fields["level"] = _LEVEL_NAMES[int(m.group(1)) & 7]
        text = text[m.end() :]
    tz = ctx.tz if ctx is not None else None
    if m := _MONOTONIC.match(text):
        fields["monotonic"], fields["message"] = float(m.group(1)), m.group(2)
    elif m := _CTIME.match(text):
        fields["time"] = parse_ctime(m.group(1), tz) if tz is not None else None
        fields["message"] = m.group(2)
    elif m := _ISO.match(text):
        fields["time"] = parse_rfc3339(m.group(1)) if tz is not None else None
        fields["message"] = m.group(2)
    elif "facility" in fields:
        fields["message"] = text  # `dmesg -x --time-format notime`
    else:
        return None
    return fields


def _to_event(
    line_no: int, text: str, record: dict[str, Any], continuation: list[str], ctx: ReadContext
) -> Event:
    attrs = {key: record[key] for key in ("monotonic", "facility", "level") if key in record}
    raw = text
    if continuation:
        attrs["continuation"] = continuation
        raw = "\n".join([text, *continuation])
    return Event(
        time=record.get("time"),
        kind=EventKind.LOG,
        source=DmesgReader.name,
        origin=ctx.source.origin(line_no),
        message=record["message"],
        raw=raw,
        severity=_LEVELS.get(record.get("level", ""), Severity.UNKNOWN),
        host=ctx.source.identity.host,
        attrs=attrs,
    )
