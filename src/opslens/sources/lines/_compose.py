"""`docker compose logs` / `docker-compose logs` pastes: several containers' logs, interleaved.

Every line carries its service's prefix (`web-1  | msg`; `web_1  | msg` in compose v1, possibly
coloured, `-t` adding the runtime stamp after the bar). Each service's lines are read as a log
of their own (`records.assemble`, so a traceback folds within its service even when another
service's lines come between its frames), named by the service: `attrs["container"]` is the
prefix as printed, `attrs["service"]` the name without the replica number. Compose names are not
Kubernetes names: the entity stays the one the path gave (usually none). Events come back in the
paste's line order, with the physical lines of the paste as `raw`.

Not a line format: the leading underscore keeps the registry's auto-import away from it.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import chain, islice

from opslens.events import Event, Origin
from opslens.sources.base import ReadContext, SourceFile
from opslens.sources.lines.cri import split_compose_prefix
from opslens.sources.lines.records import assemble, infer_times

#: Lines looked at to decide whether a text is a compose paste.
DETECT_LINES = 50
_REPLICA = re.compile(r"[-_]\d+$")
# `docker compose up` prints these between the services' lines
_EXITED = re.compile(r"(\S+) exited with code (\d+)$")

#: (line number in the paste, the physical line, its content after the prefix)
Row = tuple[int, str, str]


def looks_like_compose(lines: Iterable[str]) -> bool:
    """Whether most of the first non-blank lines carry a compose prefix with the bar in one
    column (compose pads every service name to one width)."""
    considered = 0
    columns: Counter[int] = Counter()
    for line in lines:
        if not line.strip():
            continue
        considered += 1
        found = split_compose_prefix(line.rstrip("\r\n"))
        if found is not None:
            columns[found[2]] += 1
        if considered >= DETECT_LINES:
            break
    prefixed = sum(columns.values())
    if prefixed < 2 or prefixed < 0.6 * considered:
        return False
    return columns.most_common(1)[0][1] >= 0.8 * prefixed


def peek_compose(stream: Iterable[str]) -> tuple[Iterator[str], bool]:
    """(all the lines again, whether they are a compose paste), deciding on the first lines."""
    rest = iter(stream)
    head = list(islice(rest, DETECT_LINES))
    return chain(head, rest), looks_like_compose(head)


def strip_compose_prefix(line: str) -> str:
    """The content of a compose line (the line itself when it has no prefix)."""
    found = split_compose_prefix(line)
    return line if found is None else found[1]


Tap = Callable[[Iterator[Event]], Iterator[Event]]


def _untapped(events: Iterator[Event]) -> Iterator[Event]:
    return events


def read_compose(lines: Iterable[str], ctx: ReadContext, tap: Tap = _untapped) -> Iterator[Event]:
    """Events of a compose paste, one text log per service, in the paste's line order. `tap`
    sees each service's events before their times are inferred (the reader's accounting)."""
    groups: dict[str | None, list[Row]] = {}
    n = 0
    for n, line in enumerate(lines, start=1):  # noqa: B007
        text = line[:-1] if line[-1:] == "\n" else line
        if text[-1:] == "\r":
            text = text[:-1]
        found = split_compose_prefix(text)
        service, content = (found[0], found[1]) if found is not None else (None, text)
        groups.setdefault(service, []).append((n, text, content))
    base = ctx.lines
    per_service = [_service_events(service, rows, ctx, tap) for service, rows in groups.items()]
    ctx.lines = base + n
    # what no line of its own service dated takes its neighbour's in the paste (arrival order)
    return infer_times(heapq.merge(*per_service, key=_line_of))


def _line_of(event: Event) -> int:
    return event.origin.line or 0


def _service_events(
    service: str | None, rows: Sequence[Row], ctx: ReadContext, tap: Tap
) -> list[Event]:
    """One service's lines read as a log of their own, mapped back to the paste's lines."""
    source = ctx.source
    identity = replace(source.identity, container=service) if service else source.identity
    # the same settings and callbacks; a line count and accounting of its own
    sub = replace(
        ctx, source=SourceFile(source.path, source.member, identity), lines=0, unrecognized_lines=0
    )
    events = list(infer_times(tap(assemble([content for _, _, content in rows], sub))))
    ctx.unrecognized_lines += sub.unrecognized_lines
    return [_remap(event, rows, service, source) for event in events]


def _remap(event: Event, rows: Sequence[Row], service: str | None, source: SourceFile) -> Event:
    """The event with the paste's line number, its physical lines (prefix included) as `raw`,
    and the service named."""
    first = (event.origin.line or 1) - 1
    pieces = event.raw.split("\n")
    raw = "\n".join(
        rows[first + j][1] if first + j < len(rows) and rows[first + j][2] == piece else piece
        for j, piece in enumerate(pieces)
    )
    attrs = event.attrs if event.attrs is not None else {}
    if service is not None:
        attrs["service"] = _REPLICA.sub("", service)
    elif (exited := _EXITED.match(event.message)) is not None:
        attrs["container"] = exited.group(1)
        attrs["service"] = _REPLICA.sub("", exited.group(1))
        attrs["exit_code"] = int(exited.group(2))
    line = rows[first][0] if first < len(rows) else event.origin.line
    origin = Origin(source.path, line, source.member)
    return event._replace(origin=origin, raw=raw, attrs=attrs or None)
