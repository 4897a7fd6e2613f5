"""Named PromQL: the packaged default set plus a team's file, with `${namespace}` and
`${service}` filled in."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import yaml

from opslens.collectors.errors import CollectError

_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
_KNOWN = frozenset({"namespace", "service"})


def query_set(team_file: str | None, replace_default: bool) -> dict[str, str]:
    """name -> PromQL template, the team's entries after (and over) the defaults."""
    queries = {} if replace_default and team_file else _load(resources.files("opslens.collectors").joinpath("queries/default.yaml").read_text(), "default query set")
    if team_file:
        try:
            text = Path(team_file).expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            raise CollectError(f"{team_file}: cannot read queries: {exc.strerror or exc}") from exc
        queries.update(_load(text, team_file))
    return queries


def _load(text: str, where: str) -> dict[str, str]:
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise CollectError(f"{where}: not YAML: {str(exc).splitlines()[0]}") from exc
    if not isinstance(doc, dict):
        raise CollectError(f"{where}: expected a mapping of names to PromQL")
    out: dict[str, str] = {}
    for name, expr in doc.items():
        if not isinstance(expr, str) or not expr.strip():
            raise CollectError(f"{where}: query {name!r} is not a PromQL string")
        unknown = set(_PLACEHOLDER.findall(expr)) - _KNOWN
        if unknown:
            raise CollectError(f"{where}: query {name!r} uses unknown placeholder(s) {', '.join(sorted(unknown))} (known: namespace, service)")
        out[str(name)] = " ".join(expr.split())
    return out


def render(template: str, namespaces: list[str], service: str | None) -> str:
    """The query with its placeholders filled (namespace names need no regex escaping: DNS labels)."""
    values = {"namespace": "|".join(namespaces) if namespaces else ".+", "service": service or ".+"}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
