"""What every web route depends on: the web state, the logged-in session, and the CSRF check.

A page without a valid session raises `LoginRequired`, which `mount` turns into a redirect to
the login page; a POST whose `csrf` field does not match the session's token is a 403.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from opslens.server.state import AppState, app_state, get_state
from opslens.server.web.session import SESSION_COOKIE, Session, Signer

__all__ = [
    "CheckedForm", "CurrentSession", "LoginRequired", "PageError", "State", "WebState", "checked_form",
    "current_session", "web_state",
]

# The Alertmanager token may post alerts, not read incidents: it never opens a web session.
WEBHOOK_TOKEN_NAME = "alertmanager"


@dataclass
class WebState:
    """The web UI's own state, beside the app's `AppState`: the session signer."""

    signer: Signer

    def tokens(self, app: AppState) -> dict[str, str]:
        """The tokens that may log in to the web UI, by name."""
        named = app.settings.named_tokens()
        named.pop(WEBHOOK_TOKEN_NAME, None)
        return named


class LoginRequired(Exception):
    """No valid session: the browser is sent to the login page (then back to `next`)."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.opslens_web
    return state


State = Annotated[AppState, Depends(app_state)]


def current_session(request: Request) -> Session:
    """The session of the request's cookie, else LoginRequired."""
    web = web_state(request)
    app = get_state(request)
    session = web.signer.verify(
        request.cookies.get(SESSION_COOKIE), web.tokens(app), int(time.time())
    )
    if session is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target if request.method == "GET" else "/")
    request.state.token_name = session.token_name
    return session


class PageError(Exception):
    """An error shown as a page (not the API's JSON): `status` and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


CurrentSession = Annotated[Session, Depends(current_session)]


async def checked_form(request: Request, session: CurrentSession) -> FormData:
    """The posted form, once its `csrf` field matches the session's token (403 otherwise)."""
    form = await request.form()
    given = form.get("csrf")
    if not isinstance(given, str) or not Signer.same(given, session.csrf):
        raise PageError(403, "The form's CSRF token is missing or wrong: reload the page and retry.")
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]
