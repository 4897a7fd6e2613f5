"""Kubernetes objects named by Prometheus/Alertmanager labels (kube-state-metrics conventions)."""

from __future__ import annotations

import re

from opslens.events import Entity, Severity

# Most specific first. `job` is Prometheus' scrape job, not a Kubernetes Job: kube-state-metrics
# names Jobs `job_name`.
_ENTITY_LABELS: tuple[tuple[str, str], ...] = (
    ("pod", "Pod"),
    ("deployment", "Deployment"),
    ("statefulset", "StatefulSet"),
    ("daemonset", "DaemonSet"),
    ("job_name", "Job"),
    ("cronjob", "CronJob"),
    ("replicaset", "ReplicaSet"),
    ("horizontalpodautoscaler", "HorizontalPodAutoscaler"),
    ("persistentvolumeclaim", "PersistentVolumeClaim"),
    ("service", "Service"),
    ("node", "Node"),
)
_CLUSTER_SCOPED = frozenset({"Node"})
_EXPORTER_SERVICE = re.compile(
    r"kube-state-metrics|node-exporter|blackbox-exporter|^kubelet$|cadvisor"
)

SEVERITY_LABEL = {
    "critical": Severity.CRITICAL, "page": Severity.CRITICAL, "emergency": Severity.CRITICAL,
    "fatal": Severity.CRITICAL, "high": Severity.ERROR, "error": Severity.ERROR,
    "major": Severity.ERROR, "warning": Severity.WARNING, "warn": Severity.WARNING,
    "medium": Severity.WARNING, "minor": Severity.WARNING, "notice": Severity.NOTICE,
    "info": Severity.INFO, "informational": Severity.INFO, "low": Severity.INFO,
    "none": Severity.INFO, "debug": Severity.DEBUG,
}  # fmt: skip


def entity_from_labels(labels: dict[str, str]) -> Entity | None:
    """The most specific Kubernetes object the labels name (pod > workload > service > node)."""
    namespace = labels.get("namespace") or None
    for label, kind in _ENTITY_LABELS:
        name = labels.get(label)
        if not name:
            continue
        # On exporter series (kube-state-metrics, node-exporter) `service` names the exporter.
        if label == "service" and _EXPORTER_SERVICE.search(name):
            continue
        return Entity(kind, name, None if kind in _CLUSTER_SCOPED else namespace)
    return None


def severity_from_labels(labels: dict[str, str]) -> Severity:
    """Severity from the conventional `severity` (or `priority`) label."""
    value = labels.get("severity") or labels.get("priority") or ""
    return SEVERITY_LABEL.get(value.strip().lower(), Severity.UNKNOWN)
