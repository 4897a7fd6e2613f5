"""`kubectl get pods|pvc|nodes|deployments` tables as pasted (with `-o wide`, `-A`, several
tables in one paste, `kubectl get all` prefixes such as `pod/web-1`, `No resources found`).

Cells are cut at the header's columns (kubectl's tabwriter aligns them); rows that do not line
up (`-w` output, re-flowed pastes) are split at spaces instead. One EVENT per row: unhealthy
rows (a pod not Running/Completed, not all containers ready, or restarted; a Pending/Lost
claim; a NotReady or cordoned node; a deployment short of replicas) are warnings, the others
info. The AGE of a row says when the object was created, not when anything went wrong, so a
row is dated only by its last restart (`5 (2m ago)`), from `ReadContext.anchor`.
`kubectl get events` tables belong to the k8s-events reader; other kinds' tables are
reported as read without being understood.

Lines that are no rows (the pod's log pasted under its table, a status YAML, an error kubectl
printed, prose) are read as the generic text reader reads them (`lines.records.assemble`:
line formats, levels, multi-line records), so an error among them still counts. Only blank
lines, decoration (`---`, a fence, a two-line prompt's first line) and rows that line up with
the header but cannot be read (reported with `ctx.skip`) make no event.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from opslens.events import Event, EventKind, Severity
from opslens.sources.base import SNIFF_CHARS, ReadContext, Reader, register
from opslens.sources.readers._documents import count_lines
from opslens.sources.readers._get_rows import ROW_READERS, RowFacts
from opslens.sources.readers._kubectl_text import (
    Column,
    Command,
    command_of,
    cut,
    entity,
    expand,
    header_columns,
    physical_lines,
    strip_bom,
)
from opslens.sources.readers._shell import is_prompt_decoration
from opslens.sources.readers._text_runs import TextRun
from opslens.timeparse.relative import parse_age

HEADERS: list[tuple[str, re.Pattern[str]]] = [
    ("Pod", re.compile(r"^(?:NAMESPACE\s+)?NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\b")),
    (
        "PersistentVolumeClaim",
        re.compile(r"^(?:NAMESPACE\s+)?NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS ?MODES\b"),
    ),
    ("Node", re.compile(r"^NAME\s+STATUS\s+(?:ROLES\s+)?AGE\s+VERSION\b")),
    ("NetworkPolicy", re.compile(r"^(?:NAMESPACE\s+)?NAME\s+POD-SELECTOR\s+AGE\b")),
    (
        "HorizontalPodAutoscaler",
        re.compile(r"^(?:NAMESPACE\s+)?NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\b"),
    ),
    (
        "Deployment",
        re.compile(
            r"^(?:NAMESPACE\s+)?NAME\s+(?:READY|DESIRED\s+CURRENT)\s+UP-TO-DATE\s+AVAILABLE\s+AGE\b"
        ),
    ),
]
#: Any other `kubectl get` table: NAME (maybe after NAMESPACE) and capitalised column names.
_OTHER_HEADER = re.compile(
    r"^(?:NAMESPACE\s+)?NAME(?:\s{2,}[A-Z][A-Z0-9()%/-]*(?: [A-Z][A-Z0-9()%/-]*)?){2,}\s*$"
)
_FOREIGN = re.compile(r"^(?:NAMESPACE\s+)?(?:LAST ?SEEN|FIRST ?SEEN)\b|CPU\(cores\)")
_NO_RESOURCES = re.compile(r"^\s*No resources found\b")
_RESTART_AGO = re.compile(r"(?<!\d)\d+ \(\S+ ago\)")  # (?<!\d): linear on long digit runs
# no words: rules, fences, a `watch` interrupted (`^C`)
_DECORATION = re.compile(r"^\s*(?:[\W_]*|\^C|`{3}[\w-]*)\s*$")
_HEAD_LINES = 8


@dataclass
class _Table:
    kind: str | None  # None: a table of a kind this reader does not read
    columns: list[Column]
    line: int


@register
class K8sGetReader(Reader):
    """kubectl get pods/pvc/nodes/deployments tables as EVENT records, one per row."""

    name = "k8s-get"
    description = "kubectl get pods/pvc/nodes/deployments tables (-o wide, -A)"
    relative_ages = True  # counted back from the newest time of the other inputs

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        return _score(head)

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        text = strip_bom(stream.read())
        ctx.lines += count_lines(text)
        anchor: tuple[float, bool] | None = None
        table: _Table | None = None
        hint: Command | None = None
        unknown: list[int] = []
        other: dict[int, int] = {}  # header line of an unread table -> its rows
        run = TextRun(ctx, "text between the rows of a kubectl get table")
        lines = physical_lines(text)
        for line_no, line in enumerate(lines, start=1):
            if not line.strip() or _NO_RESOURCES.match(line):
                run.blank(line)
                continue
            if _decoration(line, lines[line_no] if line_no < len(lines) else None):
                yield from run.flush()
                if table is None:
                    unknown.append(line_no)
                continue
            if (cmd := command_of(line)) is not None:
                yield from run.flush()
                hint, table = cmd, None
                continue
            if (found := header_of(line, line_no)) is not None:
                yield from run.flush()
                table = found
                if table.kind is None:
                    other[line_no] = 0
                continue
            event = None
            if table is None:
                unknown.append(line_no)
            elif table.kind is None:
                other[table.line] += 1
                event = _text_row(line, line_no, ctx, self.name)  # not understood, still searched
            else:
                anchor = anchor or ctx.anchor(None)
                reader = _policy_row if table.kind == "NetworkPolicy" else _row_event
                event = reader(line, line_no, table, hint, anchor, ctx, self.name)
                if event is None and _damaged_row(line, table):
                    yield from run.flush()
                    ctx.skip(f"not a row of a `kubectl get` {table.kind} table", line_no)
                    continue
            if event is None:
                run.add(line, line_no, in_table=table is not None)
            else:
                yield from run.flush()
                yield event
        yield from run.flush()
        _report(ctx, unknown, other)


def _decoration(line: str, next_line: str | None) -> bool:
    """A line that says nothing: a rule, a fence, or the first line of a two-line prompt."""
    if _DECORATION.match(line):
        return True
    # `infra/deploy on main [!?]` above `➜ k get pods`; the words first: cheaper than a prompt
    return any(word in line for word in (" on ", " via ", " at ")) and is_prompt_decoration(line, next_line)


def _damaged_row(line: str, table: _Table) -> bool:
    """A row that lines up with the header and fills every column, but whose cells do not read
    (`web-1  one  Running  zero  5m`): a damaged row of the table, not text of its own."""
    cells = cut(line, table.columns)
    return cells is not None and all(cells.values()) and len(line.split()) <= len(table.columns) + 3


def header_of(line: str, line_no: int) -> _Table | None:
    """The table a header line opens (kind None for kinds not read), or None."""
    text = expand(line).strip()
    for kind, pattern in HEADERS:
        if pattern.match(text):
            return _Table(kind, header_columns(expand(line)), line_no)
    if _OTHER_HEADER.match(text) and not _FOREIGN.search(text):
        return _Table(None, header_columns(expand(line)), line_no)
    return None


def _row_event(
    line: str, line_no: int, table: _Table, hint: Command | None,
    anchor: tuple[float, bool], ctx: ReadContext, source: str,
) -> Event | None:  # fmt: skip
    cells = cut(line, table.columns)
    read_row = ROW_READERS[table.kind or ""]
    facts = read_row(cells) if cells is not None else None
    if facts is None:
        facts = read_row(_split_cells(line, table.columns))
    if facts is None:
        return None  # the caller tells a damaged row from text that is no row
    return _event(facts, line, line_no, table, hint, anchor, ctx, source)


def _split_cells(line: str, columns: list[Column]) -> dict[str, str]:
    """Cells of a row that does not line up with its header: words in column order, with
    `(2m ago)` kept with the restart count before it."""
    protected = _RESTART_AGO.sub(lambda m: m.group(0).replace(" ", "\x00"), line.strip())
    words = protected.split()
    wide = re.split(r"\s{2,}", protected)
    if len(wide) == len(columns) and len(words) > len(columns):
        words = wide  # a cell with spaces in it (`secrets "x" not found`), the gaps still wide
    cells = {c.name: "" for c in columns}
    for column, word in zip(columns, words, strict=False):
        cells[column.name] = word.replace("\x00", " ")
    return cells


def _event(
    facts: RowFacts, line: str, line_no: int, table: _Table, hint: Command | None,
    anchor: tuple[float, bool], ctx: ReadContext, source: str,
) -> Event:  # fmt: skip
    kind = facts.kind or table.kind or "Pod"
    namespace = (
        facts.namespace or (hint.namespace if hint else None) or ctx.source.identity.namespace
    )
    subject = entity(kind, facts.name, namespace)
    time = inferred = None
    if facts.ago is not None:
        time, inferred = anchor[0] - facts.ago, anchor[1]
    attrs: dict[str, Any] = {
        "reason": facts.reason, "type": "Warning" if facts.unhealthy else "Normal", "count": 1,
        "first_time": time, "last_time": time, "component": None,
        "involved": {"kind": kind, "name": facts.name, "namespace": subject.namespace if subject else None},
        **facts.attrs,
    }  # fmt: skip
    return Event(
        time=time,
        kind=EventKind.EVENT,
        source=source,
        origin=ctx.source.origin(line_no),
        message=facts.message,
        raw=line,
        severity=Severity.WARNING if facts.unhealthy else Severity.INFO,
        host=facts.attrs.get("node"),
        namespace=subject.namespace if subject else namespace,
        entity=subject,
        attrs=attrs,
        time_inferred=bool(inferred) and time is not None,
    )


def _text_row(line: str, line_no: int, ctx: ReadContext, source: str) -> Event:
    """A row of a table of a kind this reader does not read: kept as words to search."""
    return Event(None, EventKind.LOG, source, ctx.source.origin(line_no), " ".join(line.split()), line)


def _policy_row(
    line: str, line_no: int, table: _Table, hint: Command | None,
    anchor: tuple[float, bool], ctx: ReadContext, source: str,
) -> Event | None:  # fmt: skip
    """A NetworkPolicy row: its AGE dates the policy's creation, a change traffic may feel."""
    cells = cut(line, table.columns) or _split_cells(line, table.columns)
    name, age = cells.get("NAME", ""), parse_age(cells.get("AGE", ""))
    if not name or age is None:
        return None  # the caller tells a damaged row from text that is no row
    namespace = cells.get("NAMESPACE") or (hint.namespace if hint else None) or ctx.source.identity.namespace
    attrs: dict[str, Any] = {
        "change_kind": "object-created", "files": [f"NetworkPolicy/{namespace or ''}/{name}"],
        "selector": cells.get("POD-SELECTOR") or None, "age": cells.get("AGE"),
    }
    return Event(
        time=anchor[0] - age,
        kind=EventKind.CHANGE,
        source=source,
        origin=ctx.source.origin(line_no),
        message=f"NetworkPolicy {namespace + '/' if namespace else ''}{name} created {cells.get('AGE')} before the paste",
        raw=line,
        severity=Severity.INFO,
        namespace=namespace,
        entity=entity("NetworkPolicy", name, namespace),
        attrs=attrs,
        time_inferred=anchor[1],
    )


def _report(ctx: ReadContext, unknown: list[int], other: dict[int, int]) -> None:
    for header_line, rows in other.items():
        ctx.unrecognized(
            "kubectl get table of a kind opslens does not read", header_line, lines=rows + 1
        )
    if unknown:
        ctx.unrecognized(
            "text in a kubectl get paste outside any table", unknown[0], lines=len(unknown)
        )


def _score(head: str) -> float:
    text = strip_bom(head)
    if text.lstrip()[:1] in ("{", "[", ""):
        return 0.0
    lines = physical_lines(text)
    if len(head) >= SNIFF_CHARS and not head.endswith("\n"):
        lines = lines[:-1]
    content = [ln for ln in lines[:40] if ln.strip() and command_of(ln) is None][:_HEAD_LINES]
    headers = [h for n, ln in enumerate(content) if (h := header_of(ln, n)) is not None]
    if headers and headers[0].kind is not None:
        return 0.9
    if any(h.kind is not None for h in headers):
        return 0.8
    if content and all(_NO_RESOURCES.match(ln) for ln in content):
        return 0.5
    return 0.0
