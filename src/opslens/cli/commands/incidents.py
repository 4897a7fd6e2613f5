"""`opslens incidents list|show|note|resolve|feedback|export`: the incident store by hand.

Thin: options -> `Store` -> render. Reports are saved by `opslens triage --save`; the
post-incident draft is built by `opslens.store.postmortem`.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from opslens.cli.app import app
from opslens.cli.console import fail, info
from opslens.cli.store_access import DbOption, one_line_errors, opened, time_option
from opslens.store.records import IncidentStatus, NoteKind, parse_enum

if TYPE_CHECKING:
    from opslens.store.records import IncidentDetail, IncidentSummary

incidents_app = typer.Typer(
    help="Saved incidents: list, show, add notes and feedback, resolve, export a draft review.",
    no_args_is_help=True,
)
app.add_typer(incidents_app, name="incidents")

RefArgument = Annotated[
    str, typer.Argument(metavar="REF", help="Incident reference, e.g. INC-0001.")
]


AtOption = Annotated[
    str | None,
    typer.Option(
        "--at", metavar="T", help="When it happened, if not now (ISO 8601, or 2h = 2h ago)."
    ),
]


class ListFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


class DocFormat(StrEnum):
    MARKDOWN = "markdown"
    JSON = "json"


@incidents_app.command("list")
def list_command(
    status: Annotated[
        str | None,
        typer.Option("--status", metavar="S", help="Only incidents in this status (open, ...)."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="T", help="Started at or after T (ISO 8601, or 7d = 7 days ago)."
        ),
    ] = None,
    fmt: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.TABLE,
    db: DbOption = None,
) -> None:
    """List incidents, newest first."""
    with one_line_errors():
        start = time_option(since, "--since")
        wanted = parse_enum(IncidentStatus, status, "--status") if status else None
    with opened(db) as store:
        rows = store.list_incidents(status=wanted, since=start)
    if fmt is ListFormat.JSON:
        typer.echo(json.dumps([r.to_dict() for r in rows], indent=2))
    elif not rows:
        info(
            "no incidents"
            + (" match" if status or since else " saved yet (opslens triage PATH --save)")
        )
    else:
        typer.echo(_table(rows))


def _table(rows: list[IncidentSummary]) -> str:
    cells = [("REF", "STATUS", "SEVERITY", "CATEGORY", "STARTED", "TITLE")]
    for r in rows:
        started = r.started_at.strftime("%Y-%m-%d %H:%M") if r.started_at else "-"
        cells.append(
            (r.ref, r.status.value, r.severity or "-", r.category or "-", started, r.title)
        )
    widths = [max(len(row[i]) for row in cells) for i in range(5)]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row[:5], widths, strict=True)) + "  " + row[5]
        for row in cells
    )


@incidents_app.command("show")
def show_command(
    ref: RefArgument,
    fmt: Annotated[
        DocFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DocFormat.MARKDOWN,
    db: DbOption = None,
) -> None:
    """Show an incident: root cause, notes, feedback, history, similar ones, latest report."""
    from opslens.store.show import show_json, show_markdown

    with opened(db) as store:
        detail = store.get_incident(ref)
        similar = store.similar(ref)
    if fmt is DocFormat.JSON:
        typer.echo(json.dumps(show_json(detail, similar), indent=2))
    else:
        typer.echo(show_markdown(detail, similar), nl=False)


@incidents_app.command("note")
def note_command(
    ref: RefArgument,
    text: Annotated[str, typer.Argument(help="The note (secrets are redacted before storing).")],
    kind: Annotated[
        str, typer.Option("--kind", help="note, action (an action item) or decision.")
    ] = NoteKind.NOTE.value,
    db: DbOption = None,
) -> None:
    """Add a note, an action item or a decision to an incident."""
    if not text.strip():
        fail("the note is empty")
    with one_line_errors():
        checked = parse_enum(NoteKind, kind, "--kind")
    with opened(db) as store:
        store.add_note(ref, text, kind=checked)
    info(f"{checked.value} added to {ref}")


@incidents_app.command("resolve")
def resolve_command(
    ref: RefArgument,
    category: Annotated[
        str,
        typer.Option(
            "--category", help="Root-cause category from the taxonomy (e.g. cert-expiry)."
        ),
    ],
    summary: Annotated[
        str, typer.Option("--summary", help="What broke and what fixed it, in a sentence or two.")
    ],
    culprit: Annotated[
        str | None,
        typer.Option(
            "--culprit",
            metavar="KIND/NAMESPACE/NAME",
            help="What failed, e.g. Deployment/shop/inventory.",
        ),
    ] = None,
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    """Record the human root cause and mark the incident resolved."""
    from opslens.taxonomy import category as taxonomy_category

    with one_line_errors():
        checked = taxonomy_category(category).value
        when = time_option(at, "--at")
    if culprit is not None:
        _check_culprit(culprit)
    if not summary.strip():
        fail("--summary is empty")
    with opened(db) as store:
        store.resolve(ref, checked, culprit, summary, at=when)
    info(f"{ref} resolved ({checked})")


@incidents_app.command("status")
def status_command(
    ref: RefArgument,
    status: Annotated[str, typer.Argument(help="open, mitigated, resolved or closed.")],
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    """Change an incident's status (e.g. mitigated), recorded in its history."""
    with one_line_errors():
        when = time_option(at, "--at")
        checked = parse_enum(IncidentStatus, status, "STATUS")
    with opened(db) as store:
        store.set_status(ref, checked, at=when)
    info(f"{ref} is {checked.value}")


