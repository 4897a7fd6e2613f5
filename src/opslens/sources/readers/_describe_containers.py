"""The `Containers:` / `Init Containers:` sections of `kubectl describe pod`.

Each container is a `name:` line followed by `Key:  value` lines: Image, State and Last State
(with Reason, Message, Exit Code, Signal, Started, Finished below them), Ready, Restart Count,
Limits and Requests (one `resource:  quantity` line each). Pastes into issue threads often lose
their indentation, so keys are recognised by name, not only by column; a termination Message
may span lines (kubectl prints it as it is), which stay in its block until the next key.
"""

from __future__ import annotations

import re

from opslens.sources.readers._describe_model import Container, StateBlock
from opslens.sources.readers._kubectl_text import ascii_int, expand

# No lazy group before `\s*$`: on long lines of spaces that backtracks quadratically.
KEY = re.compile(r"^(?P<key>[A-Z][A-Za-z0-9()/. -]{0,60}?):(?:[ \t]+(?P<value>.*))?$")
STATE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<label>State|Last State|Last Termination State):[ \t]+"
    r"(?P<status>Waiting|Terminated|Running)\b[ \t]*$"
)
NAME = re.compile(r"^(?P<indent>[ \t]*)(?P<name>[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?):[ \t]*$")
_RESOURCE = re.compile(
    r"^[ \t]*(?P<name>cpu|memory|ephemeral-storage|storage|pods|hugepages-\w+|[\w.-]+\.[a-z]+/[\w.-]+):"
    r"[ \t]+(?P<value>\S+)[ \t]*$"
)
STATE_KEYS = frozenset({"Reason", "Message", "Exit Code", "Signal", "Started", "Finished"})
CONTAINER_KEYS = frozenset(
    {"Container ID", "Image", "Image ID", "Port", "Ports", "Host Port", "Host Ports", "Command",
     "Args", "State", "Last State", "Last Termination State", "Ready", "Restart Count", "Limits",
     "Requests", "Liveness", "Readiness", "Startup", "Environment", "Environment Variables from",
     "Mounts", "Devices", "SeccompProfile", "QoS Tier", "Environment Variables"}
)  # fmt: skip
#: Keys that end a containers section even in a paste that lost its indentation.
SECTION_END = frozenset(
    {"Conditions", "Volumes", "QoS Class", "Node-Selectors", "Tolerations", "Events",
     "Init Containers", "Containers", "Ephemeral Containers", "Readiness Gates",
     "Topology Spread Constraints", "Name", "Namespace", "Volume Claims"}
)  # fmt: skip
_MAX_MESSAGE_LINES = 60


def indent_of(line: str) -> int:
    expanded = expand(line)
    return len(expanded) - len(expanded.lstrip(" "))


def key_of(line: str) -> tuple[str, str] | None:
    """(key, value) of a `Key:  value` line at any indentation."""
    m = KEY.match(line.strip())
    return (m.group("key"), (m.group("value") or "").rstrip()) if m else None


def is_container_name(lines: list[str], i: int, section_indent: int, flat: bool) -> bool:
    """A `name:` line opening a container: one level below the section, or (flattened
    pastes) followed by the container's first keys."""
    m = NAME.match(lines[i])
    if not m:
        return False
    depth = indent_of(lines[i]) - section_indent
    if not flat and 1 <= depth <= 3:
        return True
    following = [key_of(line) for line in lines[i + 1 : i + 3]]
    return any(k is not None and k[0] in ("Container ID", "Image") for k in following)


def parse_containers(
    lines: list[str], start: int, section_indent: int, init: bool, out: list[Container]
) -> int:
    """Read containers from `lines[start]` on; returns the index of the first line after."""
    flat = _flattened(lines, start, section_indent)
    current: Container | None = None
    i = start
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            break
        indent = indent_of(line)
        key = key_of(line)
        if indent <= section_indent and key is not None and (key[0] in SECTION_END or not flat):
            break
        if is_container_name(lines, i, section_indent, flat):
            current = Container(NAME.match(line).group("name"), init)  # type: ignore[union-attr]
            out.append(current)
            i += 1
            continue
        if current is None:
            current = Container(None, init)  # a partial paste without the name line
            out.append(current)
        i = _container_line(lines, i, current, flat)
    return i


def _container_line(lines: list[str], i: int, container: Container, flat: bool) -> int:
    """Apply one line (or a State block, or a Limits list) to `container`; the next index."""
    line = lines[i]
    if m := STATE.match(expand(line)):
        block, end = parse_state(lines, i, m)
        container.states.append(block)
        _with_restarts(block, lines, end)
        return end
    key = key_of(line)
    if key is None:
        return i + 1
    name, value = key
    if name == "Image" and not container.image:
        container.image = value or None
    elif name == "Ready":
        container.ready = value or None
    elif name == "Restart Count" and (restarts := ascii_int(value)) is not None and restarts >= 0:
        container.restarts = restarts
    elif name in ("Limits", "Requests"):
        target = container.limits if name == "Limits" else container.requests
        end = _resources(lines, i, target, flat)
        if name == "Limits" and end > i + 1:
            container.limits_block = (i + 1, lines[i:end])
        return end
    return i + 1


def _with_restarts(block: StateBlock, lines: list[str], end: int) -> None:
    """A State block's record reaches through the `Ready:` and `Restart Count:` lines right
    after it: how often the container went through that state is part of what it says."""
    j = end
    while j < len(lines) and j < end + 2 and (key := key_of(lines[j])) and key[0] in ("Ready", "Restart Count"):
        j += 1
    if j > end and key_of(lines[j - 1]) and key_of(lines[j - 1])[0] == "Restart Count":  # type: ignore[index]
        block.raw = [*block.raw, *lines[end:j]]


def _resources(lines: list[str], i: int, target: dict[str, str], flat: bool) -> int:
    indent = indent_of(lines[i])
    j = i + 1
    while j < len(lines) and (m := _RESOURCE.match(lines[j])):
        if not flat and indent_of(lines[j]) <= indent:
            break
        target[m.group("name")] = m.group("value")
        j += 1
    return j


def parse_state(lines: list[str], i: int, m: re.Match[str]) -> tuple[StateBlock, int]:
    """A State/Last State block from `lines[i]`; the index after it."""
    block = StateBlock(m.group("label"), m.group("status"), i + 1, [lines[i]])
    indent = len(m.group("indent"))
    j = i + 1
    in_message = 0
    while j < len(lines):
        line = lines[j]
        if not line.strip():
            break
        key = key_of(line)
        if key is not None and key[0] in STATE_KEYS and indent_of(line) >= indent:
            block.fields.setdefault(key[0], key[1])
            in_message = 1 if key[0] == "Message" else 0
        elif (
            in_message and in_message < _MAX_MESSAGE_LINES and not _ends_message(line, key, indent)
        ):
            in_message += 1  # the termination message goes on: kubectl prints it as it is
            block.fields["Message"] += "\n" + line.strip()
        else:
            break
        block.raw.append(line)
        j += 1
    return block, j


def _ends_message(line: str, key: tuple[str, str] | None, indent: int) -> bool:
    if STATE.match(expand(line)):
        return True
    return key is not None and key[0] in CONTAINER_KEYS and indent_of(line) <= indent + 2


def _flattened(lines: list[str], start: int, section_indent: int) -> bool:
    """True when the section's lines sit at its own indentation (a paste that lost it)."""
    for line in lines[start : start + 3]:
        if line.strip():
            return indent_of(line) <= section_indent
    return False
