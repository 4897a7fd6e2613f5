"""Human-readable kubectl output: rollout history, describe pod, get events, get pods.

Column layout follows kubectl: `get` tables go through a tabwriter with min width 10 and
padding 3; `describe` and `rollout history` use padding 2. Ages are apimachinery's
HumanDuration relative to the moment the engineer ran the command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.variants.clock import describe_time, human_duration


def tabwrite(rows: Sequence[Sequence[str]], minwidth: int = 0, padding: int = 2, indent: str = "") -> list[str]:
    """Align cells like Go's text/tabwriter (the last cell of a row is not padded)."""
    ncols = max(len(r) for r in rows)
    widths = [0] * ncols
    for row in rows:
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths[i], len(cell) + padding, minwidth)
    lines = []
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        lines.append(indent + "".join(cells).rstrip() if not row[-1] else indent + "".join(cells))
    return lines


def rollout_history(deployment: str, first_revision: int, causes: Sequence[str | None]) -> str:
    """`kubectl rollout history deployment/<name>`: a REVISION / CHANGE-CAUSE table, no times."""
    rows = [["REVISION", "CHANGE-CAUSE"]]
    rows += [[str(first_revision + i), c or "<none>"] for i, c in enumerate(causes)]
    body = "\n".join(tabwrite(rows, padding=2))
    return f"deployment.apps/{deployment} \n{body}\n\n"


@dataclass
class EventRow:
    """One event as a table shows it: times are epoch seconds."""

    type: str
    reason: str
    obj: str  # "pod/name" for get events; ignored by describe
    message: str
    first: float
    last: float
    count: int = 1
    source: str = "kubelet"
    namespace: str = ""


def describe_age(row: EventRow, now: float) -> str:
    """The Age cell of `kubectl describe`: `3m (x5 over 10m)` when the event repeated."""
    last = human_duration(now - row.last)
    if row.count > 1:
        return f"{last} (x{row.count} over {human_duration(now - row.first)})"
    return last


def events_table(rows: Sequence[EventRow], now: float, all_namespaces: bool = False) -> list[str]:
    """`kubectl get events [-A]`: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (sorted by time)."""
    head = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    if all_namespaces:
        head = ["NAMESPACE", *head]
    out = [head]
    for r in sorted(rows, key=lambda r: r.last):
        cells = [human_duration(now - r.last), r.type, r.reason, r.obj, r.message]
        out.append([r.namespace, *cells] if all_namespaces else cells)
    return tabwrite(out, minwidth=10, padding=3)


@dataclass
class ContainerState:
    """State and Last State of one container in `kubectl describe pod`."""

    name: str
    image: str
    state: str  # Running / Waiting / Terminated
    reason: str = ""
    started: float | None = None
    last_reason: str = ""
    last_exit: int | None = None
    last_started: float | None = None
    last_finished: float | None = None
    ready: bool = False
    restarts: int = 0
    port: str = "8080/TCP"
    limits: dict[str, str] = field(default_factory=dict)
    requests: dict[str, str] = field(default_factory=dict)
    liveness: str = ""
    readiness: str = ""
    env: list[tuple[str, str]] = field(default_factory=list)
    container_id: str = ""
    image_id: str = ""


@dataclass
class PodDescription:
    """Header fields of `kubectl describe pod`."""

    name: str
    namespace: str
    node: str
    node_ip: str
    start: float
    labels: dict[str, str]
    status: str
    ip: str
    controlled_by: str
    containers: list[ContainerState]
    conditions: dict[str, str]
    service_account: str = "default"
    qos: str = "Burstable"


def _fields(pairs: Sequence[tuple[str, str]], width: int, indent: str = "") -> list[str]:
    return [f"{indent}{(k + ':').ljust(width)}{v}" for k, v in pairs]


