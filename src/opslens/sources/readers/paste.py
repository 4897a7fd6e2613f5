"""Pasted terminal sessions and chat-sized blobs that mix formats.

What an engineer pastes into a ticket or a chat is rarely one format: a prompt and a command, its
output, a `kubectl describe` excerpt, an events table, some log lines, a manifest, a sentence of
prose. This reader splits such a blob into parts (`_paste_split`) and hands each part to the
reader that understands it, as if it were a file of its own: the command says which (the
output of `kubectl logs -n shop api-x` is a log of pod shop/api-x), otherwise content sniffing
does. Line numbers stay those of the paste.

Command lines become events too (the command that showed a failure is evidence), and every
event read from a command's output points at its command (`attrs["via"]`). The output of a
diagnostic command (`df -h`, `nslookup db`, `du -sh`) is one record, quoted with its command.
All relative ages in one paste count back from the same moment (`ReadContext.reference`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import ClassVar, TextIO

from opslens.events import Event, EventKind, Origin, Severity
from opslens.sources.base import (
    READ_AFTER_DATED,
    READ_LAST,
    SNIFF_CHARS,
    ReadContext,
    Reader,
    choose_reader,
    get_reader,
    register,
)
from opslens.sources.readers._paste_split import Part, block_kind, split_paste
from opslens.sources.readers._shell import command_in
from opslens.sources.readers._shell_output import shell_output_event
from opslens.timeparse import RFC1123_PATTERN, parse_rfc2822, parse_timestamp

#: Readers that read a command's output, by (tool, verb); None: choose by content.
_BY_COMMAND = {("kubectl", "logs"): "textlog", ("docker", "logs"): "textlog", ("podman", "logs"): "textlog",
               ("docker-compose", "logs"): "textlog", ("crictl", "logs"): "textlog", ("stern", None): "textlog",
               ("git", "log"): "git-log", ("git", "show"): "git-log"}
#: `"time":1746560702846` / `"ts":1746560702.846` of JSON log lines (pino, zap)
_EPOCH_FIELD = re.compile(r'"(?:time|ts|timestamp|@timestamp)"\s*:\s*(1[5-9]\d{8}(?:\d{3})?(?:\.\d+)?)\b')
_tnew = tuple.__new__
_ABSOLUTE = re.compile(rf"\d{{4}}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?|{RFC1123_PATTERN}")


@register
class PasteReader(Reader):
    """Mixed pastes: command lines with their output, and blocks of several formats."""

    name: ClassVar[str] = "paste"
    description: ClassVar[str] = "pasted terminal sessions and mixed blobs (prompts, describe, tables, logs)"
    needs_year: ClassVar[bool] = True  # may hold year-less syslog lines: read after dated inputs

    @classmethod
    def read_order(cls, head: str) -> int:
        """Last when a part has relative ages (they count back from the newest time of the
        other inputs), else after the dated inputs (its logs may lack a year)."""
        parts = split_paste(_split_lines(head.lstrip("\ufeff")))
        return max((_order(part, _reader_for(part, "")) for part in parts), default=READ_AFTER_DATED)

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        """0.97 when the head holds a command line, a code fence, or blocks of two kinds."""
        return _score(head, name)

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        # Lines end at "\n" only, as the pipeline counts them (not at \u2028, \x85, \f, ...).
        lines = list(stream)
        if lines:
            lines[0] = lines[0].lstrip("\ufeff")
            if not lines[0]:
                del lines[0]
        ctx.lines += len(lines)
        parts = [(part, reader_cls, _order(part, reader_cls)) for part in split_paste(lines)
                 for reader_cls in (_reader_for(part, ctx.source.name),)]
        own_reference = ctx.reference is None
        if own_reference:
            ctx.reference = _latest_absolute(_head(lines, 4 * SNIFF_CHARS), ctx)
        # Dated parts first: the newest time they show is when the paste was taken, the best
        # reference for the relative ages (`5m`, `12h ago`) of the parts read after them.
        newest = None
        for part, reader_cls, order in parts:
            if order < READ_LAST:
                for event in _read_part(part, reader_cls, lines, ctx):
                    if event.time is not None and not event.time_inferred and (newest is None or event.time > newest):
                        newest = event.time
                    yield event
        if own_reference and newest is not None and (ctx.reference is None or newest > ctx.reference):
            ctx.reference = newest
        for part, reader_cls, order in parts:
            if order >= READ_LAST:
                yield from _read_part(part, reader_cls, lines, ctx)


def _order(part: Part, reader_cls: type[Reader]) -> int:
    """When a part is read within its paste (`Reader.read_order` of its reader)."""
    if part.kind == "output" or (part.command is not None and part.command.diagnostic):
        return READ_AFTER_DATED
    return reader_cls.read_order(part.head(SNIFF_CHARS))


def _score(head: str, name: str) -> float:
    lines = _split_lines(head.lstrip("\ufeff"))
    if len(head) >= SNIFF_CHARS:
        lines = lines[:-1]
    marked = False
    for i, line in enumerate(lines[:400]):
        if not line.strip():
            continue
        if line.lstrip().startswith("```") or command_in(line.rstrip("\r\n")) is not None:
            return 0.97
        marked = marked or block_kind(line, lines[i + 1 : i + 5]) is not None
    if not marked:
        return 0.0
    # Blocks of several kinds: a paste only if no reader understands the whole of it (rollout
    # history, an events YAML stay their readers') and its parts need different readers.
    whole, score = choose_reader(head, name, exclude=frozenset({PasteReader.name}))
    if whole is not None and score >= 0.8:
        return 0.0
    parts = split_paste(lines)
    chosen = {"output" if part.kind == "output" else _best(part.text) for part in parts if any(x.strip() for x in part.lines)}
    return 0.97 if len(chosen) >= 2 or "output" in chosen else 0.0


def _split_lines(text: str) -> list[str]:
    """The lines of `text` with their ends, split at "\n" only (like iterating a file)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    if not lines[-1]:
        lines.pop()
    return lines


