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

import re
from dataclasses import dataclass, field

from opslens.sources.readers._shell import Command, command_in, is_prompt_decoration
from opslens.sources.readers._shell_output import implied_tool

_FENCE = re.compile(r"^\s*```")
_MD_TABLE = re.compile(r"^\s*\|.*\|\s*$")
_DESCRIBE_NAME = re.compile(r"^Name:\s+\S")
_DESCRIBE_KEYS = re.compile(r"^(?:Namespace|Labels|Roles|Annotations|Priority|Node|Selector|StorageClass|CreationTimestamp):")
_EVENTS = re.compile(r"^\s*Events:\s*(?:<none>)?\s*$|^\s*Type\s+Reason\s+Age\s+From\s+Message\s*$")
_TABLE_HEADER = re.compile(r"^(?:NAMESPACE\s{2,})?(?:NAME|LAST SEEN|LASTSEEN|REVISION)\s{2,}[A-Z][A-Z0-9 ()%-]+$")
_MANIFEST = re.compile(r"^(?:apiVersion:\s*\S|kind:\s*[A-Z]\w+\s*$|---\s*$)")
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
        return "".join(line if line.endswith("\n") else line + "\n" for line in self.lines)


def block_kind(line: str, following: list[str]) -> str | None:
    """The kind of part `line` starts, looking at the lines after it; None for an ordinary line."""
    stripped = line.rstrip("\r\n")
    if _DESCRIBE_NAME.match(stripped) and any(_DESCRIBE_KEYS.match(f) for f in following[:4]):
        return "describe"
    if _EVENTS.match(stripped):
        return "events"
    if _TABLE_HEADER.match(stripped.rstrip()):
        return "table"
    if _MANIFEST.match(stripped):
        return "manifest"
    if _MD_TABLE.match(stripped):
        return "markdown-table"
    if implied_tool(stripped):
        return "output"
    return None


def split_paste(lines: list[str]) -> tuple[list[Part], list[int]]:
    """The parts of a paste, and the indexes of lines that belong to none (fences, prompt
    decorations): understood, but nothing to read."""
    parts: list[Part] = []
    ignored: list[int] = []
    current = Part(0)
    blank_before = False
    for i, raw in enumerate(lines):
        line = raw.rstrip("\r\n")
        nxt = lines[i + 1].rstrip("\r\n") if i + 1 < len(lines) else None
        if _FENCE.match(line) or is_prompt_decoration(line, nxt):
            _close(parts, current)
            current = Part(i + 1)
            ignored.append(i)
            continue
        command = command_in(line)
        if command is not None:
            _close(parts, current)
            current = Part(i + 1, command=command, command_index=i, kind="command")
            blank_before = False
            continue
        if not line.strip():
            blank_before = True
            current.lines.append(raw)
            continue
        kind = block_kind(line, [x.rstrip("\r\n") for x in lines[i + 1 : i + 5]])
        if _starts_new(current, kind, line, blank_before):
            _close(parts, current)
            current = Part(i, kind=kind or "text")
        elif not current.lines or not any(x.strip() for x in current.lines):
            current.kind = current.kind if current.kind == "command" else kind or current.kind
        current.lines.append(raw)
        blank_before = False
    _close(parts, current)
    return parts, ignored


def _starts_new(current: Part, kind: str | None, line: str, blank_before: bool) -> bool:
    has_content = any(x.strip() for x in current.lines)
    if not has_content:
        return False
    if current.kind == "command" and current.command is not None and current.command.tool == "kubectl" \
            and current.command.verb in ("describe", "get", "top", "rollout", "events"):
        return False  # kubectl's own output: its reader knows its sections
    if kind is not None:
        if current.kind == "describe" and kind == "events":
            return False  # a describe's own Events section
        if current.kind == "markdown-table" and kind == "markdown-table":
            return False
        return kind != current.kind or kind in ("describe", "manifest", "table", "output")
    if current.kind == "markdown-table":
        return True  # a table ends at its first line that is not a row
    if blank_before and current.kind in ("describe", "events", "table", "output"):
        return not (current.kind == "describe" and _DESCRIBE_LINE.match(line))
    if blank_before and current.kind == "manifest":
        return not _YAML_LINE.match(line)
    return False


def _close(parts: list[Part], part: Part) -> None:
    while part.lines and not part.lines[-1].strip():
        part.lines.pop()
    if part.lines or part.command is not None:
        parts.append(part)
