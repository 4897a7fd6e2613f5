"""Realistic Alertmanager v4 deliveries for bench/webhook.py, generated ahead of the clock.

A small simulated fleet: two clusters, a dozen namespaces with their services, and the alert
rules of kube-prometheus and a typical service dashboard. Alertmanager groups by
`alertname, namespace` under a `severity` route, so each group key looks like the real one
(`{}/{severity="critical"}:{alertname="KubePodCrashLooping", namespace="shop"}`), and each
alert carries a 16-hex fingerprint of its label set, RFC 3339 `startsAt` with milliseconds,
Go's zero time as `endsAt` while firing, and a Prometheus `generatorURL`.

A delivery is a group's notification: its firing alerts plus those that just resolved (as
Alertmanager sends them), so alerts that keep firing repeat from one notification to the next
(the store keeps them once). A fraction of deliveries are exact re-deliveries of an earlier
body (a retried or repeated notification), byte for byte.
"""

from __future__ import annotations

import hashlib
import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import orjson

# An alert's identity as the store deduplicates it: (groupKey, fingerprint, startsAt, status).
AlertKey = tuple[str, str, str, str]

CLUSTERS = ("prod-eu-1", "prod-us-1")
NAMESPACES = {
    "shop": ("storefront", "cart"), "checkout": ("checkout", "pricing"),
    "payments": ("payments-api", "ledger"), "search": ("search", "indexer"),
    "auth": ("auth", "sessions"), "orders": ("orders-api", "orders-worker"),
    "kafka": ("kafka", "zookeeper"), "ingress-nginx": ("ingress-nginx-controller",),
    "monitoring": ("prometheus", "alertmanager", "grafana"), "db": ("postgres", "pgbouncer"),
    "cache": ("redis",), "notifications": ("mailer", "push"),
}
# (alertname, severity, summary, PromQL behind it)
RULES = (
    ("KubePodCrashLooping", "warning", "Pod {ns}/{pod} is crash looping.",
     'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m])'
     " >= 1"),
    ("KubePodNotReady", "warning", "Pod {ns}/{pod} has been in a non-ready state for 15m.",
     'sum by (namespace, pod) (kube_pod_status_phase{phase=~"Pending|Unknown"}) > 0'),
    ("KubeDeploymentReplicasMismatch", "warning",
     "Deployment {ns}/{svc} has not matched the expected number of replicas.",
     "kube_deployment_spec_replicas != kube_deployment_status_replicas_available"),
    ("HighErrorRate", "critical", "{svc} in {ns} returns more than 5% errors.",
     'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))'
     " > 0.05"),
    ("HighLatencyP99", "critical", "{svc} in {ns} p99 latency above 1s.",
     "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"
     " > 1"),
    ("CPUThrottlingHigh", "info", "{pct}% throttling of CPU in namespace {ns} for {pod}.",
     "sum(increase(container_cpu_cfs_throttled_periods_total[5m])) > 0.25"),
    ("KubeContainerOOMKilled", "warning", "Container in {ns}/{pod} was OOM killed.",
     'kube_pod_container_status_last_terminated_reason{reason="OOMKilled"} == 1'),
    ("KubePersistentVolumeFillingUp", "critical",
     "The PersistentVolume claimed by {svc} in {ns} is only {pct}% free.",
     "kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 0.03"),
    ("TargetDown", "warning", "{pct}% of the {svc} targets in {ns} are down.",
     "100 * (count by (job, namespace, service) (up == 0)) > 10"),
)
ZERO_TIME = "0001-01-01T00:00:00Z"  # Go's zero time: how Alertmanager writes an unset endsAt
_POD_CHARS = "bcdfghjklmnpqrstvwxz2456789"  # what Kubernetes draws pod-name suffixes from
EXTERNAL_URL = "http://alertmanager-main-0.alertmanager-operated.monitoring.svc:9093"


@dataclass(frozen=True)
class Delivery:
    """One webhook body, and the alert keys a 2xx for it acknowledges."""

    body: bytes
    keys: tuple[AlertKey, ...]
    redelivery: bool


@dataclass
class _Series:
    """One alert series (a label set) and its current state."""

    labels: dict[str, str]
    annotations: dict[str, str]
    fingerprint: str
    generator_url: str
    starts_at: str = ""
    ends_at: str = ZERO_TIME
    firing: bool = False
    resolved_pending: bool = False


