"""The output of a diagnostic command in a paste, as one record quoted with its command.

`df -h`, `du -sh DIR`, `nslookup NAME`, `free -h`, `swapon --show`, `cat /etc/fstab`: their
output only means something whole and next to the command that produced it. The event's `raw`
is the prompt line plus the output, verbatim; its `message` is the same text followed by the
facts read from it in plain words (`filesystem /dev/sda3 mounted on / is 81% full`), which is
what the knowledge base matches.

People often paste the output without its command; a header that only one tool prints
(`Filesystem  Size  Used Avail Use% Mounted on`, `ceph osd df`'s `ID CLASS WEIGHT ... %USE`,
curl's `* Host api:443 was resolved.`, s_client's `CONNECTED(00000003)`) names the tool just as
well (`implied_tool`). What curl and openssl say about a connection (a certificate expired, a
connection refused, a 5xx answer) is read by `_tls_output`; such failures make the record an
ERROR.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from opslens.events import Event, EventKind, Severity
from opslens.sources.base import ReadContext
from opslens.sources.readers import _tls_output

if TYPE_CHECKING:  # the splitter recognises output headers with `implied_tool`
    from opslens.sources.readers._paste_split import Part

# df: `/dev/sda3   63G   48G   12G  81% /`, also `df -i` (IUse%)
_DF_ROW = re.compile(r"^(?P<fs>\S+)\s+(?:\S+\s+){3,4}(?P<use>\d{1,3})%\s+(?P<mount>/\S*)\s*$")
# du: `39G\t/var/openebs/local/pvc-...`
_DU_ROW = re.compile(r"^(?P<size>\d+(?:[.,]\d+)?[KMGTP]?)\s+(?P<path>/\S+)\s*$")
_SWAP_ROW = re.compile(r"^(?:Swap:\s+(?P<total>\d+(?:\.\d+)?\s*\w*)\s|(?P<file>/\S+)\s+(?:file|partition)\s)")
_FSTAB_SWAP = re.compile(r"^\s*[^#\s]+\s+\S+\s+swap\s+\S+")
_INODES = ("IUse%", "Inodes")
#: Headers only one tool prints, so its output is recognised without the command line.
_HEADERS = (
    ("df", re.compile(r"^Filesystem\s+(?:Type\s+)?(?:Size|\d*[KMG]?-?blocks|Inodes)\s.*\bMounted on\s*$")),
    ("ceph-df", re.compile(r"^\s*ID\s+CLASS\s+WEIGHT\s+REWEIGHT\s+SIZE\s.*%USE\b")),  # ceph osd df
    ("free", re.compile(r"^\s+total\s+used\s+free\s+shared\s")),
    ("swapon", re.compile(r"^NAME\s+TYPE\s+SIZE\s+USED\s+PRIO\s*$")),
    *_tls_output.HEADERS,
)
# a size as ceph prints it: `10 GiB`, `1023 MiB`, `0 B`, or `10GiB` / `10240M` in older releases
_SIZE = r"\d+(?:\.\d+)?\s?[KMGTPE]?i?B?"
_CEPH_OSD_ROW = re.compile(rf"^\s*(?P<id>\d+)\s+(?P<cls>[a-z]\w*)\s+[\d.]+\s+[\d.]+\s+(?:{_SIZE}\s+){{3,6}}(?P<use>\d+(?:\.\d+)?)\s")


def implied_tool(line: str) -> str | None:
    """The tool whose output starts with this header line, if only one tool prints it."""
    for tool, header in _HEADERS:
        if header.match(line.rstrip("\r\n")):
            return tool
    return None


def shell_output_event(part: Part, lines: list[str], ctx: ReadContext) -> Event:
    """One event for a diagnostic command and its output, or for output whose header names
    the tool that printed it (`implied_tool`) when the command was not pasted."""
    output = [line.rstrip("\r\n") for line in part.lines]
    while output and not output[-1].strip():
        output.pop()
    if part.command is not None and part.command_index is not None:
        head, first = [lines[part.command_index].rstrip("\r\n")], part.command_index
        tool, said = part.command.output_tool or part.command.tool, [part.command.text]
        attrs = {"command": part.command.text, "tool": part.command.tool}
        identity = part.command.identity
    else:
        head, first, said = [], part.start, []
        tool = next((t for line in output[:3] if (t := implied_tool(line))), "")
        attrs = {"tool": tool}
        identity = ctx.source.identity
    facts = _facts(tool, output)
    connection = _connection_facts(tool, output, ctx, part.command.text if part.command else None)
    facts = list(dict.fromkeys([*facts, *(f.text for f in connection)]))
    full = any(f.startswith(("filesystem", "inodes", "storage")) and _percent(f) >= 90 for f in facts)
    failed = any(f.failure for f in connection)
    return Event(
        time=None,
        kind=EventKind.LOG,
        source="shell",
        origin=ctx.source.origin(first + 1),
        message="\n".join([*said, *output, *facts]),
        raw="\n".join([*head, *output]),
        severity=Severity.ERROR if failed else Severity.WARNING if full else Severity.INFO,
        namespace=identity.namespace,
        entity=identity.entity,
        # the output line each of curl's/openssl's facts comes from: the line to quote for it
        attrs={**attrs, "facts": facts, **({"fact_lines": {f.text: f.line for f in connection}} if connection else {})},
    )


def _connection_facts(tool: str, output: list[str], ctx: ReadContext, command: str | None) -> list[_tls_output.Fact]:
    """curl's and openssl's facts, dated from `--now`, else the server's `Date:` header in the
    output, else the paste's anchor (a guess: see `ReadContext.anchor`)."""
    now, guessed = ctx.anchor()
    if guessed and (date := _tls_output.response_date(output)) is not None:
        now, guessed = date, False
    return _tls_output.connection_facts(output, now, not guessed, tool, _tls_output.target_of(command))


def _facts(tool: str, output: list[str]) -> list[str]:
    facts: list[str] = []
    inodes = any(marker in line for line in output[:2] for marker in _INODES)
    for line in output:
        if m := _DF_ROW.match(line):
            what = "inodes of filesystem" if inodes else "filesystem"
            facts.append(f"{what} {m['fs']} mounted on {m['mount']} is {m['use']}% full")
        elif tool == "ceph-df" and (m := _CEPH_OSD_ROW.match(line)):
            facts.append(f"storage device osd.{m['id']} ({m['cls']}) is {round(float(m['use']))}% full")
        elif tool == "du" and (m := _DU_ROW.match(line)):
            facts.append(f"directory {m['path']} uses {m['size']}")
        elif (m := _SWAP_ROW.match(line)) and (m["file"] or not m["total"].startswith("0")):
            facts.append("swap is enabled on this host")
        elif tool == "cat" and _FSTAB_SWAP.match(line):
            facts.append("swap is enabled in /etc/fstab")
    return list(dict.fromkeys(facts))


def _percent(fact: str) -> int:
    """The percentage a `... is 81% full` fact ends with (bounded: the fact quotes input)."""
    m = _FULL.search(fact)
    return int(m.group(1)) if m else 0


_FULL = re.compile(r"(?<!\d)(\d{1,3})% full$")
