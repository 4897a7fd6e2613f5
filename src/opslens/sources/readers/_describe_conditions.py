"""`Conditions:` tables of `kubectl describe`, and the condition items of custom resources.

- node: `Type  Status  LastHeartbeatTime  LastTransitionTime  Reason  Message`, RFC 1123 times;
  pasted alone (without the header) often, so rows are also recognised by their two dates.
- pvc: the same with LastProbeTime.
- deployment, replicaset...: `Type  Status  Reason`; pod: `Type  Status`.
- custom resources (cert-manager, Argo...) print conditions as `Type:`/`Status:`/`Reason:`/
  `Message:`/`Last Transition Time:` items under `Status:`.
"""

from __future__ import annotations

import re

from opslens.sources.readers._describe_containers import indent_of, key_of
from opslens.sources.readers._describe_model import Condition
from opslens.sources.readers._kubectl_text import cut, expand, header_columns
from opslens.timeparse import RFC1123_PATTERN

_STATUS = r"(?P<status>True|False|Unknown)"
#: A node/pvc row: two RFC 1123 times with their weekday (`Mon, 10 Mar 2025 ...`), which is
#: what tells such a row from other text without the header.
DATED_ROW = re.compile(
    rf"^\s*(?P<type>[A-Za-z][\w.-]*)\s+{_STATUS}\s+(?P<t1>{RFC1123_PATTERN})\s+"
    rf"(?P<t2>{RFC1123_PATTERN})(?:\s+(?P<rest>.*))?$"
)
_SHORT_ROW = re.compile(rf"^\s*(?P<type>[A-Za-z][\w.-]*)\s+{_STATUS}(?:\s+(?P<reason>\S+))?\s*$")
_MESSAGE_ROW = re.compile(rf"^\s*(?P<type>[A-Za-z][\w.-]*)\s+{_STATUS}\s+(?P<reason>[A-Z]\w*)\s+(?P<message>\S.*?)\s*$")
HEADER = re.compile(r"^\s*Type\s+Status(?:\s+(?P<rest>.*))?$")
_RULE = re.compile(r"^\s*-{2,}(?:\s+-{2,})*\s*$")
_SPLIT = re.compile(r"\t+| {2,}")
_REASON = re.compile(r"^[A-Z][A-Za-z0-9]+$")
_ITEM_KEYS = frozenset(
    {"Type", "Status", "Reason", "Message", "Last Transition Time", "Last Update Time",
     "Last Probe Time", "Last Heartbeat Time", "Observed Generation"}
)  # fmt: skip


def dated_row(line_no: int, line: str, columns: list | None = None) -> Condition | None:
    """A node/pvc condition row (two RFC 1123 times), with or without its header."""
    m = DATED_ROW.match(expand(line))
    if not m:
        return None
    reason, message = None, None
    cells = cut(line, columns) if columns else None
    if cells is not None and cells.get("Type") == m.group("type"):
        reason, message = cells.get("Reason") or None, cells.get("Message") or None
    elif rest := (m.group("rest") or "").strip():
        parts = _SPLIT.split(rest, maxsplit=1)
        if len(parts) == 1:
            head, _, tail = rest.partition(" ")
            parts = [head, tail] if _REASON.match(head) else ["", rest]
        reason, message = parts[0] or None, parts[1].strip() or None
    return Condition(
        m.group("type"), m.group("status"), line_no, line, reason, message,
        heartbeat=m.group("t1"), transition=m.group("t2"),
    )  # fmt: skip


