"""`kubectl describe pod|deployment|replicaset|statefulset|daemonset|node|pvc` as pasted.

Whole objects (one, or several one after another), and the parts people paste alone: the
`Events:` table with or without its header, node `Conditions:` rows, one container's block.
Events come from the Events rows (relative ages dated from `ReadContext.anchor`), from
containers whose State or Last State is Waiting or Terminated (the block quoted verbatim),
from abnormal node and workload conditions, from a Pending/Lost claim and from a Failed or
evicted pod. The parsing lives in `_describe_parse` and its helpers; this module sniffs and
turns what was parsed into events.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from opslens.events import Event
from opslens.sources.base import SNIFF_CHARS, ReadContext, Reader, register
from opslens.sources.readers._describe_conditions import DATED_ROW
from opslens.sources.readers._describe_containers import STATE, key_of
from opslens.sources.readers._describe_emit import Anchor, latest_time, object_events
from opslens.sources.readers._describe_events import HEADER, OLD_HEADER, OLD_ROW, ROW
from opslens.sources.readers._describe_parse import parse
from opslens.sources.readers._documents import count_lines
from opslens.sources.readers._kubectl_text import command_of, expand, physical_lines, strip_bom

#: Header keys that describe prints and logs and manifests do not (capitalised, `Key:  value`).
_DESCRIBE_KEYS = frozenset(
    {"Namespace", "Labels", "Annotations", "Roles", "CreationTimestamp", "StorageClass",
     "Priority", "Start Time", "Controlled By", "Selector", "Replicas", "Taints", "Node",
     "Service Account", "Status", "Containers", "Finalizers", "Access Modes", "Unschedulable",
     "Pods Status", "StrategyType", "IP", "Capacity", "Volume", "Kind", "API Version"}
)  # fmt: skip
_HEAD_LINES = 40


@register
class K8sDescribeReader(Reader):
    """kubectl describe output (whole objects or pasted parts) as EVENT records."""

    name = "k8s-describe"
    description = "kubectl describe pod/deployment/node/pvc... output, whole or in parts"
    relative_ages = True  # counted back from the newest time of the other inputs

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        return _score(head)

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        text = strip_bom(stream.read())
        ctx.lines += count_lines(text)
        parsed = parse(text)
        anchor = Anchor(*ctx.anchor(latest_time(parsed.objects, ctx)))
        identity = ctx.source.identity  # what the command above a pasted part named
        for obj in parsed.objects:
            if obj.name is None and identity.pod and obj.kind in (None, "Pod"):
                obj.kind_hint, obj.name_hint = "Pod", identity.pod
            obj.namespace_hint = obj.namespace_hint or identity.namespace
            # in the order of the paste, so evidence reads top to bottom
            yield from sorted(
                object_events(obj, anchor, ctx, self.name), key=lambda e: e.origin.line or 0
            )
        for line in parsed.empty_tables:
            ctx.unrecognized("describe Events table whose rows could not be read", line, lines=1)
        for line in parsed.bad_rows:
            ctx.skip("not a row of a describe Events table", line)
        for first, count in _runs(parsed.unknown):
            ctx.unrecognized(
                "text in a kubectl describe paste outside any described object", first, lines=count
            )


def _runs(lines: list[int]) -> Iterator[tuple[int, int]]:
    """(first line, length) of each run of consecutive line numbers."""
    start = previous = None
    for line in lines:
        if previous is not None and line == previous + 1:
            previous = line
            continue
        if start is not None and previous is not None:
            yield start, previous - start + 1
        start = previous = line
    if start is not None and previous is not None:
        yield start, previous - start + 1


def _score(head: str) -> float:
    text = strip_bom(head).lstrip("\r\n")
    if not text.strip() or text.lstrip()[:1] in ("{", "["):
        return 0.0
    lines = physical_lines(text)
    if len(head) >= SNIFF_CHARS and not head.endswith("\n"):
        lines = lines[:-1]  # cut mid-line
    content = [
        expand(ln) for ln in lines[: _HEAD_LINES * 2] if ln.strip() and command_of(ln) is None
    ]
    content = content[:_HEAD_LINES]
    if not content:
        return 0.0
    first = content[:3]
    keys = {k[0] for ln in content[:20] if (k := key_of(ln)) is not None and ln[:1] not in " \t"}
    if (
        any(ln.startswith("Name:") and len(ln.split()) > 1 for ln in first[:2])
        and len(keys & _DESCRIBE_KEYS) >= 2
    ):
        return 0.9
    if any(HEADER.match(ln) or OLD_HEADER.match(ln) for ln in first):
        return 0.9
    if first[0].strip() in ("Events:", "Conditions:") and len(content) > 1:
        follower = content[1]
        if (
            HEADER.match(follower)
            or OLD_HEADER.match(follower)
            or ROW.match(follower)
            or DATED_ROW.match(follower)
        ):
            return 0.9
        if first[0].strip() == "Conditions:" and follower.split()[:2] == ["Type", "Status"]:
            return 0.9
    if DATED_ROW.match(first[0]):
        return 0.9
    rows = [ln for ln in content[:5] if ROW.match(ln)]
    if ROW.match(first[0]) and (len(rows) >= 2 or len(content) == 1):
        return 0.85
    old_rows = [ln for ln in content[:5] if OLD_ROW.match(ln)]
    if OLD_ROW.match(first[0]) and (len(old_rows) >= 2 or len(content) == 1):
        return 0.85
    return _container_score(content)


def _container_score(content: list[str]) -> float:
    """A container block pasted alone: a `State:` line with its sub-keys near the top."""
    for index, line in enumerate(content[:6]):
        if STATE.match(line):
            following = key_of(content[index + 1]) if index + 1 < len(content) else None
            if following is not None and following[0] in (
                "Reason",
                "Started",
                "Exit Code",
                "Ready",
                "Message",
            ):
                return 0.85
    return 0.0
