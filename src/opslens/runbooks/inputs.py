"""Reading alerts from files and turning results into plain JSON-ready data."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from opslens.errors import InputError
from opslens.runbooks.index import SearchResult
from opslens.runbooks.records import RunbookHit

__all__ = ["hit_record", "iter_alert_rows", "load_alert", "result_record"]


def load_alert(path: Path) -> Mapping[str, Any]:
    """One Alertmanager alert object or webhook payload from a JSON file.

    A JSON list (as `GET /api/v2/alerts` returns) is treated as a payload of those alerts.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"not valid JSON: {exc.msg}", exc.lineno) from exc
    if isinstance(data, list):
        data = {"alerts": data}
    if not isinstance(data, dict) or not _looks_like_alert(data):
        raise InputError(
            str(path), "expected an Alertmanager alert (labels/annotations) or a webhook payload"
        )
    return data


def iter_alert_rows(path: Path) -> Iterator[tuple[dict[str, Any], Mapping[str, Any]]]:
    """(row, alert) for each non-blank line of a JSONL file whose rows carry an `alert`
    object (a bare alert object per line is accepted too)."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(str(path), f"not valid JSON: {exc.msg}", number) from exc
            alert = row.get("alert", row) if isinstance(row, dict) else None
            if not isinstance(alert, dict) or not _looks_like_alert(alert):
                raise InputError(str(path), "row has no `alert` object", number)
            yield row, alert


def _looks_like_alert(obj: Mapping[str, Any]) -> bool:
    return any(key in obj for key in ("labels", "annotations", "alerts"))


def hit_record(hit: RunbookHit, *, full: bool = False) -> dict[str, Any]:
    """A hit as JSON-ready data: path, section and score, plus details when `full`."""
    record: dict[str, Any] = {"path": hit.path, "section": hit.section, "score": hit.score}
    if full:
        record.update(
            heading_path=list(hit.heading_path),
            line=hit.line,
            title=hit.title,
            root=hit.root,
            excerpt=hit.excerpt,
        )
    return record


def result_record(result: SearchResult, *, full: bool = False) -> dict[str, Any]:
    """A search result as JSON-ready data (`results` is empty when the index abstained)."""
    return {
        "results": [hit_record(h, full=full) for h in result.hits],
        "abstained": result.abstained,
        "best_score": round(result.best_score, 4),
        "threshold": result.threshold,
    }
