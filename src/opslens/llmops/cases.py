"""A team's own incidents as evaluation cases: `opslens eval add REF --dataset DIR` writes a
resolved incident's kept inputs as `DIR/<ref>/` and its human root cause as
`DIR/<ref>.truth.json` (the dev scenarios' format)."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import Any

from opslens.errors import InputError
from opslens.store.records import IncidentDetail

MAX_KEY_EVIDENCE = 3


def truth_of(detail: IncidentDetail) -> dict[str, Any]:
    """The truth file of a resolved incident: the human category and culprit, the onset, and
    the evidence the report cited for that category as key evidence."""
    if detail.human_category is None:
        raise InputError(detail.ref, "not resolved with a root cause: run "
                         "`opslens incidents resolve REF --category C --culprit KIND/NS/NAME` first")
    return {
        "category": detail.human_category,
        "onset": detail.started_at.isoformat().replace("+00:00", "Z") if detail.started_at else None,
        "culprit": _culprit(detail.human_culprit),
        "change_id": None,
        "key_evidence": _key_evidence(detail.report or {}, detail.human_category),
        "must_not_recommend": [],
        "source": f"incident {detail.ref}: {detail.human_summary or ''}".strip(),
    }


def _culprit(text: str | None) -> dict[str, Any]:
    """`KIND/NAMESPACE/NAME`, `NAMESPACE/NAME` or `NAME` as the truth's entity."""
    parts = (text or "").strip().split("/")
    if len(parts) >= 3:
        return {"kind": parts[0], "namespace": parts[1] or None, "name": "/".join(parts[2:])}
    if len(parts) == 2:
        return {"kind": None, "namespace": parts[0] or None, "name": parts[1]}
    return {"kind": None, "namespace": None, "name": parts[0]}


def _key_evidence(report: dict[str, Any], category: str) -> list[str]:
    texts = {e["id"]: e["text"] for e in report.get("evidence") or []}
    chosen = [h for h in report.get("hypotheses") or [] if h.get("category") == category]
    cited = [eid for h in chosen for eid in h.get("evidence") or []]
    return [texts[e] for e in dict.fromkeys(cited) if e in texts][:MAX_KEY_EVIDENCE]


def write_case(dataset: Path, name: str, inputs: dict[str, str], truth: dict[str, Any]) -> Path:
    """Write `dataset/<name>/` with the inputs (names relative to their common directory) and
    `dataset/<name>.truth.json`; refuses to overwrite a case."""
    case = dataset / name
    if case.exists() or (dataset / f"{name}.truth.json").exists():
        raise InputError(str(case), "a case of that name exists already")
    names = list(inputs)
    base = os.path.commonpath(names) if len(names) > 1 else str(PurePosixPath(names[0]).parent)
    for original, text in inputs.items():
        relative = PurePosixPath(os.path.relpath(original, base) if base else original)
        if relative.is_absolute() or ".." in relative.parts:
            relative = PurePosixPath(relative.name)
        target = case / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (dataset / f"{name}.truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return case
