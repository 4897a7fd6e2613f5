"""KServe InferenceServices (`kubectl get inferenceservice -o json|yaml`): what model each one
serves, when that last changed, and its failing conditions.

An InferenceService (serving.kserve.io/v1beta1) names its model in `spec.predictor.model`
(`modelFormat`, `runtime`, `runtimeVersion`, `storageUri`) or, in the older form, under a
framework key (`spec.predictor.sklearn.storageUri`, ...); `canaryTrafficPercent` splits traffic
between the latest ready revision and the last one rolled out. Its status has `conditions`
(Ready, PredictorReady, IngressReady, LatestDeploymentReady, ...), `components.predictor`
(latestCreatedRevision, latestRolledoutRevision, previousRolledoutRevision, traffic) and
`modelStatus` (states, lastFailureInfo).

Each InferenceService becomes one `inferenceservice` CHANGE: the model it serves now, dated by
the last update of its spec (the newest `managedFields` entry that wrote `f:spec`, else the
newest condition transition of a rollout, else `creationTimestamp`), quoted by its
`storageUri`. Conditions that are not True, and a model load failure, become EVENT records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar, TextIO

from opslens.errors import InputError
from opslens.events import Entity, Event, EventKind, Severity
from opslens.sources.base import ReadContext, Reader, register
from opslens.sources.readers._documents import (
    JsonDocuments,
    as_dict,
    as_str,
    count_lines,
    document_values,
    first_char,
    looks_like_yaml,
    to_epoch,
)
from opslens.sources.verbatim import json_fragment

_KIND = re.compile(r'"kind"\s*:\s*"InferenceService"')
_YAML_KIND = re.compile(r"^\s*(?:- )?kind: InferenceService\s*$", re.M)
_WALK = frozenset({"items", "status", "conditions"})
_FRAMEWORKS = ("sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "lightgbm", "paddle", "pmml",
               "huggingface", "model")
_ROLLOUT_CONDITIONS = frozenset({"LatestDeploymentReady", "PredictorConfigurationReady", "PredictorRouteReady"})


@register
class KServeReader(Reader):
    """KServe InferenceService objects: the served model as a CHANGE, failing conditions as EVENTs."""

    name: ClassVar[str] = "kserve"
    description: ClassVar[str] = "KServe InferenceServices (kubectl get inferenceservice -o json|yaml)"

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        if "serving.kserve.io" not in head or '"involvedObject"' in head or "involvedObject:" in head:
            return 0.0
        first = first_char(head)
        if first in ("{", "["):
            return 0.95 if _KIND.search(head) else 0.0
        return 0.95 if first and looks_like_yaml(head) and _YAML_KIND.search(head) else 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        text = stream.read()
        ctx.lines += count_lines(text)
        if not text.strip():
            return
        docs = JsonDocuments(text, ctx.skip, walk=_WALK, walk_elements=True) if first_char(text) in "{[" else None
        found = False
        for line, value in document_values(text, ctx.skip, docs):
            for isvc in _services(value):
                found = True
                yield from _ServiceEvents(isvc, docs, line, ctx).events()
        if not found:
            raise InputError(str(ctx.source), "no InferenceService found (expected kind: InferenceService)")


def _services(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for element in value:
            yield from _services(element)
    elif isinstance(value, dict):
        if value.get("kind") == "InferenceService":
            yield value
        elif isinstance(value.get("items"), list):
            yield from _services(value["items"])


def model_spec(predictor: dict[str, Any]) -> dict[str, Any]:
    """The predictor's model block: `model` (v1beta1) or a framework key (older form)."""
    for key in _FRAMEWORKS:
        if isinstance(predictor.get(key), dict):
            return {"framework": key, **predictor[key]}
    containers = [as_dict(c) for c in predictor.get("containers") or []]
    return {"framework": "custom", "image": as_str(containers[0].get("image"))} if containers else {}


