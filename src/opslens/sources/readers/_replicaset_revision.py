"""A ReplicaSet a Deployment owns is one revision of that Deployment, dated: its
`deployment.kubernetes.io/revision` annotation numbers it, its creationTimestamp says when the
revision was first rolled out, its pod-template-hash label and images say what it runs.

So the ReplicaSets of `kubectl get rs -o json` (what `opslens collect` saves) give the rollout
history with times that `kubectl rollout history` lacks: one `rollout-revision` CHANGE per
ReplicaSet, the same record the rollout-history reader makes, here with its time. A revision
rolled back to keeps its old ReplicaSet and creation time, so its time is when the template
was first rolled out (the ScalingReplicaSet events, when present, date the rollback).

Not a reader: the k8s-manifest reader calls it for each ReplicaSet it reads.
"""

from __future__ import annotations

from typing import Any

from opslens.events import Entity, Event, EventKind, Severity
from opslens.sources.base import ReadContext
from opslens.sources.readers._documents import as_dict, to_epoch
from opslens.sources.readers._object_lines import Locator

REVISION_ANNOTATION = "deployment.kubernetes.io/revision"


def revision_event(obj: dict[str, Any], loc: Locator, ctx: ReadContext, source: str) -> Event | None:
    """The dated revision a Deployment-owned ReplicaSet stands for, or None for other objects."""
    if obj.get("kind") != "ReplicaSet":
        return None
    meta = as_dict(obj.get("metadata"))
    annotations = as_dict(meta.get("annotations"))
    revision = annotations.get(REVISION_ANNOTATION)
    owner = next((o for o in _list(meta.get("ownerReferences")) if isinstance(o, dict) and o.get("kind") == "Deployment" and o.get("name")), None)
    created = to_epoch(meta.get("creationTimestamp"), ctx.tz)
    if not isinstance(revision, str) or not revision.isdigit() or owner is None or created is None:
        return None
    deployment, namespace = str(owner["name"]), meta.get("namespace") if isinstance(meta.get("namespace"), str) else None
    labels = as_dict(meta.get("labels"))
    template = as_dict(as_dict(as_dict(obj.get("spec")).get("template")).get("spec"))
    containers = [c for c in _list(template.get("containers")) if isinstance(c, dict)]
    images = [str(c["image"]) for c in containers if c.get("image")]
    cause = annotations.get("kubernetes.io/change-cause")
    line = loc.line("metadata", "annotations", REVISION_ANNOTATION)
    resource = f"deployment.apps/{deployment}"
    message = f"{resource} revision {revision}: ReplicaSet {meta.get('name')} created" + (f" ({', '.join(images)})" if images else "")
    attrs: dict[str, Any] = {
        "change_kind": "rollout-revision", "resource": resource, "revision": revision,
        "change_cause": cause if isinstance(cause, str) else None, "images": images,
        "containers": [str(c.get("name")) for c in containers],
    }
    if isinstance(labels.get("pod-template-hash"), str):
        attrs["pod_template_hash"] = labels["pod-template-hash"]
    return Event(
        time=created,
        kind=EventKind.CHANGE,
        source=source,
        origin=ctx.source.origin(line),
        message=message,
        raw=loc.text(line).strip(),
        severity=Severity.INFO,
        namespace=namespace,
        entity=Entity("Deployment", deployment, namespace),
        attrs=attrs,
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
