"""The typed contract of `Event.attrs`, per kind of event: what readers write and analysis reads.

`Event.attrs` stays a plain dict on the hot path (one per log line would be too dear as a model).
Every kind of event has a TypedDict here naming the keys analysis reads, and analysis reads them
through the accessors below instead of string keys on an untyped dict. Readers may write more
keys (shown as they are, or kept for a later reader); a key analysis starts to read is added
here first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict, cast

if TYPE_CHECKING:
    from opslens.events import Event


class InvolvedObject(TypedDict, total=False):
    kind: str | None
    name: str | None
    namespace: str | None
    uid: str | None
    fieldPath: str | None


class K8sEventAttrs(TypedDict, total=False):
    """EVENT records: Kubernetes Events (JSON, tables, describe rows), object status (describe,
    get), and configuration objects (manifests)."""

    reason: str | None
    type: str | None  # Normal | Warning
    count: int
    first_time: float | None
    last_time: float | None
    component: str | None
    involved: InvolvedObject | None
    condition: str | None  # node/workload condition type (Ready, DiskPressure, ...)
    status: str | None
    container: str | None
    exit_code: int | None
    restarts: int | None
    image: str | None
    limits: dict[str, str]
    requests: dict[str, str]
    object_kind: str  # manifests: the object's kind
    continuation: list[str]


class AlertAttrs(TypedDict, total=False):
    """ALERT records (Alertmanager webhook and API, Prometheus alerts)."""

    alertname: str | None
    status: str  # firing | resolved | pending
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: float | None
    ends_at: float | None
    fingerprint: str | None
    generator_url: str | None
    receiver: str | None
    state: str
    group_key: str
    truncated_alerts: int


class MetricAttrs(TypedDict, total=False):
    """METRIC records: one series (Prometheus matrix/vector, `kubectl top`)."""

    name: str | None
    labels: dict[str, str]
    samples: list[list[Any]]  # [[epoch, value], ...]
    result_type: str


class ChangeAttrs(TypedDict, total=False):
    """CHANGE records: Argo CD syncs, rollout history revisions, GitOps commits."""

    change_kind: str  # argocd-sync | rollout-revision | git-commit | ...
    revision: str | None
    images: list[str]
    files: list[str]
    resources: list[str]  # `Kind/namespace/name` a sync changed
    resource_messages: list[str]  # what the sync said about each, verbatim
    subject: str | None  # a commit's subject line
    resource: str  # rollout history: `deployment.apps/web`
    change_cause: str | None
    pod_template_hash: str
    author: str | None
    app: str | None
    model: str | None  # ML changes: the model a registry record or InferenceService names


class LogAttrs(TypedDict, total=False):
    """LOG records: what line formats, wrappers and pastes add."""

    container: str
    stream: str
    continuation: list[str]
    via: Event  # pastes: the command whose output this line is
    preceded_by: Event  # crash records: the record logged just before
    command: str  # pastes: a command line, or a diagnostic command's output
    tool: str
    facts: list[str]  # a diagnostic command's output in plain words
    fact_lines: dict[str, str]  # curl/openssl facts -> the verbatim output line each comes from


_EMPTY: dict[str, Any] = {}


def k8s_attrs(event: Event) -> K8sEventAttrs:
    return cast(K8sEventAttrs, event.attrs or _EMPTY)


def alert_attrs(event: Event) -> AlertAttrs:
    return cast(AlertAttrs, event.attrs or _EMPTY)


def metric_attrs(event: Event) -> MetricAttrs:
    return cast(MetricAttrs, event.attrs or _EMPTY)


def change_attrs(event: Event) -> ChangeAttrs:
    return cast(ChangeAttrs, event.attrs or _EMPTY)


def log_attrs(event: Event) -> LogAttrs:
    return cast(LogAttrs, event.attrs or _EMPTY)
