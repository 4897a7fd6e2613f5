"""Evaluation datasets: a directory of scenario bundles, each `<case>/` with a
`<case>.truth.json` beside it (the format of the dev scenarios, published as `opslens schema
truth`), and the small built-in dataset the project makes itself (`opslens eval --builtin`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from opslens.errors import InputError

BUILTIN = "builtin"


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    truth: dict[str, Any]


def builtin_dir() -> Path:
    """The packaged dataset's directory."""
    return Path(str(resources.files("opslens.llmops") / "builtin" / "cases"))


def find_cases(root: Path) -> list[Case]:
    """The cases under `root`, by name; an InputError naming the directory when there are none
    or a truth file is not valid JSON of the truth schema."""
    if not root.is_dir():
        raise InputError(str(root), "not a directory")
    cases = []
    for path in sorted(p for p in root.iterdir() if p.is_dir()):
        truth_path = root / f"{path.name}.truth.json"
        if truth_path.exists():
            cases.append(Case(path.name, path, load_truth(truth_path)))
    if not cases:
        raise InputError(str(root), "no cases (directories with a <name>.truth.json beside them)")
    return cases


def load_truth(path: Path) -> dict[str, Any]:
    """A truth file, checked for the fields the scorer needs."""
    try:
        truth = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(path), f"cannot read the truth: {exc}") from None
    missing = [k for k in ("category", "culprit", "key_evidence") if k not in truth]
    if not isinstance(truth, dict) or missing:
        raise InputError(str(path), f"truth lacks {', '.join(missing) or 'an object'}")
    return truth


TRUTH_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://opslens.dev/schema/truth.json",
    "title": "opslens scenario ground truth (<case>.truth.json beside the <case>/ bundle)",
    "type": "object",
    "required": ["category", "culprit", "key_evidence"],
    "properties": {
        "category": {"type": "string", "description": "Root-cause category of the taxonomy."},
        "onset": {"type": ["string", "null"], "format": "date-time",
                  "description": "When the trouble started (UTC, ISO 8601)."},
        "culprit": {"$ref": "#/$defs/entity"},
        "culprit_alternates": {"type": "array", "items": {"$ref": "#/$defs/entity"},
                               "description": "Other entities that count as the culprit."},
        "change_id": {"type": ["string", "null"], "description": "The change that caused it."},
        "key_evidence": {"type": "array", "items": {"type": "string"},
                         "description": "Strings a good report quotes verbatim."},
        "must_not_recommend": {"type": "array", "items": {"type": "string"},
                               "description": "Actions no report may offer (case-insensitive)."},
    },
    "$defs": {
        "entity": {
            "type": "object",
            "required": ["name"],
            "properties": {"kind": {"type": "string"}, "namespace": {"type": ["string", "null"]},
                           "name": {"type": "string"}},
        }
    },
}
