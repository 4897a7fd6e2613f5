"""Validation checks and unsafe-for-now actions for a hypothesis, with the real names filled in.

Templates live in `knowledge/checks.yaml` as argv templates. This module renders them into
argv tuples: names read from the input pass their naming rule (`command_names`) first, and each
fills its placeholder inside one template word, so no name can add a word, an option or shell
syntax. The guard classifies every rendered command before the report shows it (the report
stage, `report.commands`, does that).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from opslens.analysis import command_names
from opslens.analysis.findings import Check
from opslens.events import Entity

_KUBECTL_KINDS = {"Deployment": "deployment", "StatefulSet": "statefulset", "DaemonSet": "daemonset", "CronJob": "cronjob", "Job": "job",
                  "InferenceService": "inferenceservice"}


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
    model: str | None = None  # the model a model server serves (registry / repository name)


@lru_cache(maxsize=1)
def _knowledge() -> dict:
    return yaml.safe_load(resources.files("opslens.analysis.knowledge").joinpath("checks.yaml").read_text())


def names_for(entity: Entity | None, pod: str | None, node: str | None, onset: float | None, revision: str | None,
              model: str | None = None) -> Names:
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(onset - 900)) if onset is not None else None
    if entity is None:
        return Names(pod=pod, node=node, since=since, revision=revision, model=model)
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
        model=model,
    )


def render(category: str, names: Names, include_common: bool = True) -> tuple[list[Check], list[str]]:
    """Checks (every placeholder filled with a validated name) and avoid sentences for one category.

    A check whose placeholder has no value is dropped; one whose value fails its naming rule is
    kept in words only (empty argv), never as a command carrying that value.
    """
    knowledge = _knowledge()
    spec = knowledge.get(category) or {}
    items = list(spec.get("checks") or [])
    avoid = list(spec.get("avoid") or [])
    if include_common:
        common = knowledge.get("common") or {}
        items += common.get("checks") or []
        avoid += common.get("avoid") or []
    rendered = (render_check(item["cmd"], item["purpose"], names, category) for item in items)
    checks = [check for check in rendered if check is not None]
    return checks, avoid


def render_check(template: str, purpose: str, names: Names, category: str) -> Check | None:
    """One template rendered to a check, or None when a needed name is unknown."""
    tokens = _tokens(template)
    values = {k: v for k, v in names.__dict__.items() if v}
    needed = set().union(*(command_names.placeholders(t) for t in tokens))
    if not needed <= values.keys():
        return None
    rules = _placeholders()
    for field in sorted(needed):
        rule = rules[field]
        if not command_names.is_valid(rule.kind, values[field]):
            withheld = f"{rule.says} not shown as a command: {command_names.why_invalid(rule.kind)}"
            return Check(argv=(), purpose=purpose, hypothesis=category, withheld=withheld)
    # whole-token substitution: a validated value stays inside the word of its template token
    argv = tuple(token.format(**{f: values[f] for f in command_names.placeholders(token)}) for token in tokens)
    return Check(argv=argv, purpose=purpose, hypothesis=category)


@dataclass(frozen=True)
class _Placeholder:
    kind: command_names.NameKind
    says: str


@lru_cache(maxsize=1)
def _placeholders() -> dict[str, _Placeholder]:
    """Each placeholder's naming rule; every field of `Names` must have one."""
    table = {k: _Placeholder(command_names.NameKind(v["rule"]), v["says"]) for k, v in _knowledge()["placeholders"].items()}
    missing = set(Names.__dataclass_fields__) - table.keys()
    if missing:
        raise command_names.TemplateError(f"checks.yaml: no naming rule for placeholder(s) {sorted(missing)}")
    return table


@lru_cache(maxsize=256)
def _tokens(template: str) -> tuple[str, ...]:
    return command_names.template_tokens(template, set(_placeholders()))


@dataclass(frozen=True)
class Template:
    """One check template of the knowledge."""

    category: str
    cmd: str
    purpose: str


def templates() -> list[Template]:
    """Every check template in the knowledge, each validated as a plain argv."""
    out: list[Template] = []
    for category, spec in _knowledge().items():
        if category == "placeholders":
            continue
        for item in (spec or {}).get("checks") or []:
            _tokens(item["cmd"])
            out.append(Template(category, item["cmd"], item["purpose"]))
    return out


def naming_rule(placeholder: str) -> command_names.NameKind:
    """The naming rule a placeholder's value must pass."""
    return _placeholders()[placeholder].kind
