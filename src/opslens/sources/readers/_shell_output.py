"""The output of a diagnostic command in a paste, as one record quoted with its command.

`df -h`, `du -sh DIR`, `nslookup NAME`, `free -h`, `swapon --show`, `cat /etc/fstab`: their
output only means something whole and next to the command that produced it. The event's `raw`
is the prompt line plus the output, verbatim; its `message` is the same text followed by the
facts read from it in plain words (`filesystem /dev/sda3 mounted on / is 81% full`), which is
what the knowledge base matches.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from opslens.events import Event, EventKind, Severity
from opslens.sources.base import ReadContext
from opslens.sources.readers._paste_split import Part

# df: `/dev/sda3   63G   48G   12G  81% /`, also `df -i` (IUse%)
_DF_ROW = re.compile(r"^(?P<fs>\S+)\s+(?:\S+\s+){3,4}(?P<use>\d{1,3})%\s+(?P<mount>/\S*)\s*$")
# du: `39G\t/var/openebs/local/pvc-...`
_DU_ROW = re.compile(r"^(?P<size>\d+(?:[.,]\d+)?[KMGTP]?)\s+(?P<path>/\S+)\s*$")
_SWAP_ROW = re.compile(r"^(?:Swap:\s+(?P<total>\d+(?:\.\d+)?\s*\w*)\s|(?P<file>/\S+)\s+(?:file|partition)\s)")
_FSTAB_SWAP = re.compile(r"^\s*[^#\s]+\s+\S+\s+swap\s+\S+")
_INODES = ("IUse%", "Inodes")
# openssl x509 -dates / -enddate / -text
_NOT_AFTER = re.compile(r"(?:notAfter=|Not After\s*:\s*)(\w{3}\s+\d{1,2} \d\d:\d\d:\d\d \d{4} \w+)")


def shell_output_event(part: Part, lines: list[str], ctx: ReadContext) -> Event:
    """One event for a diagnostic command and its output."""
    assert part.command is not None and part.command_index is not None
    head = lines[part.command_index].rstrip("\r\n")
    output = [line.rstrip("\r\n") for line in part.lines]
    while output and not output[-1].strip():
        output.pop()
    raw = "\n".join([head, *output])
    now = ctx.now or ctx.reference or time.time()  # when the paste was taken, at best a guess
    facts = _facts(part.command.output_tool or part.command.tool, output, now)
    message = "\n".join([part.command.text, *output, *facts])
    severity = Severity.WARNING if any(f.startswith(("filesystem", "inodes")) and _percent(f) >= 90 for f in facts) else Severity.INFO
    identity = part.command.identity
    return Event(
        time=None,
        kind=EventKind.LOG,
        source="shell",
        origin=ctx.source.origin(part.command_index + 1),
        message=message,
        raw=raw,
        severity=severity,
        namespace=identity.namespace,
        entity=identity.entity,
        attrs={"command": part.command.text, "tool": part.command.tool, "facts": facts},
    )


def _facts(tool: str, output: list[str], now: float) -> list[str]:
    facts: list[str] = []
    inodes = any(marker in line for line in output[:2] for marker in _INODES)
    for line in output:
        if m := _DF_ROW.match(line):
            what = "inodes of filesystem" if inodes else "filesystem"
            facts.append(f"{what} {m['fs']} mounted on {m['mount']} is {m['use']}% full")
        elif tool == "du" and (m := _DU_ROW.match(line)):
            facts.append(f"directory {m['path']} uses {m['size']}")
        elif (m := _SWAP_ROW.match(line)) and (m["file"] or not m["total"].startswith("0")):
            facts.append("swap is enabled on this host")
        elif tool == "cat" and _FSTAB_SWAP.match(line):
            facts.append("swap is enabled in /etc/fstab")
        elif (m := _NOT_AFTER.search(line)) and (end := _cert_date(m.group(1))) is not None:
            if end < now:
                facts.append(f"certificate notAfter {m.group(1).strip()} has passed: the certificate has expired")
            else:
                facts.append(f"certificate valid until {m.group(1).strip()}")
    return list(dict.fromkeys(facts))


def _cert_date(text: str) -> float | None:
    """`Jul 11 09:36:23 2025 GMT` (openssl) as epoch seconds."""
    try:
        return datetime.strptime(" ".join(text.split()), "%b %d %H:%M:%S %Y %Z").replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None


def _percent(fact: str) -> int:
    m = re.search(r"(\d+)% full", fact)
    return int(m.group(1)) if m else 0
