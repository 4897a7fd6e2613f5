"""Incident fields derived from a (redacted) report's JSON: title, category, severity, times and
the namespaces, services and entities it names. Pure functions, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opslens.guard import Redactor

__all__ = ["IncidentFields", "derive_fields", "parse_time", "redact_json", "redact_text"]

_TITLE_MAX = 200
_LIST_MAX = 100
# Higher first; alert severities vary by team, these are the common Prometheus/PagerDuty words.
_SEVERITY_RANK = {
    "critical": 6, "p1": 6, "page": 6, "high": 5, "error": 5, "p2": 5,
    "warning": 4, "warn": 4, "medium": 4, "p3": 4, "low": 3, "info": 2, "none": 1,
}
_WORKLOAD_KINDS = {"deployment", "statefulset", "daemonset", "service", "job", "cronjob", "app"}
_SERVICE_LABELS = ("service", "app", "job", "deployment")


@dataclass
class IncidentFields:
    title: str
    category: str | None
    severity: str | None
    started_at: datetime | None
    detected_at: datetime | None
    namespaces: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 string (or datetime) as an aware UTC datetime; naive means UTC."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def redact_json(value: Any, redactor: Redactor) -> tuple[str, Any]:
    """`value` with every string redacted on its own, then serialised and redacted once more as
    one text (so `"password": "x"` is caught with its key as context); returns (text, parsed).

    Strings go first because serialising turns newlines into `\\n`: a pattern anchored at the
    start of a line (an AWS key, `-pSECRET`, a Secret's `data:` block) no longer matches
    inside one JSON string. Should the second pass not parse back, the first pass stands."""
    import orjson

    walked = _redact_strings(value, redactor)
    text = orjson.dumps(walked).decode()
    redacted = redactor.redact(text)
    if redacted == text:
        return text, walked
    try:
        return redacted, orjson.loads(redacted)
    except orjson.JSONDecodeError:
        return text, walked


def redact_text(text: str, redactor: Redactor) -> str:
    """A whole input file redacted line by line, following PEM blocks and YAML documents
    across lines (the guard's stream redaction, as the triage itself reads inputs)."""
    return "".join(redactor.redact_lines(text.splitlines(keepends=True)))


def _redact_strings(value: Any, redactor: Redactor) -> Any:
    if isinstance(value, str):
        return redactor.redact(value)
    if isinstance(value, dict):
        return {k: _redact_strings(v, redactor) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_strings(v, redactor) for v in value]
    return value


def derive_fields(report: dict[str, Any]) -> IncidentFields:
    """The incident columns a report sets (the latest version wins, except the title)."""
    hypotheses = report.get("hypotheses") or []
    top = max(hypotheses, key=lambda h: h.get("confidence", 0.0)) if hypotheses else None
    alerts = report.get("alerts") or []
    firing = [a for a in alerts if a.get("status") == "firing"] or alerts
    window = report.get("window") or {}
    entity_dicts = [h.get("entity") for h in hypotheses]
    entity_dicts += [e.get("entity") for e in report.get("evidence") or []]
    entity_dicts = [e for e in entity_dicts if e]
    return IncidentFields(
        title=_title(report, top),
        category=top.get("category") if top else None,
        severity=_severity(firing),
        started_at=parse_time(report.get("onset") or window.get("start")),
        detected_at=min(
            (t for t in (parse_time(a.get("first_seen")) for a in firing) if t), default=None
        ),
        namespaces=_capped(
            [e.get("namespace") for e in entity_dicts] + [a.get("namespace") for a in alerts]
        ),
        services=_capped(
            [e["name"] for e in entity_dicts if e.get("kind", "").lower() in _WORKLOAD_KINDS]
            + [a.get("labels", {}).get(k) for a in firing for k in _SERVICE_LABELS]
        ),
        entities=_capped(
            "/".join(p for p in (e.get("kind"), e.get("namespace"), e.get("name")) if p)
            for e in entity_dicts
        ),
    )


def _title(report: dict[str, Any], top: dict[str, Any] | None) -> str:
    text = (top or {}).get("title") or report.get("summary") or "untitled incident"
    first = re.split(r"\n", text.strip(), maxsplit=1)[0]
    return first if len(first) <= _TITLE_MAX else first[: _TITLE_MAX - 1] + "…"


def _severity(alerts: list[dict[str, Any]]) -> str | None:
    found = [a["severity"] for a in alerts if a.get("severity")]
    return max(found, key=lambda s: _SEVERITY_RANK.get(s.lower(), 0)) if found else None


def _capped(values: Any) -> list[str]:
    return sorted({v for v in values if isinstance(v, str) and v})[:_LIST_MAX]