def parse_table(lines: list[str], start: int, indent: int, out: list[Condition]) -> int:
    """Rows after a `Conditions:` line at `indent`; returns the index after the table."""
    columns = None
    table = "node"
    i = start
    while i < len(lines):
        line = lines[i]
        if not line.strip() or (indent_of(line) <= indent and key_of(line) is not None):
            break
        if m := HEADER.match(expand(line)):
            columns = header_columns(line, words=True)
            rest = (m.group("rest") or "").strip()
            table = "pvc" if "LastProbeTime" in rest else "node" if "Heartbeat" in rest else (
                "workload" if rest.startswith("Reason") else "pod"
            )  # fmt: skip
        elif not _RULE.match(line):
            row = dated_row(i + 1, line, columns) or _short_row(i + 1, line, table) or _message_row(i + 1, line)
            if row is None:
                break
            out.append(row)
        i += 1
    return i


def _message_row(line_no: int, line: str) -> Condition | None:
    """`ScalingLimited  True  TooManyReplicas  the desired replica count is more than ...`:
    an autoscaler's (or another object's) undated row with a message."""
    m = _MESSAGE_ROW.match(expand(line))
    if not m:
        return None
    return Condition(m.group("type"), m.group("status"), line_no, line, m.group("reason"), m.group("message"), table="workload")


def _short_row(line_no: int, line: str, table: str) -> Condition | None:
    m = _SHORT_ROW.match(expand(line))
    if not m:
        return None
    kind = "workload" if m.group("reason") else ("pod" if table == "node" else table)
    return Condition(
        m.group("type"), m.group("status"), line_no, line, m.group("reason"), table=kind
    )


def parse_items(lines: list[str], start: int, indent: int, out: list[Condition]) -> int:
    """Custom-resource condition items (`Type:`, `Status:`... keys) below `Conditions:`."""
    i = start
    item: dict[str, tuple[str, int]] = {}
    raw: list[str] = []
    while i < len(lines):
        line = lines[i]
        key = key_of(line)
        if not line.strip() or key is None or indent_of(line) <= indent or key[0] not in _ITEM_KEYS:
            break
        if key[0] in item:  # the next item starts
            _add_item(item, raw, out)
            item, raw = {}, []
        item[key[0]] = (key[1], i + 1)
        raw.append(line)
        i += 1
    _add_item(item, raw, out)
    return i


def _add_item(item: dict[str, tuple[str, int]], raw: list[str], out: list[Condition]) -> None:
    if "Type" not in item or "Status" not in item:
        return
    out.append(
        Condition(
            item["Type"][0],
            item["Status"][0],
            min(n for _, n in item.values()),
            "\n".join(raw),
            item.get("Reason", ("", 0))[0] or None,
            item.get("Message", ("", 0))[0] or None,
            transition=item.get("Last Transition Time", ("", 0))[0] or None,
            table="generic",
        )  # fmt: skip
    )


_HEALTHY_WHEN_TRUE = frozenset(
    {"Ready", "Available", "Progressing", "Initialized", "ContainersReady", "PodScheduled",
     "Synced", "Healthy", "Established", "NamesAccepted", "Complete", "Issuing", "Reconciled",
     "Succeeded", "AbleToScale", "ScalingActive"}
)  # fmt: skip


def abnormal(cond: Condition) -> bool:
    """Whether a condition says something is wrong: Ready/Available... not True, pressure and
    problem conditions (DiskPressure, NetworkUnavailable, KernelDeadlock...) not False, and
    any Unknown."""
    if cond.status == "Unknown":
        return True
    if cond.type == "ScalingLimited":  # an autoscaler held at min replicas is fine, at max it is not
        return cond.status == "True" and cond.reason == "TooManyReplicas"
    if cond.table in ("pod", "pvc"):
        return False  # container states, the claim's Status and Events say it better
    if cond.type in _HEALTHY_WHEN_TRUE or (cond.table == "generic" and not _problem(cond.type)):
        return cond.status == "False" and cond.type not in ("Issuing", "Complete", "Succeeded")
    return cond.status == "True"


def _problem(kind: str) -> bool:
    return bool(
        re.search(
            r"Pressure|Unavailable|Failure|Failed|Degraded|Stalled|Deadlock|Problem|Readonly|ReadOnly|Corrupt|OutOf",
            kind,
        )
    )
