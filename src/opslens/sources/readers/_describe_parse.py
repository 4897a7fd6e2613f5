"""Splits a `kubectl describe` paste into `Described` objects.

A new object starts at each top-level `Name:` line (describe of several objects prints them one
after another) and after each pasted command line (`$ kubectl describe pod x`, which also says
the kind). Parts pasted on their own are read too: an `Events:` table with or without its
header, node condition rows, a container's State block. Lines inside an object that no rule
reads (labels, volumes, environment...) are part of it; text outside any object, or after a
blank line where describe would not put one, is reported back as not understood.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from opslens.sources.readers import _describe_conditions as conditions
from opslens.sources.readers._describe_containers import (
    NAME,
    STATE,
    indent_of,
    is_container_name,
    key_of,
    parse_containers,
)
from opslens.sources.readers._describe_events import (
    HEADER,
    OLD_HEADER,
    OLD_ROW,
    ROW,
    EventTable,
    old_row,
)
from opslens.sources.readers._describe_model import Described, Field
from opslens.sources.readers._kubectl_text import Command, command_of, expand, physical_lines

_CONTAINER_SECTIONS = {"Containers": False, "Init Containers": True, "Ephemeral Containers": False}
#: Keys that end an Events table even where a wrapped message could continue.
_TABLE_STOP_KEYS = frozenset({"Name", "Namespace", "Events", "Conditions", "Containers", "Labels"})


@dataclass
class Parsed:
    objects: list[Described] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)  # 1-based lines not understood
    empty_tables: list[int] = field(default_factory=list)  # Events headers without rows
    bad_rows: list[int] = field(default_factory=list)  # lines in a table that are not rows


class _Parser:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.out = Parsed()
        self.current: Described | None = None
        self.base = 0
        self.hint: Command | None = None
        self.after_blank = False

    def run(self) -> Parsed:
        i = 0
        while i < len(self.lines):
            i = self._step(i)
        return self.out

    # -- objects ------------------------------------------------------------------------------

    def _new(self, i: int, indent: int) -> Described:
        hint = self.hint
        obj = Described(i + 1)
        if hint is not None:
            obj.kind_hint, obj.name_hint, obj.namespace_hint = hint.kind, hint.name, hint.namespace
        self.current, self.base = obj, indent
        self.out.objects.append(obj)
        return obj

    def _obj(self, i: int) -> Described:
        return self.current if self.current is not None else self._new(i, indent_of(self.lines[i]))

    # -- one step -----------------------------------------------------------------------------

    def _step(self, i: int) -> int:
        line = self.lines[i]
        if not line.strip():
            self.after_blank = True
            return i + 1
        if (cmd := command_of(line)) is not None:
            self.hint = cmd if cmd.verb == "describe" else None
            self.current = None
            self.after_blank = False
            return i + 1
        start = self._section(i, line)
        if start is None:
            start = self._key_or_text(i, line)
        else:
            self.after_blank = False
        return start

    def _section(self, i: int, line: str) -> int | None:
        """Index after a section that starts at `line` without its key line, else None."""
        text = expand(line)
        indent = indent_of(line)
        if HEADER.match(text) or OLD_HEADER.match(text) or ROW.match(text) or (OLD_ROW.match(text) and old_row(i + 1, line)):
            return self._events(i, self._obj(i))
        if conditions.DATED_ROW.match(text):
            return conditions.parse_table(self.lines, i, indent - 1, self._obj(i).conditions)
        if STATE.match(text):
            obj = self._obj(i)
            return parse_containers(self.lines, i, indent - 4, False, obj.containers)
        loose = self.current is None or indent > self.base or self.after_blank
        if loose and NAME.match(line) and is_container_name(self.lines, i, indent - 2, flat=True):
            obj = self._obj(i)
            return parse_containers(self.lines, i, indent - 2, False, obj.containers)
        return None

    def _key_or_text(self, i: int, line: str) -> int:
        key = key_of(line)
        indent = indent_of(line)
        if key is None:
            # after a blank line (or more such text) a line that is no field is not part of
            # the object; right below a field it is the field's nested content
            if self.current is None or self.after_blank:
                self.out.unknown.append(i + 1)
            return i + 1
        self.after_blank = False
        name, value = key
        if name == "Name" and value and (self.current is None or indent <= self.base):
            self._new(i, indent)
        obj = self._obj(i)
        if indent > self.base:
            if name == "Conditions" and not value:
                return self._conditions(i, indent, obj)
            return i + 1
        return self._top_key(i, line, name, value, obj)

    def _top_key(self, i: int, line: str, name: str, value: str, obj: Described) -> int:
        indent = indent_of(line)
        obj.fields.setdefault(name, Field(value, i + 1, line))
        if name == "Events":
            if value.strip() == "<none>":
                return i + 1
            return self._events(i + 1, obj)
        if name == "Conditions" and not value:
            return self._conditions(i, indent, obj)
        if name in _CONTAINER_SECTIONS and value.strip() != "<none>":
            init = _CONTAINER_SECTIONS[name]
            return parse_containers(self.lines, i + 1, indent, init, obj.containers)
        return i + 1

    def _conditions(self, i: int, indent: int, obj: Described) -> int:
        following = next((ln for ln in self.lines[i + 1 : i + 2] if ln.strip()), "")
        key = key_of(following)
        if key is not None and key[0] in (
            "Type",
            "Last Transition Time",
            "Last Update Time",
            "Message",
            "Reason",
            "Status",
        ):
            return conditions.parse_items(self.lines, i + 1, indent, obj.conditions)
        return conditions.parse_table(self.lines, i + 1, indent, obj.conditions)

    def _events(self, start: int, obj: Described) -> int:
        table = EventTable()
        i = start
        header_at = None
        while i < len(self.lines):
            line = self.lines[i]
            if self._ends_table(line):
                break
            if table.header(line):
                header_at = i + 1
            elif not table.feed(i + 1, line):
                if header_at is None or table.rows or key_of(line) is not None:
                    break
                self.out.bad_rows.append(i + 1)  # under the header, before any row
            i += 1
        if header_at is not None and not table.rows:
            self.out.empty_tables.append(header_at)
        obj.events.extend(table.rows)
        if i == start:  # not a row after all: the line is text, and the parse moves on
            self.out.unknown.append(start + 1)
            return start + 1
        return i

    def _ends_table(self, line: str) -> bool:
        if not line.strip() or command_of(line) is not None:
            return True
        key = key_of(line)
        if key is not None and key[0] in _TABLE_STOP_KEYS and indent_of(line) <= self.base:
            return True
        text = expand(line)
        return bool(conditions.DATED_ROW.match(text) or STATE.match(text))


def parse(text: str) -> Parsed:
    """The described objects of a paste, and the lines it could not place."""
    return _Parser(physical_lines(text)).run()
