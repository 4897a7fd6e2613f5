"""The chat/ticket paste of an incident: describe excerpt, events table and log tail.

Everything is derived from the bundle (same events, same counts, same log lines) and rendered
relative to the moment the engineer ran the commands, which is the bundle's end.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from bench.variants import clock
from bench.variants.bundle import Bundle
from bench.variants.kubectl import (
    ContainerState,
    EventRow,
    PodDescription,
    describe_pod,
    events_table,
)
from bench.variants.workload import Workload


def _row(ev: dict) -> EventRow:
    obj = ev["involvedObject"]
    return EventRow(ev["type"], ev["reason"], f"{obj['kind'].lower()}/{obj['name']}", ev["message"],
                    clock.parse(ev["firstTimestamp"]), clock.parse(ev["lastTimestamp"]), ev["count"],
                    ev["source"].get("component", ""), ev["metadata"]["namespace"])


def object_events(b: Bundle, name: str) -> list[EventRow]:
    """Events whose involved object is `name` (as describe lists them)."""
    return [_row(e) for e in b.events if e["involvedObject"]["name"] == name]


def namespace_events(b: Bundle, ns: str, since: float, reasons: Sequence[str] = (), limit: int = 24,
                     prefix: str = "") -> list[EventRow]:
    """The newest events of a namespace since `since`, optionally only some reasons/objects."""
    rows = [_row(e) for e in b.events if e["involvedObject"].get("namespace") == ns
            and clock.parse(e["lastTimestamp"]) >= since and (not reasons or e["reason"] in reasons)
            and e["involvedObject"]["name"].startswith(prefix)]
    return sorted(rows, key=lambda r: r.last)[-limit:]


def log_lines(b: Bundle, w: Workload, i: int, t0: float, t1: float, limit: int = 40) -> list[str]:
    """What `kubectl logs` prints for pod i between t0 and t1 (app text, no CRI prefix)."""
    log = w.log(b, i)
    lines: list[str] = []
    for t, _, _, text in sorted(log.entries, key=lambda e: (e[0], e[1])):
        if t0 <= t <= t1:
            lines += text.split("\n")
    return lines[-limit:]


def describe(b: Bundle, w: Workload, i: int, state: ContainerState, status: str, ready: bool = False,
             extra_labels: dict[str, str] | None = None) -> list[str]:
    """`kubectl describe pod` of pod i of `w` with its own events."""
    labels = {"app.kubernetes.io/name": w.name, **(extra_labels or {})}
    if w.kind == "Deployment":
        labels["pod-template-hash"] = w.rs_hash
    flag = "True" if ready else "False"
    desc = PodDescription(
        w.pods[i], w.ns, w.nodes[i].name, w.nodes[i].ip, w.since[i] - 1.5, labels, status, w.ips[i],
        f"ReplicaSet/{w.rs}" if w.kind == "Deployment" else f"{w.kind}/{w.name}", [state],
        {"PodReadyToStartContainers": "True", "Initialized": "True", "Ready": flag, "ContainersReady": flag,
         "PodScheduled": "True"})
    if b.platform.runtime == "crio":
        state.container_id = state.container_id.replace("containerd://", "cri-o://")
    return describe_pod(desc, object_events(b, w.pods[i]), b.end)


def compose(intro: str, sections: Sequence[tuple[str, Sequence[str]]], outro: str = "") -> str:
    """Join a human sentence and `$ command` + output sections into one paste."""
    out = [intro, ""]
    for cmd, body in sections:
        out.append(f"$ {cmd}")
        out += list(body)
        out.append("")
    if outro:
        out.append(outro)
    return "\n".join(out)


def events_section(b: Bundle, ns: str, since: float, reasons: Sequence[str] = (), limit: int = 18,
                   prefix: str = "") -> tuple[str, list[str]]:
    """`kubectl get events -n ns --sort-by=.lastTimestamp` section."""
    rows = namespace_events(b, ns, since, reasons, limit, prefix)
    return (f"kubectl get events -n {ns} --sort-by=.lastTimestamp", events_table(rows, b.end))


def container(w: Workload, **kw) -> ContainerState:
    """A ContainerState for `w`'s main container with its image and a plausible container ID."""
    digest = f"{zlib.crc32(w.image.encode()):08x}{zlib.crc32(w.pods[0].encode()):08x}" * 4
    defaults = {"container_id": f"containerd://{digest}", "image_id": f"{w.image.rsplit(':', 1)[0]}@sha256:{digest[::-1]}",
                "port": f"{w.port}/TCP"}
    return ContainerState(name=w.container, image=w.image, **{**defaults, **kw})


def trace_excerpt(record: str, head_frames: int = 6, cause_frames: int = 2, app: str = "") -> list[str]:
    """What people paste of a long JVM/.NET trace: the top frames, each `Caused by` (or inner
    exception) block's first frames, and every frame of the application's own package `app`."""
    out: list[str] = []
    budget = head_frames
    for line in record.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(("at ", "... ")) and not stripped.startswith("at [Source"):
            if budget > 0 or (app and app in line):
                out.append(line)
                budget -= 1
            elif out and out[-1].strip() != "...":
                out.append("\t..." if line.startswith("\t") else "   ...")
            continue
        out.append(line)
        if stripped.startswith(("Caused by", "---")):
            budget = cause_frames
    return out


def trim_traceback(lines: Sequence[str], keep: int = 2) -> list[str]:
    """A Python traceback as people trim it: each exception with only its last `keep` frames."""
    out: list[str] = []
    frames: list[list[str]] = []
    for line in lines:
        if line.startswith('  File "'):
            frames.append([line])
        elif line.startswith("    ") and frames:
            frames[-1].append(line)
        else:
            if frames:
                if len(frames) > keep:
                    out.append("  [...]")
                out += [x for f in frames[-keep:] for x in f]
                frames = []
            out.append(line)
    return out
