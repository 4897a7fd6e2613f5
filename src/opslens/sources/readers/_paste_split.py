"""Splitting a pasted blob into the parts a specific reader understands.

A chat message or ticket mixes things: a prompt line and the command's output, a `kubectl
describe` excerpt, an events table, a log excerpt, a YAML manifest, a markdown table, prose.
The split is by what starts a part:

- a command line (prompt or bare `kubectl ...`): the output below it belongs to that command;
- a markdown code fence (dropped) or a markdown table (`| a | b |` rows, one part);
- the header of a diagnostic tool's output pasted without its command (`Filesystem  Size ...`);
- a block header of another kind than the current part: a describe object (`Name:` followed by
  `Namespace:`/`Labels:`...), an `Events:` section, a kubectl table header (`NAME  READY ...`,
  `LAST SEEN  TYPE ...`), a manifest (`apiVersion:`, `---`);
- after a blank line, inside a table, describe or manifest part: a line that does not continue it.

Parts keep their line numbers, so evidence still points at the pasted line.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from opslens.sources.readers._shell import Command, command_in, is_prompt_decoration
from opslens.sources.readers._shell_output import implied_tool

_FENCE = re.compile(r"^\s*```")
_MD_TABLE = re.compile(r"^\s*\|.*\|\s*$")
_DESCRIBE_NAME = re.compile(r"^Name:\s+\S")
_DESCRIBE_KEYS = re.compile(r"^(?:Namespace|Labels|Roles|Annotations|Priority|Node|Selector|StorageClass|CreationTimestamp):")
_EVENTS = re.compile(r"^\s*Events:\s*(?:<none>)?\s*$|^\s*Type\s+Reason\s+Age\s+From\s+Message\s*$")
_TABLE_HEADER = re.compile(r"^(?:NAMESPACE\s{2,})?(?:NAME|LAST SEEN|LASTSEEN|REVISION)\s{2,}[A-Z][A-Z0-9 ()%-]+$")
_MANIFEST = re.compile(r"^(?:apiVersion:\s*\S|kind:\s*[A-Z]\w+\s*$|---\s*$)")
_YAML_START = re.compile(r"^(?:#|apiVersion:|kind:|metadata:|[a-z][\w.-]*:(?:\s|$)|- [a-z][\w.-]*:)")
_DESCRIBE_LINE = re.compile(r"^(?:[A-Z][\w ./()-]*:(?:\s|$)|\s|-{2,})")
_YAML_LINE = re.compile(r"^(?:[\w.-]+:(?:\s|$)|-\s|\s|#)")


@dataclass
class Part:
    """A run of pasted lines that one reader reads."""

    start: int  # index of its first line in the paste (0-based)
    lines: list[str] = field(default_factory=list)
    command: Command | None = None
    command_index: int | None = None  # index of the command's line, when a command started it
    kind: str = "text"  # describe, events, table, manifest, markdown-table, output, text

    @property
    def text(self) -> str:
        """The part as a file of its own (every line ends with a newline)."""
        return "".join(line if line.endswith("\n") else line + "\n" for line in self.lines)

    def head(self, chars: int) -> str:
        """The first `chars` characters of `text`, without building all of it."""
        taken: list[str] = []
        size = 0
        for line in self.lines:
            taken.append(line if line.endswith("\n") else line + "\n")
            size += len(taken[-1])
            if size >= chars:
                break
        return "".join(taken)[:chars]

    def stream(self) -> PartStream:
        """The part as a text stream for its reader: the same lines as `text`, not joined."""
        return PartStream(self.lines)


class PartStream(io.TextIOBase):
    """The lines of a part as a read-only text stream (iteration, `readline`, `read`), so that
    a big part (the output of `kubectl logs`) is not copied into one more string for its
    reader. Each line ends with a newline, as in `Part.text`."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._at = 0
        self._rest = ""  # what a `read(size)` took from a line but did not return

    def readable(self) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        while line := self.readline():
            yield line

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        if self._rest:
            line, self._rest = self._rest, ""
        elif self._at < len(self._lines):
            line = self._lines[self._at]
            self._at += 1
            if not line.endswith("\n"):
                line += "\n"
        else:
            return ""
        if size is not None and 0 <= size < len(line):
            line, self._rest = line[:size], line[size:]
        return line

    def read(self, size: int | None = -1) -> str:
        if size is None or size < 0:
            rest, self._rest = self._rest, ""
            lines, at = self._lines, self._at
            self._at = len(lines)
            return rest + "".join(line if line.endswith("\n") else line + "\n" for line in islice(lines, at, None))
        taken: list[str] = []
        while size > 0 and (line := self.readline(size)):
            taken.append(line)
            size -= len(line)
        return "".join(taken)