def _check_culprit(culprit: str) -> None:
    parts = culprit.split("/")
    if len(parts) not in (2, 3) or not all(p.strip() for p in parts):
        fail(
            f"--culprit: {culprit!r} is not KIND/NAMESPACE/NAME "
            "(or KIND/NAME for a cluster-wide object)"
        )


@incidents_app.command("feedback")
def feedback_command(
    ref: RefArgument,
    score: Annotated[
        int,
        typer.Option("--score", help="How useful the latest report was: 1 (wrong) to 5 (spot on)."),
    ],
    hypothesis: Annotated[
        str | None,
        typer.Option(
            "--hypothesis",
            metavar="K",
            help="The hypothesis judged: its number (1 = top) or category.",
        ),
    ] = None,
    comment: Annotated[
        str | None, typer.Option("--comment", help="Free text (redacted before storing).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Score the latest report of an incident (optionally one hypothesis of it)."""
    if not 1 <= score <= 5:
        fail(f"--score: {score} is out of range (1 to 5)")
    with opened(db) as store:
        if hypothesis is not None:
            _check_hypothesis(hypothesis, store.get_incident(ref))
        store.add_feedback(ref, score, hypothesis=hypothesis, comment=comment)
    info(f"feedback recorded on {ref}")


def _check_hypothesis(key: str, detail: IncidentDetail) -> None:
    """K is a 1-based index into the latest report's hypotheses, or one of their categories."""
    hypotheses = (detail.report or {}).get("hypotheses", [])
    categories = [h.get("category") for h in hypotheses]
    if key.isdigit():
        if not 1 <= int(key) <= len(hypotheses):
            fail(f"--hypothesis: {ref_of(detail)} has {len(hypotheses)} hypotheses, not {key}")
    elif key not in categories:
        known = ", ".join(str(c) for c in categories) or "none"
        fail(f"--hypothesis: {key!r} is not a hypothesis of {ref_of(detail)} (categories: {known})")


def ref_of(detail: IncidentDetail) -> str:
    return f"{detail.ref} (version {detail.latest_version})"


@incidents_app.command("export")
def export_command(
    ref: RefArgument,
    fmt: Annotated[
        DocFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DocFormat.MARKDOWN,
    db: DbOption = None,
) -> None:
    """Print a post-incident review draft (Markdown, or JSON with the times tools import)."""
    from opslens.store.postmortem import draft, to_json, to_markdown

    with opened(db) as store:
        pm = draft(store.get_incident(ref), store.similar(ref))
    typer.echo(to_json(pm) if fmt is DocFormat.JSON else to_markdown(pm), nl=False)
