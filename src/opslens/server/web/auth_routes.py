"""Login and logout. The token is posted once; the browser keeps only the signed session.

Cookies are HttpOnly (no script reads them), SameSite=Strict (never sent on a request another
site starts), and Secure when the page was served over https (directly, or behind a proxy
uvicorn trusts with --forwarded-allow-ips).
"""

from __future__ import annotations

import logging
import time

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from opslens.server.auth import match_token
from opslens.server.state import get_state
from opslens.server.web.deps import CheckedForm, PageError, web_state
from opslens.server.web.render import page
from opslens.server.web.session import LOGIN_COOKIE, SESSION_COOKIE, SESSION_SECONDS, Signer

__all__ = ["router", "safe_next"]

log = logging.getLogger("opslens.server.web")
router = APIRouter()
_LOGIN_SECONDS = 3600


def safe_next(value: str | None) -> str:
    """Where to go after login: a path on this site only (no `//host`, no scheme), else `/`."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/incidents"
    return value


def _cookie(response: Response, request: Request, name: str, value: str, seconds: int) -> None:
    response.set_cookie(
        name, value, max_age=seconds, path="/", httponly=True, samesite="strict",
        secure=request.url.scheme == "https",
    )


def _login_page(request: Request, next_path: str, error: str | None, status: int) -> Response:
    signer = web_state(request).signer
    nonce = signer.login_nonce()
    response = page(request, "login.html", None, status_code=status, next=safe_next(next_path),
                    login_csrf=signer.login_csrf(nonce), error=error,
                    configured=bool(web_state(request).tokens(get_state(request))))
    _cookie(response, request, LOGIN_COOKIE, nonce, _LOGIN_SECONDS)
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/incidents") -> Response:  # noqa: A002
    """The login page (a fresh login nonce each time it is shown)."""
    return _login_page(request, next, None, 200)


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the token; on success set the session cookie and go to `next`."""
    form = await request.form()
    signer = web_state(request).signer
    nonce = request.cookies.get(LOGIN_COOKIE) or ""
    given = form.get("csrf")
    next_path = safe_next(str(form.get("next") or ""))
    if not nonce or not isinstance(given, str) or not Signer.same(given, signer.login_csrf(nonce)):
        raise PageError(403, "The login form expired or came from elsewhere: reload it and retry.")
    tokens = web_state(request).tokens(get_state(request))
    presented = str(form.get("token") or "").strip()
    name = match_token(presented, tokens) if presented else None
    if name is None:
        log.info("web login refused: unknown token")
        return _login_page(request, next_path, "That token is not valid here.", 401)
    log.info("web login by token %r", name)
    response = RedirectResponse(next_path, status_code=303)
    _cookie(response, request, SESSION_COOKIE,
            signer.issue(name, tokens[name], int(time.time())), SESSION_SECONDS)
    response.delete_cookie(LOGIN_COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.post("/logout")
def logout(request: Request, form: CheckedForm) -> Response:
    """Forget the session cookie (its signature stays valid until it expires, so a copy of it
    would too: restart the server or change the token to end every session)."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response