def block_kind(line: str, following: Sequence[str]) -> str | None:
    """The kind of part `line` starts, looking at the (up to 4) lines after it; None for an
    ordinary line."""
    stripped = line.rstrip("\r\n")
    if _DESCRIBE_NAME.match(stripped) and any(_DESCRIBE_KEYS.match(f) for f in following[:4]):
        return "describe"
    if _EVENTS.match(stripped):
        return "events"
    if _TABLE_HEADER.match(stripped.rstrip()):
        return "table"
    if _MANIFEST.match(stripped) and (not stripped.startswith("---") or _yaml_follows(following)):
        return "manifest"
    if _MD_TABLE.match(stripped):
        return "markdown-table"
    if implied_tool(stripped):
        return "output"
    return None


def _yaml_follows(following: Sequence[str]) -> bool:
    """Whether a `---` starts a YAML document rather than separating sections of a tool's
    output (`openssl s_client` prints `---` between its certificate chain and its session)."""
    nxt = next((line for line in following if line.strip()), "")
    return bool(_YAML_START.match(nxt))


def split_paste(lines: list[str]) -> list[Part]:
    """The parts of a paste. Fences and prompt decorations belong to none (understood, but
    nothing to read)."""
    parts: list[Part] = []
    current = Part(0)
    filled = False  # whether the current part has a non-blank line yet
    owned = False  # whether it is the output of a kubectl verb whose reader knows its sections
    blank_before = False
    last = len(lines) - 1
    for i, raw in enumerate(lines):
        line = raw.rstrip("\r\n")
        if _FENCE.match(line) or (i < last and is_prompt_decoration(line, lines[i + 1].rstrip("\r\n"))):
            _close(parts, current)
            current, filled, owned = Part(i + 1), False, False
            continue
        command = command_in(line)
        if command is not None:
            _close(parts, current)
            current, filled = Part(i + 1, command=command, command_index=i, kind="command"), False
            owned = _kubectl_output(command) or command.tool in _CLIENTS
            blank_before = False
            continue
        if not line.strip():
            blank_before = True
            current.lines.append(raw)
            continue
        if not filled:  # the part's first line of content says what it is (unless a command did)
            if current.kind != "command":
                current.kind = block_kind(line, lines[i + 1 : i + 5]) or current.kind
        elif not owned:
            kind = block_kind(line, lines[i + 1 : i + 5])
            if _starts_new(current, kind, line, blank_before):
                _close(parts, current)
                current, owned = Part(i, kind=kind or "text"), False
        current.lines.append(raw)
        filled = True
        blank_before = False
    _close(parts, current)
    return parts


#: Database clients: the table after a statement (`+---+` / `|` rows) is its result.
_CLIENTS = frozenset({"mysql", "psql", "redis-cli", "sqlite3"})


def _kubectl_output(command: Command) -> bool:
    """Output of a kubectl verb whose reader knows its sections (no part starts inside it)."""
    return command.tool == "kubectl" and command.verb in ("describe", "get", "top", "rollout", "events")


def _starts_new(current: Part, kind: str | None, line: str, blank_before: bool) -> bool:
    """Whether `line` (of block `kind`) ends `current`, a part with content already."""
    if kind is not None:
        if current.kind == "describe" and kind == "events":
            return False  # a describe's own Events section
        if current.kind == "markdown-table" and kind == "markdown-table":
            return False
        if current.kind == "manifest" and kind == "manifest" and not line.startswith("---"):
            # `kubectl get -o yaml` of a List ends with its own `kind: List`: the same document
            # goes on until a top-level key it already has comes again.
            key = line.split(":", 1)[0] + ":"
            return any(seen.startswith(key) for seen in current.lines)
        if kind == "output" and _tool(current) == implied_tool(line):
            return False  # a header the same tool prints again (curl -v: `*   Trying` per address)
        return kind != current.kind or kind in ("describe", "manifest", "table", "output")
    if current.kind == "markdown-table":
        return True  # a table ends at its first line that is not a row
    if blank_before and current.kind in ("describe", "events", "table", "output"):
        return not (current.kind == "describe" and _DESCRIBE_LINE.match(line))
    if blank_before and current.kind == "manifest":
        return not _YAML_LINE.match(line)
    return False


def _tool(part: Part) -> str | None:
    """The tool whose output `part` is: its command's, or the one its first header names."""
    if part.command is not None:
        return part.command.output_tool or part.command.tool
    first = next((line for line in part.lines if line.strip()), "")
    return implied_tool(first) if part.kind == "output" else None


def _close(parts: list[Part], part: Part) -> None:
    while part.lines and not part.lines[-1].strip():
        part.lines.pop()
    if part.lines or part.command is not None:
        parts.append(part)