def _head(lines: list[str], chars: int) -> str:
    """The first `chars` characters of the text `lines` make up."""
    taken: list[str] = []
    size = 0
    for line in lines:
        if size >= chars:
            break
        taken.append(line)
        size += len(line)
    return "".join(taken)[:chars]


def _best(text: str) -> str | None:
    best, score = choose_reader(text, "", exclude=frozenset({PasteReader.name}))
    return best.name if best is not None and score > 0.05 else None


def _latest_absolute(text: str, ctx: ReadContext) -> float | None:
    """The newest absolute time written anywhere in the paste (ISO stamps, RFC 1123 dates of
    describe output, epoch stamps of JSON logs): the best guess of when it was taken, shared
    by every part's relative ages."""
    latest = None
    head = text[: 4 * SNIFF_CHARS]
    for m in _ABSOLUTE.finditer(head):
        stamp = m.group(0)
        t = parse_rfc2822(stamp, ctx.tz) if stamp[:1].isalpha() else parse_timestamp(stamp, ctx.tz)
        if t is not None and (latest is None or t > latest):
            latest = t
    for m in _EPOCH_FIELD.finditer(head):
        value = float(m.group(1))
        t = value / 1000.0 if value > 1e11 else value  # milliseconds or seconds
        if latest is None or t > latest:
            latest = t
    return latest


def _read_part(part: Part, reader_cls: type[Reader], lines: list[str], ctx: ReadContext) -> Iterator[Event]:
    via = None
    if part.command is not None and part.command_index is not None:
        if part.command.diagnostic:
            yield shell_output_event(part, lines, ctx)
            return
        via = _command_event(part, lines, ctx)
        yield via
    elif part.kind == "output":  # a diagnostic tool's output pasted without its command
        yield shell_output_event(part, lines, ctx)
        return
    if not any(line.strip() for line in part.lines):
        return
    source = ctx.source
    if part.command is not None and any(dataclasses.astuple(part.command.identity)):
        source = dataclasses.replace(ctx.source, identity=part.command.identity)
    offset = part.start
    sub = ReadContext(
        source,
        tz=ctx.tz,
        year_hint=ctx.year_hint,
        time_hint=ctx.time_hint,
        now=ctx.now,
        reference=ctx.reference,
        # a part's line 1 is the paste's line offset+1; a whole-part report points at its start
        on_skip=lambda reason, line: ctx.skip(reason, offset + (line or 1)),
        on_unrecognized=lambda reason, line: ctx.on_unrecognized(reason, offset + (line or 1)),
    )
    try:
        for event in reader_cls().read(part.stream(), sub):
            yield _shifted(event, offset, via)
    except Exception as err:  # noqa: BLE001 - one unreadable part must not lose the rest of the paste
        ctx.unrecognized(f"{reader_cls.name} could not read this part: {err}", part.start + 1, lines=len(part.lines))
    ctx.unrecognized_lines += sub.unrecognized_lines


def _reader_for(part: Part, name: str) -> type[Reader]:
    command = part.command
    if command is not None:
        named = _BY_COMMAND.get((command.tool, command.verb)) or _BY_COMMAND.get((command.tool, None))
        if named is not None:
            return get_reader(named)
    best, score = choose_reader(part.head(SNIFF_CHARS), name, exclude=frozenset({PasteReader.name}))
    return best if best is not None and score > 0 else get_reader("textlog")


def _command_event(part: Part, lines: list[str], ctx: ReadContext) -> Event:
    """The command line itself: what was run to show the output below it."""
    assert part.command is not None and part.command_index is not None
    raw = lines[part.command_index].rstrip("\r\n")
    identity = part.command.identity
    return Event(
        time=None,
        kind=EventKind.LOG,
        source="shell",
        origin=ctx.source.origin(part.command_index + 1),
        message=part.command.text,
        raw=raw,
        severity=Severity.INFO,
        namespace=identity.namespace,
        entity=identity.entity,
        attrs={"command": part.command.text, "tool": part.command.tool, "verb": part.command.verb},
    )


def _shifted(event: Event, offset: int, via: Event | None) -> Event:
    """`event` at its line in the paste, pointing at its command. Once per line of a part:
    built with `tuple.__new__`, as the NamedTuples' own constructors do (`lines.records`)."""
    path, line, member = event.origin
    origin = event.origin if line is None else _tnew(Origin, (path, line + offset, member))
    attrs = event.attrs
    if via is not None:
        attrs = {**attrs, "via": via} if attrs else {"via": via}
    return _tnew(Event, (*event[:3], origin, *event[4:10], attrs, *event[11:]))