class _ServiceEvents:
    """The events of one InferenceService."""

    def __init__(self, isvc: dict[str, Any], docs: JsonDocuments | None, line: int | None, ctx: ReadContext) -> None:
        meta = as_dict(isvc.get("metadata"))
        self.meta, self.ctx, self.docs = meta, ctx, docs
        self.spec = as_dict(isvc.get("spec"))
        self.status = as_dict(isvc.get("status"))
        self.name = as_str(meta.get("name")) or "?"
        self.namespace = as_str(meta.get("namespace")) or ctx.source.identity.namespace
        self.entity = Entity("InferenceService", self.name, self.namespace)
        self.line = docs.line_of(isvc, line) if docs else line
        self.raw = docs.text_of(isvc) if docs else None
        if self.raw is None and docs is not None:
            # One object (`kubectl get isvc NAME -o json`) is no array element: quote the document.
            whole = docs.text.lstrip("\ufeff")
            if len(whole) < 20000 and not whole[:1].isspace():
                self.raw, self.line = whole.replace("\r\n", "\n").rstrip("\n"), 1
        if self.raw is None:
            self.line = None  # YAML, or too big: the message describes it, the file is cited

    def events(self) -> Iterator[Event]:
        change = self._change()
        if change is not None:
            yield change
        for condition in self.status.get("conditions") or []:
            condition = as_dict(condition)
            if as_str(condition.get("status")) in ("False", "Unknown") and as_str(condition.get("type")):
                yield self._condition(condition)
        failure = as_dict(as_dict(self.status.get("modelStatus")).get("lastFailureInfo"))
        if as_str(failure.get("message")) or as_str(failure.get("reason")):
            yield self._failure(failure)

    def _updated(self) -> float | None:
        """When the spec last changed: its newest managedFields write, else a rollout condition's
        transition, else the object's creation."""
        tz = self.ctx.tz
        writes = [to_epoch(m.get("time"), tz) for m in (as_dict(x) for x in self.meta.get("managedFields") or [])
                  if '"f:spec"' in str(m.get("fieldsV1")) or "'f:spec'" in str(m.get("fieldsV1"))]
        writes = [t for t in writes if t is not None]
        if writes:
            return max(writes)
        rollouts = [to_epoch(c.get("lastTransitionTime"), tz) for c in (as_dict(x) for x in self.status.get("conditions") or [])
                    if c.get("type") in _ROLLOUT_CONDITIONS]
        rollouts = [t for t in rollouts if t is not None]
        return max(rollouts) if rollouts else to_epoch(self.meta.get("creationTimestamp"), tz)

    def _change(self) -> Event | None:
        predictor = as_dict(self.spec.get("predictor"))
        model = model_spec(predictor)
        when = self._updated()
        if when is None:
            return None
        uri = as_str(model.get("storageUri")) or as_str(model.get("image"))
        runtime = as_str(model.get("runtime")) or as_str(as_dict(model.get("modelFormat")).get("name")) or model.get("framework")
        runtime_version = as_str(model.get("runtimeVersion")) or as_str(as_dict(model.get("modelFormat")).get("version"))
        canary = predictor.get("canaryTrafficPercent")
        component = as_dict(as_dict(self.status.get("components")).get("predictor"))
        latest = as_str(component.get("latestCreatedRevision")) or as_str(component.get("latestReadyRevision"))
        parts = [f"storageUri {uri}" if uri else None, f"runtime {runtime}" if runtime else None,
                 f"runtimeVersion {runtime_version}" if runtime_version else None,
                 f"canaryTrafficPercent {canary}" if isinstance(canary, int | float) else None,
                 f"latest revision {latest}" if latest else None,
                 f"previous rolled out {component['previousRolledoutRevision']}" if as_str(component.get("previousRolledoutRevision")) else None]
        message = f"InferenceService {self.name} serves " + ", ".join(p for p in parts if p)
        quoted = json_fragment(uri) if uri else None
        attrs: dict[str, Any] = {
            "change_kind": "inferenceservice", "revision": latest or str(self.meta.get("generation") or "") or None,
            "app": self.name, "model": self.name, "images": [uri] if uri else [], "files": [],
            "subject": quoted if quoted and self.raw and quoted in self.raw else None, "runtime": runtime,
            "runtime_version": runtime_version, "canary_percent": canary,
        }  # fmt: skip
        return self._event(EventKind.CHANGE, when, message, self.raw or message, Severity.INFO, attrs, self.line)

    def _condition(self, condition: dict[str, Any]) -> Event:
        kind = condition["type"]
        reason, text = as_str(condition.get("reason")), as_str(condition.get("message"))
        message = f"InferenceService {self.name} {kind} is {condition['status']}" + (f": {reason}" if reason else "") + (f": {text}" if text else "")
        raw = self.docs.text_of(condition) if self.docs else None
        line = self.docs.line_of(condition, None) if raw is not None and self.docs else None
        attrs = {"reason": reason or kind, "type": "Warning", "condition": kind, "status": condition["status"],
                 "involved": {"kind": "InferenceService", "name": self.name, "namespace": self.namespace}}
        when = to_epoch(condition.get("lastTransitionTime"), self.ctx.tz)
        return self._event(EventKind.EVENT, when, message, raw or message, Severity.WARNING, attrs, line)

    def _failure(self, failure: dict[str, Any]) -> Event:
        reason, text = as_str(failure.get("reason")) or "ModelLoadFailed", as_str(failure.get("message")) or ""
        message = f"InferenceService {self.name} model failure: {reason}: {text}".rstrip(": ")
        attrs = {"reason": reason, "type": "Warning",
                 "involved": {"kind": "InferenceService", "name": self.name, "namespace": self.namespace}}
        when = to_epoch(failure.get("time"), self.ctx.tz)
        return self._event(EventKind.EVENT, when, message, json_fragment(text or reason), Severity.ERROR, attrs, None)

    def _event(self, kind: EventKind, when: float | None, message: str, raw: str, severity: Severity,
               attrs: dict[str, Any], line: int | None) -> Event:
        return Event(
            time=when,
            kind=kind,
            source=KServeReader.name,
            origin=self.ctx.source.origin(line),
            message=message,
            raw=raw,
            severity=severity,
            namespace=self.namespace,
            entity=self.entity,
            attrs={k: v for k, v in attrs.items() if v is not None and v != []},
        )
