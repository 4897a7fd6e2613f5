"""Rendering pages: one Jinja2 environment with autoescaping on for every template.

Report text, evidence lines, alert annotations and notes are attacker-controlled: templates
print them with `{{ }}` (escaped) and never with `|safe`. The only `Markup` that reaches a
template is built in `charts`, whose parts are escaped there.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from opslens.server.web.session import Session

__all__ = ["environment", "incident_url", "page", "when"]

# Each page's title and the navigation it belongs to.
NAV = (("/incidents", "Incidents"), ("/triage", "New triage"), ("/models", "Models"),
       ("/evaluations", "Evaluations"))


def incident_url(ref: str, suffix: str = "") -> str:
    """The page of incident `ref` (always a path on this site, whatever the ref holds)."""
    return f"/incidents/{quote(ref, safe='')}{suffix}"


def when(value: datetime | str | None, missing: str = "unknown") -> str:
    """A time as `2025-09-01 02:00:01 UTC` (the UI shows UTC, as the reports do)."""
    if value is None:
        return missing
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def duration(seconds: float | None) -> str:
    """`1h 05m`, `12m`, `40s`; an em dash when unknown."""
    if seconds is None or seconds < 0:
        return "—"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m" if minutes else f"{secs}s"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The templates of this package, autoescaped (also for `.svg` and `.txt` names)."""
    env = Environment(
        loader=PackageLoader("opslens.server.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(nav=NAV, incident_url=incident_url)
    env.filters.update(when=when, duration=duration, percent=percent)
    return env


def page(
    request: Request, template: str, session: Session | None, *, status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render `template` with the session's CSRF token and the current path for the nav."""
    html = environment().get_template(template).render(
        csrf=session.csrf if session else "", user=session.token_name if session else None,
        path=request.url.path, **context,
    )
    return HTMLResponse(html, status_code=status_code)
