"""Turning the physical lines of a container/application log into `Event`s: the hot path.

Per line: strip the container-runtime wrapper (CRI / `kubectl logs --timestamps` / docker
json-file, joining partial lines), decide whether the line continues the pending record
(`multiline.Folder`), otherwise parse it with the per-line format dispatcher and emit the
pending record. `infer_times` then gives untimed records the time of their nearest timestamped
neighbour. Written as flat loops with local variables because this runs once per input line
(see bench/readers.py); `Event`/`Origin` are built with `tuple.__new__`, which is what their
NamedTuple constructors do, minus a Python-level call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from opslens.events import Entity, Event, EventKind, Origin, Severity
from opslens.sources.base import ReadContext
from opslens.sources.lines.cri import (
    split_docker_json,
    split_kubectl_prefix,
    split_runtime_prefix,
    split_stream_labels,
)
from opslens.sources.lines.dispatch import make_dispatch
from opslens.sources.lines.multiline import MAX_RECORD_LINES, STACK_FIRST, Folder
from opslens.timeparse import Clock

_tnew = tuple.__new__
_LOG = EventKind.LOG
_UNKNOWN = Severity.UNKNOWN
#: How far an application's own time may stray from the runtime's before it is distrusted
#: (a year-less klog/syslog stamp guessed in the wrong year, a wrong zone).
MAX_SKEW = 86400.0
#: Untimed records held back while waiting for the file's first timestamp.
MAX_LEADING = 10000
_MAX_BLANKS = 64
_UNPARSED: Any = object()  # "this line has not been parsed yet" (None means: no format took it)
#: Node.js prints an uncaught exception under a header: `/app/lib/x.js:126`, the source line, a
#: caret, a blank line, then `Error: message` and its frames. The header is the exception's.
_NODE_SITE = re.compile(r"(?:/|[A-Za-z]:\\|file:///|node:)[^\s]*:\d+$")
_NODE_ERROR = re.compile(r"(?:[A-Z]\w*)?(?:Error|Exception)(?: \[[A-Z_]+\])?: ")
#: terminal colour/cursor sequences, stripped from the content (never from `raw`)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


#: (content, raw, first line number, wrapper name, wrapper time text, stream)
Piece = tuple[str, str, int, str, str | None, str | None]


class _Partials:
    """Partial lines of a container runtime (CRI `P` tag, docker `log` without a newline)
    waiting for the line that completes them. The joined record keeps the first piece's
    line number, wrapper, time and stream."""

    __slots__ = ("lines", "contents", "first")

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.contents: list[str] = []
        self.first: Piece = ("", "", 0, "text", None, None)

    def join(self, piece: Piece, partial: bool) -> Piece | None:
        """Add a physical line; the joined record when it completes it, None while open."""
        if not self.lines:
            self.first = piece
        self.lines.append(piece[1])
        self.contents.append(piece[0])
        if partial and len(self.lines) < MAX_RECORD_LINES:
            return None
        return self.take()

    def take(self) -> Piece:
        """The joined record: contents concatenated, physical lines joined by newlines."""
        _, _, lineno, wrapper, outer, stream = self.first
        joined = ("".join(self.contents), "\n".join(self.lines), lineno, wrapper, outer, stream)
        self.lines, self.contents = [], []
        return joined


def _event_builder(ctx: ReadContext, clock: Clock) -> Callable[[tuple[Any, ...], list[str] | None, list[str] | None], Event]:
    """The function that turns a finished record into its Event (file constants bound)."""
    source = ctx.source
    path, member = source.path, source.member
    namespace, entity, container = source.identity.namespace, source.identity.entity, source.identity.container
    iso = clock.iso

    def build(head: tuple[Any, ...], more: list[str] | None, cont: list[str] | None) -> Event:
        parsed, wrapper, outer, stream, line, raw, content, who = head
        if parsed is None:  # plain text: the content is the message
            name, when, severity, message, attrs = wrapper, None, _UNKNOWN, content, None
        else:
            name, when, severity, message, attrs = parsed
        if outer is not None:  # the runtime's time; the application's own wins unless implausible
            outer_time = iso(outer)
            if attrs is None:
                attrs = {}
            if stream:
                attrs["stream"] = stream
            if when is None:
                when = outer_time
            elif outer_time is not None:
                attrs["cri_time"] = outer_time
                if abs(when - outer_time) > MAX_SKEW:
                    attrs["app_time"] = when
                    when = outer_time
        pod_entity, ns = entity, namespace
        if who is not None:  # `kubectl logs --prefix` / logcli labels named this line's pod
            ns = who[2] or namespace
            pod_entity = Entity("Pod", who[0], ns) if who[0] else entity
            if attrs is None:
                attrs = {}
            if who[1] or container:
                attrs["container"] = who[1] or container
        elif container is not None:
            if attrs is None:
                attrs = {"container": container}
            else:
                attrs["container"] = container
        if more:
            raw = raw + "\n" + "\n".join(more)
        if cont:
            if not message:  # `info: Category[0]` (.NET): the message is the first continuation
                message = cont[0].strip()
            if attrs is None:
                attrs = {}
            attrs["continuation"] = cont
        origin = _tnew(Origin, (path, line, member))
        # A year-less stamp dated by the clock alone (no year in the file or the other inputs).
        guessed = when is not None and clock.year_guessed
        return _tnew(Event, (when, _LOG, name, origin, message, raw, severity, None, ns, pod_entity, attrs, guessed))

    return build


def assemble(lines: Iterable[str], ctx: ReadContext) -> Iterator[Event]:
    """Events (times not yet inferred) from the physical lines of one log file."""
    clock = Clock(ctx.tz, ctx.year_hint, ctx.time_hint)
    dispatch = make_dispatch(clock)
    folder = Folder()
    continues = folder.continues
    partials = _Partials()
    build = _event_builder(ctx, clock)
    # the pending record: head = (parsed, wrapper, outer time, stream, line, raw, content, who),
    # then the extra physical lines and the continuation contents of a multi-line record
    head: tuple[Any, ...] | None = None
    more: list[str] | None = None
    cont: list[str] | None = None
    severity: Severity | None = _UNKNOWN
    blanks: list[str] = []
    previous: Event | None = None
    node_site = False  # the pending record is a Node.js exception header (`/app/x.js:12`)
    n = 0
    try:
        for line in lines:
            n += 1
            if line[-1:] == "\n":
                line = line[:-1]
                if line[-1:] == "\r":
                    line = line[:-1]
            if not line:
                if head is not None and len(blanks) < _MAX_BLANKS:
                    blanks.append(line)
                continue
            c = line[0]
            content, raw, lineno, wrapper, outer, stream, who = line, line, n, "text", None, None, None
            partial = False
            if c == "[" and line[:5] == "[pod/" and (named := split_kubectl_prefix(line)) is not None:
                who, content = (named[0], named[1], None), named[2]  # `kubectl logs --prefix`
                c = content[:1]
            elif c == "\ufeff" and n == 1:  # a byte-order mark
                content = raw = line = line[1:]
                c = line[:1]
            if "0" <= c <= "9" and content[10:11] == "T":
                prefixed = split_runtime_prefix(content)  # CRI or `kubectl logs --timestamps`
                if prefixed is not None:
                    outer, stream, partial, content = prefixed
                    wrapper = "cri"
                    if content[:1] == "{" and content[1:2].isalpha() and (labelled := split_stream_labels(content)):
                        who, content = labelled  # logcli's `{namespace="..", pod=".."} line`
            elif c == "{" and content[:7] == '{"log":' and (docker := split_docker_json(content)) is not None:
                outer, stream, partial, content = docker
                wrapper = "docker"
            if partial or partials.lines:  # a split line: join its pieces (a plain line ends it)
                joined = partials.join((content, raw, lineno, wrapper, outer, stream), partial)
                if joined is None:
                    continue
                content, raw, lineno, wrapper, outer, stream = joined
            if wrapper != "text":
                c = content[:1]
            if c == "│":  # a TUI's frame around each line (k9s log view): the log is inside
                content = content.strip("│ \t")
                c = content[:1]
            if "\x1b" in content:  # terminal colours some apps print even without a terminal
                content = ANSI.sub("", content)
                c = content[:1]
            # does this line continue the pending record?
            parsed = _UNPARSED
            if node_site and more is None and not blanks:  # the source line under a Node header
                more, cont = _fold(more, cont, blanks, raw, content)
                continue
            if c == " " or c == "\t" or c == "":
                if not content.strip():
                    if head is not None and len(blanks) < _MAX_BLANKS:
                        blanks.append(raw)
                    continue
                folds = head is not None
            elif folder.mode is not None or (c in STACK_FIRST and not c.isalpha()):
                folds = continues(content, severity) and head is not None
            elif c in STACK_FIRST:
                # a letter: a line in a known format (klog, logfmt, uvicorn, ...) is a record of its
                # own, so parse first and ask the folder only about lines no format accepts
                last = dispatch.last
                parsed = last(content) if last is not None else None
                if parsed is None:
                    parsed = dispatch.search(content)
                if parsed is None:
                    folds = continues(content, severity) and head is not None
                else:
                    folder.started(content)
                    folds = False
            else:
                folder.mode = None
                folds = False
            if folds and node_site and _NODE_ERROR.match(content):
                folds = False  # the exception under a Node header leads the record (below)
            if folds and (more is None or len(more) < MAX_RECORD_LINES):
                more, cont = _fold(more, cont, blanks, raw, content)
                continue
            if parsed is _UNPARSED:
                last = dispatch.last  # the format of the previous line, tried first (inlined call)
                parsed = last(content) if last is not None else None
                if parsed is None:
                    parsed = dispatch.search(content)
            if parsed is not None and parsed[2] is None:  # Postgres DETAIL/HINT/STATEMENT line
                if head is not None and head[0] is not None and head[0][0] == parsed[0]:
                    more, cont = _fold(more, cont, blanks, raw, content)
                    continue
                parsed = (parsed[0], parsed[1], _UNKNOWN, parsed[3], parsed[4])
            if head is not None:
                if node_site and _NODE_ERROR.match(content):  # the header's exception: one record
                    lineno, raw = head[4], "\n".join([head[5], *(more or ()), *blanks, raw])
                else:
                    previous = _last_words(build(head, more, cont), previous, head[6])
                    yield previous
                more = cont = None
            if blanks:
                blanks.clear()
            node_site = parsed is None and c in "/fnABCDEFGHIJKLMNOPQRSTUVWXYZ" and _NODE_SITE.match(content) is not None
            head = (parsed, wrapper, outer, stream, lineno, raw, content, who)
            severity = parsed[2] if parsed is not None else _UNKNOWN
        if head is not None:
            yield _last_words(build(head, more, cont), previous, head[6])
        if partials.lines:  # the input ended inside a split line
            content, raw, lineno, wrapper, outer, stream = partials.take()
            parsed = dispatch(content) if content.strip() else None
            yield build((parsed, wrapper, outer, stream, lineno, raw, content, None), None, None)
    finally:
        ctx.lines += n


#: How a crash record starts: the program's last words follow whatever it logged before.
_CRASH_STARTS = ("panic: ", "thread '", "Traceback (most recent call last)", "fatal error: ",
                 "Exception in thread ", "Unhandled exception", "Uncaught ")


def _last_words(event: Event, previous: Event | None, content: str) -> Event:
    """A crash record remembers the record logged just before it (`attrs["preceded_by"]`):
    what the program was handling when it died (the message that keeps killing it)."""
    if previous is None or not content.startswith(_CRASH_STARTS):
        return event
    if previous.attrs and "preceded_by" in previous.attrs:  # no chains of crashes in memory
        previous = previous._replace(attrs={k: v for k, v in previous.attrs.items() if k != "preceded_by"})
    return event._replace(attrs={**(event.attrs or {}), "preceded_by": previous})


def _fold(more: list[str] | None, cont: list[str] | None, blanks: list[str], raw: str, content: str) -> tuple[list[str], list[str]]:
    """Add one continuation line (and the blank lines before it) to the pending record."""
    if more is None:
        more, cont = [], []
    if blanks:
        more.extend(blanks)
        blanks.clear()
    more.append(raw)
    cont.append(content)  # type: ignore[union-attr]
    return more, cont  # type: ignore[return-value]


def infer_times(
    events: Iterable[Event], limit: int = MAX_LEADING, eligible: Callable[[Event], bool] | None = None
) -> Iterator[Event]:
    """Give untimed events the time of the previous timestamped one (or, before the first, of
    the next one, holding at most `limit` back), marked `time_inferred`; never drop any, keep
    their order. Only the untimed events `eligible` is true of take a time (default: all);
    it is asked about each one as it arrives, before the next is read."""
    last: float | None = None
    leading: list[Event] = []
    keep: set[int] = set()  # indexes in `leading` of held events that take no time
    gave_up = False
    for ev in events:
        when = ev[0]
        if when is not None:
            last = when
            if leading:
                for i, held in enumerate(leading):
                    yield held if i in keep else _tnew(Event, (when, *held[1:11], True))
                leading.clear()
                keep.clear()
            yield ev
        elif eligible is not None and not eligible(ev):
            if leading:  # held back only to keep the order
                keep.add(len(leading))
                leading.append(ev)
            else:
                yield ev
        elif last is not None:
            yield _tnew(Event, (last, *ev[1:11], True))
        elif gave_up:
            yield ev
        else:
            leading.append(ev)
            if len(leading) >= limit:
                gave_up = True
                yield from leading
                leading.clear()
                keep.clear()
    yield from leading
