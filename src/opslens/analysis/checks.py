"""Validation checks and unsafe-for-now actions for a hypothesis, with the real names filled in.

Templates live in `knowledge/checks.yaml`. This module only renders them; the guard classifies
every rendered command before the report shows it (the report stage does that).
"""

from __future__ import annotations

import string
import time
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from opslens.analysis.findings import Check
from opslens.events import Entity

_KUBECTL_KINDS = {"Deployment": "deployment", "StatefulSet": "statefulset", "DaemonSet": "daemonset", "CronJob": "cronjob", "Job": "job"}


@dataclass(frozen=True)
class Names:
    """The concrete names a check may mention."""

    ns: str | None = None
    kind: str | None = None
    name: str | None = None
    pod: str | None = None
    node: str | None = None
    since: str | None = None
    revision: str | None = None
    container: str | None = None


@lru_cache(maxsize=1)
def _knowledge() -> dict:
    return yaml.safe_load(resources.files("opslens.analysis.knowledge").joinpath("checks.yaml").read_text())


def names_for(entity: Entity | None, pod: str | None, node: str | None, onset: float | None, revision: str | None) -> Names:
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(onset - 900)) if onset is not None else None
    if entity is None:
        return Names(pod=pod, node=node, since=since, revision=revision)
    if entity.kind == "Node":
        return Names(node=entity.name, since=since, revision=revision)
    return Names(
        ns=entity.namespace,
        kind=_KUBECTL_KINDS.get(entity.kind),
        name=entity.name if entity.kind in _KUBECTL_KINDS else None,
        pod=pod,
        node=node,
        since=since,
        revision=revision,
    )


def render(category: str, names: Names, include_common: bool = True) -> tuple[list[Check], list[str]]:
    """Checks (with every placeholder filled) and avoid sentences for one category."""
    knowledge = _knowledge()
    spec = knowledge.get(category) or {}
    checks: list[Check] = []
    for item in spec.get("checks") or []:
        cmd = _fill(item["cmd"], names)
        if cmd is not None:
            checks.append(Check(cmd=cmd, purpose=item["purpose"], hypothesis=category))
    avoid = list(spec.get("avoid") or [])
    if include_common:
        common = knowledge.get("common") or {}
        for item in common.get("checks") or []:
            cmd = _fill(item["cmd"], names)
            if cmd is not None:
                checks.append(Check(cmd=cmd, purpose=item["purpose"], hypothesis=category))
        avoid += common.get("avoid") or []
    return checks, avoid


def _fill(template: str, names: Names) -> str | None:
    """The template with placeholders replaced, or None when a needed name is unknown."""
    values = {k: v for k, v in names.__dict__.items() if v}
    fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    if not fields <= values.keys():
        return None
    return template.format(**values)