@dataclass
class _Group:
    key: str
    labels: dict[str, str]
    series: list[_Series] = field(default_factory=list)


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _fingerprint(labels: dict[str, str]) -> str:
    """16 hex digits from the sorted label set, as Alertmanager's (FNV-64a there)."""
    text = "\xff".join(f"{k}\xff{v}" for k, v in sorted(labels.items()))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _groups(rng: random.Random) -> list[_Group]:
    groups = []
    for (alertname, severity, summary, expr), namespace in (
        (rule, ns) for rule in RULES for ns in NAMESPACES
    ):
        labels = {"alertname": alertname, "namespace": namespace}
        key = (f'{{}}/{{severity="{severity}"}}:{{alertname="{alertname}", '
               f'namespace="{namespace}"}}')
        group = _Group(key, labels)
        for _ in range(rng.randint(1, 4)):
            cluster = rng.choice(CLUSTERS)
            service = rng.choice(NAMESPACES[namespace])
            pod = f"{service}-{rng.getrandbits(36):09x}-{''.join(rng.choices(_POD_CHARS, k=5))}"
            series_labels = {
                "alertname": alertname, "cluster": cluster, "container": service,
                "endpoint": "http", "instance": f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}"
                f".{rng.randint(1, 254)}:8080", "job": service, "namespace": namespace,
                "pod": pod, "prometheus": "monitoring/k8s", "service": service,
                "severity": severity,
            }
            text = summary.format(ns=namespace, pod=pod, svc=service, pct=rng.randint(25, 99))
            group.series.append(_Series(
                labels=series_labels,
                annotations={
                    "summary": text, "description": f"{text} Value: {rng.random():.3g}.",
                    "runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/"
                    f"kubernetes/{alertname.lower()}",
                },
                fingerprint=_fingerprint(series_labels),
                generator_url="http://prometheus-k8s-0:9090/graph?g0.expr="
                f"{quote(expr, safe='')}&g0.tab=1",
            ))
        groups.append(group)
    return groups


def _item(series: _Series, status: str) -> dict[str, object]:
    return {
        "status": status, "labels": series.labels, "annotations": series.annotations,
        "startsAt": series.starts_at, "endsAt": series.ends_at,
        "generatorURL": series.generator_url, "fingerprint": series.fingerprint,
    }


def _notify(group: _Group) -> tuple[bytes, tuple[AlertKey, ...]] | None:
    """The group's notification now: firing alerts and those that just resolved."""
    items, keys = [], []
    for series in group.series:
        if series.firing or series.resolved_pending:
            status = "firing" if series.firing else "resolved"
            items.append(_item(series, status))
            keys.append((group.key, series.fingerprint, series.starts_at, status))
            series.resolved_pending = False
    if not items:
        return None
    common = {k: v for k, v in items[0]["labels"].items()  # type: ignore[attr-defined]
              if all(i["labels"].get(k) == v for i in items)}  # type: ignore[attr-defined]
    body = orjson.dumps({
        "receiver": "opslens", "status": "firing" if any(s == "firing" for *_, s in keys)
        else "resolved", "alerts": items, "groupLabels": group.labels, "commonLabels": common,
        "commonAnnotations": {}, "externalURL": EXTERNAL_URL, "version": "4",
        "groupKey": group.key, "truncatedAlerts": 0,
    })
    return body, tuple(keys)


def deliveries(seed: int = 13, start: datetime | None = None,
               redelivery_share: float = 0.1, step: float = 0.002) -> Iterator[Delivery]:
    """An endless stream of deliveries, `step` simulated seconds apart (the target interval,
    so startsAt advances with the wall clock of the run)."""
    rng = random.Random(seed)
    groups = _groups(rng)
    now = start or datetime.now(UTC)
    sent: deque[Delivery] = deque(maxlen=500)  # what a re-delivery repeats
    while True:
        now += timedelta(seconds=step)
        if sent and rng.random() < redelivery_share:
            again = rng.choice(sent)
            yield Delivery(again.body, again.keys, redelivery=True)
            continue
        group = rng.choice(groups)
        for series in group.series:  # each notification brings a few state changes
            roll = rng.random()
            if not series.firing and roll < 0.5:
                series.firing, series.starts_at, series.ends_at = True, _stamp(now), ZERO_TIME
            elif series.firing and roll < 0.2:
                series.firing, series.resolved_pending = False, True
                series.ends_at = _stamp(now)
        notified = _notify(group)
        if notified is None:
            continue
        delivery = Delivery(notified[0], notified[1], redelivery=False)
        sent.append(delivery)
        yield delivery
