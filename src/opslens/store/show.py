"""How one incident is shown: the Markdown of `opslens incidents show` and its JSON shape.

Pure rendering of store records (no database access), shared by the CLI and the HTTP service
so both print the same document.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opslens.report.models import Report
    from opslens.store.records import IncidentDetail, SimilarIncident

__all__ = ["commands_json", "show_json", "show_markdown", "stored_report"]


def stored_report(detail: IncidentDetail) -> Report | None:
    """The latest report with its commands classified again by the guard (a stored label is
    not trusted: rules change, rows get edited or imported); None when pruned or unreadable."""
    from pydantic import ValidationError

    from opslens.report.commands import recheck_commands
    from opslens.report.models import Report

    if detail.report is None:
        return None
    try:
        return recheck_commands(Report.model_validate(detail.report))
    except ValidationError:
        return None


def commands_json(report: Report | None) -> dict[str, Any]:
    """The re-vetted command lists of the JSON shape; none when the report is unreadable."""
    if report is None:
        return {"commands": [], "needs_approval": []}
    return {
        name: [c.model_dump(mode="json", by_alias=True) for c in getattr(report, name)]
        for name in ("commands", "needs_approval")
    }


def show_json(detail: IncidentDetail, similar: list[SimilarIncident]) -> dict[str, Any]:
    """`incidents show --format json`: the detail, its re-vetted commands, similar incidents."""
    data = detail.to_dict()
    if data["report"] is not None:
        data["report"].update(commands_json(stored_report(detail)))
    data["similar"] = [s.to_dict() for s in similar]
    return data


def show_markdown(detail: IncidentDetail, similar: list[SimilarIncident]) -> str:
    """`incidents show`: root cause, notes, feedback, history, similar ones, latest report."""
    started = detail.started_at.isoformat() if detail.started_at else "unknown"
    out = [
        f"# {detail.ref}: {detail.title}",
        "",
        f"**Status** {detail.status.value}  ",
        f"**Severity** {detail.severity or 'not set'}  ",
        f"**Category** {detail.category or 'none'}  ",
        f"**Started** {started}  ",
        f"**Report versions** {len(detail.versions)}",
        "",
    ]
    if detail.human_category or detail.human_summary:
        culprit = f" ({detail.human_culprit})" if detail.human_culprit else ""
        out += [
            "## Root cause (recorded)",
            "",
            f"**{detail.human_category}**{culprit}: {detail.human_summary or ''}",
            "",
        ]
    if detail.notes:
        out += ["## Notes", ""]
        for n in detail.notes:
            who = f" {n.author}" if n.author else ""
            out.append(f"- {n.created_at:%Y-%m-%d %H:%M}{who} [{n.kind.value}] {n.text}")
        out.append("")
    if detail.feedback:
        out += ["## Feedback", ""]
        for f in detail.feedback:
            on = f" on {f.hypothesis}" if f.hypothesis else ""
            comment = f": {f.comment}" if f.comment else ""
            out.append(f"- v{f.version} score {f.score}{on}{comment}")
        out.append("")
    if detail.status_history:
        out += ["## Status history", ""]
        for c in detail.status_history:
            before = f"{c.from_status.value} -> " if c.from_status else ""
            who = f" by {c.by}" if c.by else ""
            out.append(f"- {c.at:%Y-%m-%d %H:%M:%S} {before}{c.to_status.value}{who}")
        out.append("")
    out += ["## Similar past incidents", ""]
    out += [s.describe() for s in similar] or ["None above the similarity threshold."]
    out.append("")
    text = "\n".join(out) + "\n"
    return text + _latest_report(detail, stored_report(detail))


def _latest_report(detail: IncidentDetail, report: Report | None) -> str:
    """The latest report rendered as `opslens triage` prints it, one heading level down."""
    if detail.report is None:
        return "_The report body of this incident was pruned; notes and root cause remain._\n"
    if report is None:  # stored by another version: shown as data, without its commands
        shown = {k: v for k, v in detail.report.items() if k not in ("commands", "needs_approval")}
        return "```json\n" + json.dumps(shown, indent=2) + "\n```\n"
    from opslens.report.markdown import render_markdown

    body = render_markdown(report)
    lines = [("#" + ln if ln.startswith("#") else ln) for ln in body.splitlines()]
    lines[0] = f"## Latest report (version {detail.latest_version})"
    return "\n".join(lines) + "\n"
