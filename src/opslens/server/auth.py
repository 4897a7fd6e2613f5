"""Bearer-token authentication for every `/api/...` and `/v1/...` route.

The presented token is compared with `hmac.compare_digest` against every configured token
(all of them, so the time taken does not tell which one nearly matched). The matched token's
*name* is logged and kept on `request.state.token_name`; the token itself never is.
"""

from __future__ import annotations

import hmac
import logging

from fastapi import HTTPException, Request, status

from opslens.server.settings import ServerSettings

__all__ = ["TokenAuth", "match_token"]

log = logging.getLogger("opslens.server.auth")

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def match_token(presented: str, tokens: dict[str, str]) -> str | None:
    """The name of the configured token equal to `presented`, compared in constant time."""
    given = presented.encode()
    matched: str | None = None
    for name, token in tokens.items():
        if hmac.compare_digest(given, token.encode()) and matched is None:
            matched = name
    return matched


class TokenAuth:
    """FastAPI dependency: `Depends(TokenAuth(settings))` on a router; returns the token name."""

    def __init__(self, settings: ServerSettings) -> None:
        self._tokens = settings.named_tokens()

    async def __call__(self, request: Request) -> str:
        """The token's name; 401 otherwise. A coroutine: checked on the event loop, with no
        thread hop per request (see `state.app_state`)."""
        if not self._tokens:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "no API token is configured on this server (set OPSLENS_API_TOKEN)",
                headers=_CHALLENGE,
            )
        header = request.headers.get("authorization", "")
        scheme, _, presented = header.partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, "missing bearer token", headers=_CHALLENGE
            )
        name = match_token(presented.strip(), self._tokens)
        if name is None:
            log.info("rejected a request to %s: unknown token", request.url.path)
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, "invalid bearer token", headers=_CHALLENGE
            )
        request.state.token_name = name
        log.debug("%s %s by token %r", request.method, request.url.path, name)
        return name
