"""Rendering of a post-incident draft (`postmortem.PostmortemDraft`) as Markdown or JSON.

Only formats what `postmortem.draft` built; it decides nothing about the incident. Pure, no I/O.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from opslens.store.records import jsonable

if TYPE_CHECKING:
    # Type-only: `postmortem` imports this module at run time to re-export the renderers.
    from opslens.store.postmortem import PostmortemDraft, Quote

__all__ = ["short_time", "to_dict", "to_json", "to_markdown"]


def short_time(ts: datetime | None, missing: str = "?") -> str:
    """`ts` as `YYYY-MM-DD HH:MM:SSZ`, or `missing` when unknown."""
    return ts.strftime("%Y-%m-%d %H:%M:%SZ") if ts else missing


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
        f"{secs}s" if secs or not (hours or minutes) else "",
    ]
    return "".join(parts)


def to_dict(pm: PostmortemDraft) -> dict[str, Any]:
    """The draft as JSON-ready data: times in ISO 8601, durations in seconds."""
    return jsonable(asdict(pm))


def to_json(pm: PostmortemDraft) -> str:
    """The draft as JSON, carrying the fields incident tools import (started_at, detected_at,
    mitigated_at, resolved_at, time_to_detect, time_to_resolve)."""
    return json.dumps(to_dict(pm), indent=2) + "\n"


def to_markdown(pm: PostmortemDraft) -> str:
    """The draft as Markdown, in the order of the usual postmortem templates."""
    out = [f"# Post-incident review (draft): {pm.ref} {pm.title}", ""]
    out += [
        f"**Status** {pm.status}  ",
        f"**Severity** {pm.severity or 'not set'}  ",
        f"**Started** {short_time(pm.started_at)}  ",
        f"**Detected** {short_time(pm.detected_at)} ({_duration(pm.time_to_detect)} after onset)  ",
        f"**Mitigated** {short_time(pm.mitigated_at, 'not recorded')}  ",
        f"**Resolved** {short_time(pm.resolved_at, 'not yet')}"
        + (f" ({_duration(pm.time_to_resolve)} after onset)" if pm.resolved_at else ""),
        "",
    ]
    out += ["## Summary", "", pm.summary, ""]
    _impact(pm, out)
    _root(pm, out)
    out += ["## Detection", ""]
    if pm.detection.alert:
        out.append(
            f"Detected by alert **{pm.detection.alert}** at {short_time(pm.detected_at)}, "
            f"{_duration(pm.time_to_detect)} after onset."
        )
    else:
        out.append("No alert in the inputs detected it.")
    out += ["", "## Resolution", "", pm.resolution, ""]
    out += [f"- Decision: {d}" for d in pm.decisions]
    out += [""] if pm.decisions else []
    out += ["## Action items", ""]
    out += [f"- [ ] {a}" for a in pm.action_items] or ["None recorded yet."]
    out += ["", "## Timeline (UTC)", ""]
    for item in pm.timeline:
        cite = f" [{', '.join(item.evidence[:4])}]" if item.evidence else ""
        out.append(f"- {short_time(item.at)} ({item.source}) {item.text}{cite}")
    out += ["", "## Lessons learned (open questions)", ""]
    out += [f"- {q}" for q in pm.lessons_learned]
    out += ["", "## Supporting evidence", ""]
    out += _quote_lines(pm.evidence) or ["No report evidence stored (pruned or empty)."]
    if pm.similar:
        out += ["", "## Similar past incidents", ""]
        out += [s.describe() for s in pm.similar]
    out += [
        "",
        f"_Drafted by opslens from report version {pm.report_version}; "
        "review every statement before publishing._",
    ]
    return "\n".join(out).rstrip() + "\n"


def _impact(pm: PostmortemDraft, out: list[str]) -> None:
    impact = pm.impact
    duration = _duration(impact.duration_seconds) + (" so far (ongoing)" if impact.ongoing else "")
    out += ["## Impact", ""]
    out.append(f"- Alerts: {', '.join(impact.alerts) or 'none'}")
    out.append(f"- Services: {', '.join(impact.services) or 'unknown'}")
    if impact.namespaces:
        out.append(f"- Namespaces: {', '.join(impact.namespaces)}")
    out.append(f"- Duration: {duration if impact.duration_seconds is not None else 'unknown'}")
    out.append("")


def _root(pm: PostmortemDraft, out: list[str]) -> None:
    out += ["## Root cause and trigger", ""]
    root = pm.root_cause
    if root is None:
        out += ["Not known: no hypothesis was supported by the evidence, and none recorded.", ""]
        return
    if root.confirmed:
        out.append(
            f"Confirmed root cause: **{root.category or 'uncategorised'}**"
            + (f" ({root.culprit})" if root.culprit else "")
            + f": {root.summary}"
        )
    else:
        conf = f", {root.confidence:.0%} confidence" if root.confidence is not None else ""
        out.append(
            f"**UNCONFIRMED** (top hypothesis of the report{conf}): **{root.category}**"
            + (f" ({root.culprit})" if root.culprit else "")
            + f": {root.summary}"
        )
    out += ["", f"Trigger: {root.trigger or 'not identified'}", ""]
    if not root.confirmed and root.evidence:
        out += ["Evidence quoted for it:", ""]
        out += _quote_lines(root.evidence)


def _quote_lines(quotes: list[Quote]) -> list[str]:
    lines: list[str] = []
    for q in quotes:
        lines.append(f"- **{q.id}** {q.source}")
        lines += [f"  > {line}" for line in q.text.splitlines() or [""]]
    if lines:
        lines.append("")
    return lines

