"""`kubectl top pod|node` tables (with `-A`, `--containers`, `--show-swap`, `--sum`) as METRIC
events shaped like the Prometheus reader's: attrs `name`, `labels` and `samples` `[[t, v]]`.

One event per row and measure: cores from `250m`, bytes from `512Mi`, and for nodes the
percentages of allocatable. `top` shows usage when the command ran, so each sample is dated
at `ReadContext.anchor` (a guess unless `--now` was given: `time_inferred`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TextIO

from opslens.events import Event, EventKind, Severity
from opslens.sources.base import SNIFF_CHARS, ReadContext, Reader, register
from opslens.sources.readers._documents import count_lines
from opslens.sources.readers._kubectl_text import (
    command_of,
    percent,
    physical_lines,
    quantity,
    strip_bom,
)
from opslens.sources.readers._promlabels import entity_from_labels
from opslens.sources.readers.prometheus import selector

_POD_HEADER = re.compile(
    r"^(NAMESPACE\s+)?(POD\s+)?NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)(\s+SWAP\(bytes\))?\s*$"
)
_NODE_HEADER = re.compile(
    r"^NAME\s+CPU\(cores\)\s+CPU(?:%|\(%\))\s+MEMORY\(bytes\)\s+MEMORY(?:%|\(%\))"
    r"(\s+SWAP\(bytes\)\s+SWAP(?:%|\(%\)))?\s*$"
)
#: Series name and value parser per column.
_MEASURES = {
    "CPU(cores)": ("cpu_usage_cores", quantity),
    "MEMORY(bytes)": ("memory_usage_bytes", quantity),
    "SWAP(bytes)": ("swap_usage_bytes", quantity),
    "CPU%": ("cpu_usage_percent", percent),
    "CPU(%)": ("cpu_usage_percent", percent),
    "MEMORY%": ("memory_usage_percent", percent),
    "MEMORY(%)": ("memory_usage_percent", percent),
    "SWAP(%)": ("swap_usage_percent", percent),
}
_SUM_RULE = re.compile(r"^\s*_{3,}(?:\s+_{3,})*\s*$")


@register
class K8sTopReader(Reader):
    """kubectl top pod/node tables as METRIC series (one sample each)."""

    name = "k8s-top"
    description = "kubectl top pod/node tables (-A, --containers)"
    relative_ages = True  # counted back from the newest time of the other inputs

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        text = strip_bom(head)
        if len(head) >= SNIFF_CHARS and not head.endswith("\n"):
            text = text.rsplit("\n", 1)[0]
        content = [ln.strip() for ln in physical_lines(text)[:20] if ln.strip() and command_of(ln) is None]
        return 0.9 if any(_header(ln) for ln in content[:3]) else 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        text = strip_bom(stream.read())
        ctx.lines += count_lines(text)
        columns: list[str] | None = None
        scope = "pod"
        namespace = ctx.source.identity.namespace  # a paste's command (`-n shop`) may have named it
        anchor: tuple[float, bool] | None = None
        unknown: list[int] = []
        for line_no, line in enumerate(physical_lines(text), start=1):
            words = line.split()
            if not words or _SUM_RULE.match(line):
                continue
            if (cmd := command_of(line)) is not None:
                columns, namespace = None, cmd.namespace
                continue
            if (found := _header(line.strip())) is not None:
                scope, columns = found, line.split()
                continue
            if columns is None:
                unknown.append(line_no)
                continue
            if len(words) != len(columns):
                if len(words) < len(columns) and all(quantity(w) is not None for w in words):
                    continue  # the --sum total row: no name, only the totals
                ctx.skip("not a row of a `kubectl top` table", line_no)
                continue
            anchor = anchor or ctx.anchor(None)
            yield from _row_events(
                dict(zip(columns, words, strict=True)),
                scope,
                namespace,
                line,
                line_no,
                anchor,
                ctx,
                self.name,
            )
        if unknown:
            ctx.unrecognized(
                "text in a kubectl top paste outside any table", unknown[0], lines=len(unknown)
            )


def _header(line: str) -> str | None:
    if _NODE_HEADER.match(line):
        return "node"
    if m := _POD_HEADER.match(line):
        return "container" if m.group(2) else "pod"
    return None


def _row_events(
    cells: dict[str, str], scope: str, namespace: str | None, line: str, line_no: int,
    anchor: tuple[float, bool], ctx: ReadContext, source: str,
) -> Iterator[Event]:  # fmt: skip
    labels = _labels(cells, scope, namespace)
    usable = 0
    for column, text in cells.items():
        measure = _MEASURES.get(column)
        if measure is None:
            continue
        value = measure[1](text)
        if value is None:
            continue  # `<unknown>`: the node's metrics are not available
        usable += 1
        name = f"{'node' if scope == 'node' else scope}_{measure[0]}"
        yield Event(
            time=anchor[0],
            kind=EventKind.METRIC,
            source=source,
            origin=ctx.source.origin(line_no),
            message=f"{selector(name, labels)} {text}",
            raw=line,
            severity=Severity.UNKNOWN,
            host=labels.get("node"),
            namespace=labels.get("namespace"),
            entity=entity_from_labels(labels),
            attrs={
                "name": name,
                "labels": dict(labels),
                "samples": [[anchor[0], value]],
                "value_text": text,
            },
            time_inferred=anchor[1],
        )
    if not usable:
        ctx.skip("no usable values in a `kubectl top` row (metrics not available)", line_no)


def _labels(cells: dict[str, str], scope: str, namespace: str | None) -> dict[str, str]:
    if scope == "node":
        return {"node": cells["NAME"]}
    labels = {"namespace": cells.get("NAMESPACE") or namespace or ""}
    if scope == "container":
        labels.update(pod=cells.get("POD", ""), container=cells["NAME"])
    else:
        labels["pod"] = cells["NAME"]
    return {k: v for k, v in labels.items() if v}