def describe_container(c: ContainerState) -> list[str]:
    """The block of one container under `Containers:`."""
    out = [f"  {c.name}:"]
    ident = [("Container ID", c.container_id), ("Image", c.image), ("Image ID", c.image_id),
             ("Port", c.port), ("Host Port", "0/TCP")]
    out += _fields(ident, 16, "    ")
    state = [("State", c.state)]
    if c.reason:
        state.append(("  Reason", c.reason))
    if c.started:
        state.append(("  Started", describe_time(c.started)))
    if c.last_reason:
        state += [("Last State", "Terminated"), ("  Reason", c.last_reason),
                  ("  Exit Code", str(c.last_exit))]
        if c.last_started:
            state += [("  Started", describe_time(c.last_started)),
                      ("  Finished", describe_time(c.last_finished or c.last_started))]
    state += [("Ready", str(c.ready)), ("Restart Count", str(c.restarts))]
    out += _fields(state, 16, "    ")
    for title, res in (("Limits", c.limits), ("Requests", c.requests)):
        if res:
            out.append(f"    {title}:")
            out += _fields(list(res.items()), max(len(k) for k in res) + 5, "      ")
    probes = [(k, v) for k, v in (("Liveness", c.liveness), ("Readiness", c.readiness)) if v]
    out += _fields(probes, 14, "    ")
    out.append("    Environment:" + ("" if c.env else "  <none>"))
    if c.env:
        width = max(len(k) for k, _ in c.env) + 3
        out += _fields(c.env, width, "      ")
    out.append("    Mounts:")
    out.append("      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-"
               f"{c.name[:3]}x9 (ro)")
    return out


def describe_pod(p: PodDescription, events: Sequence[EventRow], now: float) -> list[str]:
    """`kubectl describe pod` with its Events table (ages relative to `now`)."""
    labels = list(p.labels.items())
    head = [("Name", p.name), ("Namespace", p.namespace), ("Priority", "0"),
            ("Service Account", p.service_account), ("Node", f"{p.node}/{p.node_ip}"),
            ("Start Time", describe_time(p.start)), ("Labels", f"{labels[0][0]}={labels[0][1]}")]
    out = _fields(head, 18)
    out += [" " * 18 + f"{k}={v}" for k, v in labels[1:]]
    out += _fields([("Annotations", "<none>"), ("Status", p.status), ("IP", p.ip)], 18)
    out += ["IPs:", f"  IP:           {p.ip}", f"Controlled By:  {p.controlled_by}", "Containers:"]
    for c in p.containers:
        out += describe_container(c)
    out.append("Conditions:")
    out += tabwrite([["Type", "Status"], *[[k, v + " "] for k, v in p.conditions.items()]],
                    padding=2, indent="  ")
    out += ["Volumes:", "  kube-api-access-x9:",
            "    Type:                    Projected (a volume that contains injected data from multiple sources)",
            "    TokenExpirationSeconds:  3607",
            "    ConfigMapName:           kube-root-ca.crt",
            "    ConfigMapOptional:       <nil>",
            "    DownwardAPI:             true",
            f"QoS Class:                   {p.qos}",
            "Node-Selectors:              <none>",
            "Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
            "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s"]
    out += describe_events(events, now)
    return out


def describe_events(events: Sequence[EventRow], now: float) -> list[str]:
    """The `Events:` table closing every describe output."""
    if not events:
        return ["Events:                      <none>"]
    rows = [["Type", "Reason", "Age", "From", "Message"], ["----", "------", "----", "----", "-------"]]
    for e in sorted(events, key=lambda e: e.first):
        rows.append([e.type, e.reason, describe_age(e, now), e.source, e.message])
    return ["Events:", *tabwrite(rows, padding=2, indent="  ")]


def get_pods(rows: Sequence[tuple[str, str, str, str, float]], now: float) -> list[str]:
    """`kubectl get pods`: (name, ready, status, restarts, created) -> table lines."""
    out = [["NAME", "READY", "STATUS", "RESTARTS", "AGE"]]
    out += [[n, r, s, rs, human_duration(now - c)] for n, r, s, rs, c in rows]
    return tabwrite(out, minwidth=10, padding=3)
