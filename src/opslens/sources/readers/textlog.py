"""Application and container log files: the generic text-log reader.

One reader for any text log: the line format is decided per line (`opslens.sources.lines`),
under an optional container-runtime wrapper (CRI, `kubectl logs --timestamps`, docker
json-file). Multi-line records (stack traces, tracebacks, panics) become one event; lines
without a timestamp take their nearest timestamped neighbour's time (`time_inferred`).
Pod, namespace and container come from the path (`ctx.source.identity`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, TextIO

from opslens.events import Event, Severity
from opslens.sources.base import SNIFF_CHARS, ReadContext, Reader, register
from opslens.sources.lines._compose import (
    looks_like_compose,
    peek_compose,
    read_compose,
    strip_compose_prefix,
)
from opslens.sources.lines.cri import split_docker_json, split_kubectl_prefix, split_runtime_prefix
from opslens.sources.lines.dispatch import make_dispatch
from opslens.sources.lines.multiline import STACK_FIRST, Folder
from opslens.sources.lines.records import assemble, infer_times
from opslens.timeparse import Clock

_SNIFF_LINES = 50
#: Records no line format parsed carry this source name (the plain-text "format").
GENERIC_SOURCE = "text"
#: An input is listed as not understood when this share of its lines, or this many, are generic.
GENERIC_REPORT_SHARE = 0.5
GENERIC_REPORT_LINES = 20
_FALLBACK = 0.05
# markers of line formats other readers own (journald JSON export), where we must stay fallback
_FOREIGN = ('"__REALTIME_TIMESTAMP"', '"__CURSOR"')


def _sniff_content(line: str) -> tuple[str, bool]:
    """The application content of a head line and whether a runtime/kubectl wrapper was found."""
    named = split_kubectl_prefix(line) if line[:5] == "[pod/" else None
    if named is not None:
        line = named[2]
    prefixed = split_runtime_prefix(line) if line[:1].isdigit() else None
    if prefixed is not None:
        return prefixed[3], True
    docker = split_docker_json(line) if line[:7] == '{"log":' else None
    if docker is not None:
        return docker[3], True
    return line, named is not None


@register
class TextLogReader(Reader):
    """Any text log; the line format (JSON, logfmt, klog, nginx, Python, Java, ...) per line."""

    name: ClassVar[str] = "textlog"
    description: ClassVar[str] = "application/container logs (CRI, JSON lines, logfmt, klog, nginx, Python, Java, ...)"
    #: klog and syslog-style stamps inside text logs have no year
    needs_year: ClassVar[bool] = True

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        """0.5-0.7 when most head lines are known app-log lines, else 0.05 for any text."""
        return cls._score(head)

    @classmethod
    def _score(cls, head: str) -> float:
        if not head.strip() or "\x00" in head[:4096]:
            return 0.0
        if any(marker in head for marker in _FOREIGN):
            return _FALLBACK
        lines = head.splitlines()
        if len(head) >= SNIFF_CHARS and not head.endswith("\n"):
            lines = lines[:-1]  # cut mid-line
        compose = looks_like_compose(lines)  # `docker compose logs`: score what follows the bar
        dispatch = make_dispatch(Clock())
        folder = Folder()
        considered = known = dedicated = 0
        previous = Severity.UNKNOWN
        for line in lines:
            if considered >= _SNIFF_LINES:
                break
            content, wrapped = _sniff_content(strip_compose_prefix(line) if compose else line)
            wrapped = wrapped or compose
            if not content.strip() or content[:1] in " \t":
                continue  # blank or a continuation: says nothing about the format
            if (folder.mode is not None or content[0] in STACK_FIRST) and folder.continues(content, previous):
                continue  # a stack trace line
            considered += 1
            parsed = dispatch(content)
            previous = (parsed[2] or Severity.UNKNOWN) if parsed is not None else Severity.UNKNOWN
            if wrapped or (parsed is not None and parsed[0] != "text"):
                known += 1
                dedicated += 1
            elif parsed is not None and (parsed[1] is not None or parsed[2]):
                known += 1
        if considered == 0:
            return _FALLBACK
        if known / considered < 0.5:
            return _FALLBACK
        return round(0.5 + 0.2 * dedicated / considered, 3)

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        """Events of every record; untimed ones get a neighbour's time (`time_inferred`).
        Input that no line format understood is reported through `ctx.unrecognized`."""
        generic = [0]
        lines, compose = peek_compose(stream)
        if compose:  # `docker compose logs`: one log per service (`lines._compose`)
            yield from read_compose(lines, ctx, lambda events: _count_generic(events, generic))
        else:
            yield from infer_times(_count_generic(assemble(lines, ctx), generic))
        report_generic(ctx, generic[0])


def _count_generic(events: Iterator[Event], generic: list[int]) -> Iterator[Event]:
    """Pass events through, counting the physical lines of records no format parsed."""
    for event in events:
        # no format, no time and no level: nothing but words (a `[INFO] msg` line has a level)
        if event.source == GENERIC_SOURCE and event.time is None and event.severity == Severity.UNKNOWN:
            generic[0] += event.raw.count("\n") + 1
        yield event


def report_generic(ctx: ReadContext, generic_lines: int) -> None:
    """List an input read mostly as generic text in `stats.unrecognized` (one line of why);
    every generic line counts against the share of the input understood."""
    if not generic_lines:
        return
    total = max(ctx.lines, generic_lines)
    if generic_lines >= GENERIC_REPORT_LINES or generic_lines / total >= GENERIC_REPORT_SHARE:
        ctx.unrecognized(
            f"read as generic text: {generic_lines} of {total} lines have no known log format or "
            "timestamp (messages are still searched for known failures)",
            lines=generic_lines,
        )
    else:
        ctx.unrecognized_lines += generic_lines
