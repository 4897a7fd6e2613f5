"""`Bundle`: everything one variant collects before it is written out in native formats.

A variant adds events, pod log lines, journal entries, alerts, metric series and change records
to a Bundle; `write()` renders each in the shape its tool emits (core/v1 List, CRI log lines,
`journalctl -o json`, Alertmanager webhook v4, Prometheus query_range matrix).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.variants import clock
from bench.variants.journal import journal_entry
from bench.variants.platforms import PLATFORMS, Node, make_nodes

#: Alphabet of Kubernetes generated names (pod-template-hash, pod suffixes).
K8S_ALNUM = "bcdfghjklmnpqrstvwxz2456789"


@dataclass
class PodLog:
    """One container log file; `cri` chooses kubelet's CRI format over plain app lines."""

    cri: bool
    entries: list[tuple[float, int, str, str]] = field(default_factory=list)

    def add(self, t: float, text: str, stream: str = "stdout") -> None:
        """Append a record; a multi-line record becomes one CRI line per physical line."""
        self.entries.append((t, len(self.entries), stream, text))


@dataclass
class Truth:
    """The ground truth of a variant (dev schema)."""

    category: str
    onset: str
    culprit: dict
    change_id: str | None
    key_evidence: list[str]
    must_not_recommend: list[str]
    culprit_alternates: list[dict] | None = None

    def as_dict(self) -> dict:
        """The truth file's JSON object, keys in the dev files' order."""
        out = {
            "category": self.category, "onset": self.onset, "culprit": self.culprit,
            "change_id": self.change_id, "key_evidence": self.key_evidence,
            "must_not_recommend": self.must_not_recommend,
        }
        if self.culprit_alternates:
            out["culprit_alternates"] = self.culprit_alternates
        return out


