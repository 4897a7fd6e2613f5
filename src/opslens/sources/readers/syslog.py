"""Syslog text: RFC 3164 (BSD), RFC 5424, rsyslog's ISO form, `journalctl` short output, and
partial pastes of any of them.

- RFC 3164 / `journalctl` default and `-o short-precise`:
  `[<PRI>]Mar 14 02:51:09[.123456] host ident[pid]: msg`. No year: journalctl's own
  `-- Logs begin at ... --` / `-- Journal begins at ... --` header dates the file; otherwise the
  pipeline reads such files last and sets `ctx.time_hint`/`ctx.year_hint` from the other inputs;
  otherwise the clock gives the year and the events are marked `time_inferred`
  (`_syslog_clock`). Dec -> Jan rollover moves the year on.
- RFC 5424: `<PRI>1 2025-03-14T02:51:09.123Z host app procid msgid [SD...] msg`.
- rsyslog `RSYSLOG_FileFormat` / `journalctl -o short-iso[-precise]`:
  `2025-03-14T02:51:09.123456+00:00 host ident[pid]: msg`.
- `journalctl -o short-full`: `Fri 2025-03-14 02:51:09 UTC host ...` (zone names: `_syslog_journal`),
  `-o short-unix`: `1741920669.123456 host ...`, `-o short-monotonic`: `[ 1234.567890] host ...`
  (seconds since boot, kept as `attrs["monotonic"]`; no wall time).
- Partial pastes: a first line cut mid-line becomes an untimed record (`attrs["cut"]`), the unit
  block of a `systemctl status` paste a record dated by its `since` (`attrs["unit"]`,
  `attrs["state"]`), which also gives the year of the journal lines after it; bare
  `ident[pid]: msg` lines (`kernel: msg` for well-known idents) are untimed records with the
  severity the message states. Both take a neighbouring record's time, marked `time_inferred`.

Severity comes from PRI when the line has one. Lines that match no header continue the previous
record; a hard-wrapped line is joined back into the message (`attrs["wrapped"]`), `raw` keeps
the physical lines joined with newlines. journalctl's own `-- ... --` lines are not events.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, TextIO

from opslens.events import Event, EventKind, Severity
from opslens.sources.base import ReadContext, Reader, register
from opslens.sources.lines.records import infer_times

# re-exported: how many continuation lines a record keeps is part of this reader's contract
from opslens.sources.readers._prefixed import MAX_CONTINUATION_LINES as MAX_CONTINUATION_LINES
from opslens.sources.readers._prefixed import Record
from opslens.sources.readers._syslog_clock import SyslogClock
from opslens.sources.readers._syslog_journal import MARKER, journal_range, status_active
from opslens.sources.readers._syslog_parse import (
    FACILITIES,
    PRI_SEVERITY,
    Header,
    message_level,
    parser,
    salvage,
)
from opslens.sources.readers._syslog_records import group, wrapped_join
from opslens.sources.readers._syslog_sniff import score

__all__ = ["FACILITIES", "MAX_CONTINUATION_LINES", "PRI_SEVERITY", "SyslogReader"]

_KERNEL_STAMP = re.compile(r"\[ *(\d+\.\d+)\]")
#: Header forms without a time of their own, which take a neighbour's (`infer_times`).
_UNTIMED_FORMS = ("bare", "cut", "status")


@register
class SyslogReader(Reader):
    """Syslog text files (RFC 3164, RFC 5424, rsyslog/journalctl forms, partial pastes) as LOG
    records."""

    name = "syslog"
    description = "syslog: RFC 3164/5424, rsyslog, journalctl short* modes, systemctl status, partial pastes"
    needs_year = True

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        return score(head)

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        # the other inputs' latest time, else the time a mixed paste's dated parts suggest
        hint = ctx.time_hint if ctx.time_hint is not None else ctx.reference
        clock = SyslogClock(ctx.year_hint, ctx.tz, hint)

        def notice(text: str) -> bool:
            """Dates from journalctl's header or a status block's `since`; true of `-- ` lines."""
            if text[:3] == "-- " and MARKER.match(text) is not None:
                if (span := journal_range(text, ctx.tz)) is not None:
                    clock.journal_range(*span)
                return True
            if (active := status_active(text, ctx.tz)) is not None and active[1] is not None:
                clock.file_time(active[1])
            return False

        def leading(lines: list[str]) -> Header:
            return salvage(lines, ctx.tz)

        records = group(stream, ctx, parser(clock.epoch, ctx.tz), leading, notice)
        form = ""  # the header form of the record last made an event

        def events() -> Iterator[Event]:
            nonlocal form
            for record in records:
                form = record.header.form
                yield _to_event(record, ctx, clock.guessed)

        # Bare and cut-off records take the time of the record before them (before the first
        # timed record, of the one after), marked `time_inferred`; other untimed records
        # (monotonic stamps, RFC 5424 nil time) stay untimed. `infer_times` asks about each
        # untimed event as it arrives, i.e. while `form` is still that event's.
        return infer_times(events(), eligible=lambda _event: form in _UNTIMED_FORMS)


def _to_event(record: Record, ctx: ReadContext, year_guessed: bool) -> Event:
    header, continuation = record.header, record.continuation
    attrs: dict[str, Any] = {"ident": header.ident, "pid": header.pid}
    severity = Severity.UNKNOWN
    if header.pri is not None and int(header.pri) < 192:
        pri = int(header.pri)
        severity = PRI_SEVERITY[pri & 7]
        attrs["facility"] = FACILITIES[pri >> 3]
    elif header.form == "status":
        state = (header.extra or {}).get("state") or ""
        severity = Severity.ERROR if "failed" in state or "Result:" in state else Severity.UNKNOWN
    elif header.form in _UNTIMED_FORMS:  # nothing but the message says how bad it is
        severity = message_level(header.message)
    if header.extra:
        attrs.update(header.extra)
    if header.ident == "kernel" and (stamp := _KERNEL_STAMP.match(header.message)):
        attrs["monotonic"] = float(stamp.group(1))
    if header.form == "cut":
        attrs["cut"] = True
    message, raw = header.message, record.text
    if continuation:
        attrs["continuation"] = continuation
        raw = "\n".join([record.text, *continuation])
        if (joined := wrapped_join(record.text, continuation, record.width)) is not None:
            message = message + joined if message else joined.lstrip()
            attrs["wrapped"] = True
    return Event(
        time=header.time,
        kind=EventKind.LOG,
        source=SyslogReader.name,
        origin=ctx.source.origin(record.line),
        message=message,
        raw=raw,
        severity=severity,
        host=header.host or ctx.source.identity.host,
        attrs=attrs,
        time_inferred=year_guessed and header.form == "bsd" and header.time is not None,
    )
