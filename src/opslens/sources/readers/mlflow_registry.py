"""MLflow Model Registry: model versions, their stages and aliases, as dated CHANGE records.

Inputs are the REST API's JSON answers (and exports of them):

    GET /api/2.0/mlflow/model-versions/get        {"model_version": {...}}
    GET /api/2.0/mlflow/model-versions/search     {"model_versions": [...], "next_page_token": "..."}
    GET /api/2.0/mlflow/registered-models/get     {"registered_model": {"latest_versions": [...], "aliases": [...]}}
    GET /api/2.0/mlflow/registered-models/search  {"registered_models": [...]}
    an exported array of model versions           [{"name": ..., "version": ..., ...}, ...]

A model version carries `name`, `version` (a string), `creation_timestamp` and
`last_updated_timestamp` (epoch milliseconds), `current_stage` (None, Staging, Production,
Archived), `source` (the artifact URI), `run_id`, `status` and, since MLflow 2.3, `aliases`.
A registered model lists its aliases as `[{"alias": "champion", "version": "5"}]`.

Each version is one `model-version` CHANGE dated by `last_updated_timestamp` (a stage
transition or alias move updates it), quoted by its `current_stage` (or `aliases`) field.
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
)

_KEYS = re.compile(r'"(?:model_versions?|registered_models?|latest_versions)"\s*:')
_VERSION_FIELDS = re.compile(r'"(?:current_stage|last_updated_timestamp|run_id)"\s*:')
_WALK = frozenset({"model_versions", "latest_versions", "registered_models", "model_version", "registered_model"})
_QUOTE = re.compile(r'"(?:current_stage|aliases)"\s*:\s*(?:"[^"]*"|\[[^\]]*\])')
_LIVE_STAGES = frozenset({"Production", "Staging"})


@register
class MLflowRegistryReader(Reader):
    """MLflow Model Registry REST answers (model versions, registered models) as CHANGE events."""

    name: ClassVar[str] = "mlflow-registry"
    description: ClassVar[str] = "MLflow Model Registry JSON (model-versions get/search, registered-models get/search)"

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        if first_char(head) not in ("{", "["):
            return 0.0
        return 0.95 if _KEYS.search(head) and _VERSION_FIELDS.search(head) else (
            0.9 if head.lstrip().startswith("[") and _VERSION_FIELDS.search(head) and '"current_stage"' in head else 0.0)

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        text = stream.read()
        ctx.lines += count_lines(text)
        if not text.strip():
            return
        docs = JsonDocuments(text, ctx.skip, walk=_WALK, walk_elements=True)
        found = False
        for line, value in document_values(text, ctx.skip, docs):
            for version, aliases in _versions(value):
                found = True
                event = _event(version, aliases, docs, line, ctx)
                if event is None:
                    ctx.skip("MLflow model version without name, version or timestamps", docs.line_of(version, line))
                else:
                    yield event
        if not found:
            raise InputError(str(ctx.source), "no MLflow model version found (expected model_version(s) or registered_model(s))")


def _versions(value: Any) -> Iterator[tuple[dict[str, Any], dict[str, list[str]]]]:
    """(model version, aliases by version) for every version in one document."""
    if isinstance(value, list):
        for element in value:
            if isinstance(element, dict) and "version" in element:
                yield element, {}
            else:
                yield from _versions(element)
        return
    if not isinstance(value, dict):
        return
    if isinstance(value.get("model_version"), dict):
        yield value["model_version"], {}
    for v in value.get("model_versions") or []:
        if isinstance(v, dict):
            yield v, {}
    models = [as_dict(value.get("registered_model"))] + [as_dict(m) for m in value.get("registered_models") or []]
    for model in models:
        aliases: dict[str, list[str]] = {}
        for a in model.get("aliases") or []:
            a = as_dict(a)
            if as_str(a.get("alias")) and a.get("version") is not None:
                aliases.setdefault(str(a["version"]), []).append(a["alias"])
        for v in model.get("latest_versions") or []:
            if isinstance(v, dict):
                yield v, aliases


def _millis(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return value / 1000.0 if value > 1e11 else float(value)
    if isinstance(value, str) and value.isdigit():
        return _millis(int(value))
    return None


def _event(version: dict[str, Any], model_aliases: dict[str, list[str]], docs: JsonDocuments, line: int | None,
           ctx: ReadContext) -> Event | None:
    name, number = as_str(version.get("name")), version.get("version")
    when = _millis(version.get("last_updated_timestamp")) or _millis(version.get("creation_timestamp"))
    if name is None or number is None or when is None:
        return None
    number = str(number)
    aliases = [a for a in version.get("aliases") or [] if isinstance(a, str)] + model_aliases.get(number, [])
    aliases = list(dict.fromkeys(aliases))
    stage = as_str(version.get("current_stage")) or "None"
    source, run_id = as_str(version.get("source")), as_str(version.get("run_id"))
    message = f"MLflow model {name} version {number}: stage {stage}"
    message += f", aliases {', '.join(aliases)}" if aliases else ""
    message += f", status {version['status']}" if as_str(version.get("status")) else ""
    message += f"; source {source}" if source else ""
    message += f"; run {run_id}" if run_id else ""
    raw, origin_line = docs.text_of(version), docs.line_of(version, line)
    if raw is None:
        # A lone `{"model_version": {...}}` answer is no array element: quote the whole answer
        # when it is small, else describe it (and cite the file, not a line).
        whole = docs.text.lstrip("\ufeff")
        raw, origin_line = (whole.replace("\r\n", "\n").rstrip("\n"), 1) if len(whole) < 8000 and not whole[:1].isspace() else (message, None)
    quoted = _QUOTE.search(raw)
    attrs: dict[str, Any] = {
        "change_kind": "model-version", "revision": number, "app": name, "model": name,
        "model_version": number, "stage": stage, "aliases": aliases, "run_id": run_id,
        "images": [source] if source else [], "files": [], "author": as_str(version.get("user_id")),
        "subject": quoted.group(0) if quoted else None,
        "created": _millis(version.get("creation_timestamp")),
    }  # fmt: skip
    live = stage in _LIVE_STAGES or bool(aliases)
    return Event(
        time=when,
        kind=EventKind.CHANGE,
        source=MLflowRegistryReader.name,
        origin=ctx.source.origin(origin_line),
        message=message,
        raw=raw,
        severity=Severity.NOTICE if live else Severity.INFO,
        entity=Entity("RegisteredModel", name, None),
        attrs={k: v for k, v in attrs.items() if v is not None},
    )