class Bundle:
    """Collects the inputs of one incident; times are epoch seconds."""

    def __init__(self, name: str, category: str, platform: str, onset: str, nodes: int = 5) -> None:
        self.name = name
        self.category = category
        self.rng = random.Random(zlib.crc32(name.encode()))
        self.platform = PLATFORMS[platform]
        self.nodes: list[Node] = make_nodes(self.platform, nodes, self.rng)
        self.onset = clock.parse(onset)
        self.start = self.onset - 3900.0
        self.end = self.onset + 1500.0
        self.events: list[dict] = []
        self.logs: dict[str, PodLog] = {}
        self.journal: list[tuple[float, int, dict]] = []
        self.alerts: list[dict] = []
        self.series: list[dict] = []
        self.files: dict[str, str] = {}
        self.truth: Truth | None = None
        self.paste = ""
        self.stack = ""
        self.change_record = ""
        self._seq = 0

    # -- identities -------------------------------------------------------------------------
    def hexid(self, n: int) -> str:
        """n random hex digits."""
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def uid(self) -> str:
        """A Kubernetes object UID."""
        h = self.hexid(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"

    def rs_hash(self) -> str:
        """A pod-template-hash."""
        return "".join(self.rng.choice(K8S_ALNUM) for _ in range(self.rng.choice((8, 9, 10))))

    def pod_suffix(self) -> str:
        """The random 5-character suffix of a ReplicaSet's pod."""
        return "".join(self.rng.choice(K8S_ALNUM) for _ in range(5))

    def pod_ip(self) -> str:
        """An address from the platform's pod range."""
        return f"{self.platform.pod_prefix}{self.rng.randint(1, 60)}.{self.rng.randint(2, 250)}"

    def node(self, i: int) -> Node:
        """The i-th node (wraps around)."""
        return self.nodes[i % len(self.nodes)]

    def image(self, repo: str, tag: str) -> str:
        """An image reference in the platform's registry."""
        return f"{self.platform.registry}/{repo}:{tag}"

    # -- inputs ------------------------------------------------------------------------------
    def log(self, ns: str, pod: str, container: str, cri: bool = True) -> PodLog:
        """The log file of one container (created on first use)."""
        key = f"{ns}_{pod}_{container}.log"
        if key not in self.logs:
            self.logs[key] = PodLog(cri)
        return self.logs[key]

    def journal_add(self, node: Node, ident: str, t: float, message: str, priority: int = 6) -> None:
        """One journald entry from `ident` (kubelet, containerd, crio, kernel, systemd, ...)."""
        self._seq += 1
        entry = journal_entry(self.platform, node, ident, t, message, priority, self._seq)
        self.journal.append((t, self._seq, entry))

    def kubelet(self, node: Node, t: float, src: str, message: str, level: str = "I") -> None:
        """A kubelet klog line on `node` (kubenswrapper on OpenShift, k3s on k3s)."""
        ident = self.platform.kubelet_ident
        pid = node.pids[ident if ident in node.pids else "kubelet"]
        prio = {"I": 6, "W": 4, "E": 3}[level]
        self.journal_add(node, ident, t, f"{clock.klog(t, level)} {pid:>7} {src}] {message}", prio)

    def runtime(self, node: Node, t: float, level: str, message: str, extra: str = "") -> None:
        """A containerd or CRI-O logrus line, whichever the platform runs."""
        nanos = self.rng.randint(0, 999_999_999)
        stamp = clock.rfc3339_nano(t, nanos)
        ident = "k3s" if self.platform.name == "k3s" else self.platform.runtime
        prio = {"info": 6, "warning": 4, "error": 3}[level]
        tail = f" {extra}" if extra else ""
        self.journal_add(node, ident, t, f'time="{stamp}" level={level} msg="{message}"{tail}', prio)

    def event(self, ns: str | None, kind: str, name: str, reason: str, message: str, first: float,
              last: float | None = None, count: int = 1, type_: str = "Normal",
              component: str = "kubelet", host: str | None = None, field_path: str | None = None,
              api_version: str = "v1") -> dict:
        """A core/v1 Event as `kubectl get events -A -o json` lists it.

        Like the event recorder, a repeat of the same object/reason/message bumps the count and
        lastTimestamp of the existing Event instead of creating a new one.
        """
        last = first if last is None else last
        for ev in self.events:
            if (ev["involvedObject"]["name"] == name and ev["reason"] == reason and ev["message"] == message
                    and ev["involvedObject"].get("namespace") == ns):
                ev["count"] += count
                ev["lastTimestamp"] = clock.iso(max(last, clock.parse(ev["lastTimestamp"])))
                ev["firstTimestamp"] = clock.iso(min(first, clock.parse(ev["firstTimestamp"])))
                return ev
        involved: dict = {"apiVersion": api_version, "kind": kind, "name": name, "namespace": ns,
                          "resourceVersion": str(self.rng.randint(10_000_000, 99_999_999)),
                          "uid": self.uid()}
        if field_path:
            involved["fieldPath"] = field_path
        if ns is None:
            del involved["namespace"]
        source = {"component": component, **({"host": host} if host else {})}
        ev = {
            "apiVersion": "v1", "count": count, "eventTime": None,
            "firstTimestamp": clock.iso(first), "involvedObject": involved, "kind": "Event",
            "lastTimestamp": clock.iso(last), "message": message,
            "metadata": {"creationTimestamp": clock.iso(first),
                         "name": f"{name}.{self.hexid(16)}", "namespace": ns or "default",
                         "resourceVersion": str(self.rng.randint(10_000_000, 99_999_999)),
                         "uid": self.uid()},
            "reason": reason, "reportingComponent": component if component != "kubelet" else "kubelet",
            "reportingInstance": host or "", "source": source, "type": type_,
        }
        self.events.append(ev)
        return ev

    def alert(self, name: str, labels: dict, summary: str, description: str, starts: float,
              severity: str = "warning", runbook: str | None = None, expr: str = "") -> None:
        """A firing alert of the Alertmanager webhook payload."""
        all_labels = {"alertname": name, **labels, "prometheus": "monitoring/kube-prometheus-stack-prometheus",
                      "severity": severity}
        ann = {"description": description, "summary": summary}
        if runbook:
            ann["runbook_url"] = runbook
        self.alerts.append({
            "status": "firing", "labels": dict(sorted(all_labels.items())), "annotations": ann,
            "startsAt": clock.iso_ms(starts), "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus-kube-prometheus-stack-prometheus-0:9090/graph?g0.expr="
                            + expr.replace(" ", "+") + "&g0.tab=1",
            "fingerprint": self.hexid(16),
        })

    def metric(self, labels: dict, value: Callable[[float], float | None], step: int = 30,
               fmt: str = "{:.6g}") -> None:
        """A query_range matrix series sampled every `step` s over the bundle window."""
        values = []
        t = int(self.start // step * step)
        while t <= self.end:
            v = value(float(t))
            if v is not None:
                values.append([t, fmt.format(v)])
            t += step
        self.series.append({"metric": labels, "values": values})

    def file(self, name: str, text: str) -> None:
        """A text file of the bundle (change records, rollout history)."""
        self.files[name] = text

    # -- output ------------------------------------------------------------------------------
    def write(self, out_dir: Path) -> Path:
        """Write the bundle, its truth and its paste under `out_dir`; returns the bundle dir."""
        from bench.variants.render import write_bundle  # local: render imports this module

        return write_bundle(self, out_dir)
