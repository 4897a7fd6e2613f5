"""The web UI of `opslens serve`: server-rendered pages at `/`, readable without JavaScript.

`mount(app)` adds the pages, the static files (`/static`), the login redirect and the
security headers to an app built by `create_app`. Pages read the store and the report JSON
and start triages through the same job mechanism as the API; no analysis happens here.

Modules: `session` (signed cookie, CSRF), `deps` (route dependencies), `render` (Jinja2,
autoescaped), `views` (report -> what a page shows), `charts` (SVG timeline and sparklines),
`queries` (reads the pages need beyond `Store`), and one module of routes per area.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from opslens.server.web.deps import LoginRequired, PageError, WebState
from opslens.server.web.session import Signer

__all__ = ["SECURITY_HEADERS", "mount"]

STATIC = Path(__file__).parent / "static"

# No inline script or style anywhere: everything the pages run or style with comes from
# /static; images only from this site or data: (none today); no framing, no plugins.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
# The OpenAPI pages load Swagger UI / ReDoc from their CDN; the web UI's policy would break them.
_OWN_POLICY = ("/docs", "/redoc")


def mount(app: FastAPI) -> None:
    """Add the web UI to `app` (built by `create_app`, whose `app.state.opslens` it reads)."""
    from opslens.server.web import (
        auth_routes,
        incident_routes,
        list_routes,
        model_routes,
        triage_routes,
    )

    secret = app.state.opslens.settings.session_secret
    signer = Signer(secret.get_secret_value().encode() if secret is not None else None)
    app.state.opslens_web = WebState(signer=signer)
    for module in (auth_routes, list_routes, incident_routes, triage_routes, model_routes):
        app.include_router(module.router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(LoginRequired, _to_login)  # type: ignore[arg-type]
    app.add_exception_handler(PageError, _error_page)  # type: ignore[arg-type]
    app.add_middleware(SecurityHeaders)


def _to_login(request: Request, exc: LoginRequired) -> Response:
    """To the login page; but a link followed from another site (chat, a ticket) arrives
    without the SameSite=Strict cookie, so first reload the page from this site, which sends
    it: a logged-in user is not asked for the token again, and without a session the reload
    comes back here as same-origin and goes to login."""
    from opslens.server.web.auth_routes import safe_next

    target = safe_next(exc.next_path)
    if request.method == "GET" and request.headers.get("sec-fetch-site") == "cross-site":
        from opslens.server.web.render import page

        return page(request, "reload.html", None, target=target)
    return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)


def _error_page(request: Request, exc: PageError) -> Response:
    from opslens.server.web.render import page

    return page(request, "error.html", None, status_code=exc.status, message=exc.message)


class SecurityHeaders:
    """Adds `SECURITY_HEADERS` to every response but the OpenAPI pages' (which keep theirs)."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        self._raw = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_OWN_POLICY):
            await self._app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self._raw if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self._app(scope, receive, send_with_headers)
