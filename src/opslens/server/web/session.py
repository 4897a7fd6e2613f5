"""Web sessions and CSRF tokens: the API token is entered once on the login page and never
stored in the browser.

The session cookie holds `v1.<name>.<issued>.<nonce>.<mac>`: the *name* of the token that
logged in (base64url), when, a random nonce, and an HMAC-SHA256 under a secret made when the
app starts. The MAC also covers a digest of the token itself, so changing or removing a
configured token ends its sessions at once; restarting the server ends all of them (the
secret lives only in memory). A stolen cookie is worth at most `SESSION_SECONDS`.

The CSRF token of a session is the HMAC of its nonce under the same secret: a form posted
from another site cannot know it (SameSite=Strict is a second line, not the only one). The
login form, which has no session yet, is protected the same way by a short-lived
`opslens_login` cookie whose nonce the form must echo as its MAC.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

__all__ = [
    "LOGIN_COOKIE", "SESSION_COOKIE", "SESSION_SECONDS", "Session", "Signer",
]

SESSION_COOKIE = "opslens_session"
LOGIN_COOKIE = "opslens_login"
SESSION_SECONDS = 12 * 3600
_VERSION = "v1"


@dataclass(frozen=True)
class Session:
    """A logged-in browser: which token it used, and its CSRF token."""

    token_name: str
    issued: int
    csrf: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Makes and checks session cookies and CSRF tokens with one per-process secret."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def _mac(self, *parts: str) -> str:
        message = "\x1f".join(parts).encode()
        return _b64(hmac.new(self._secret, message, hashlib.sha256).digest())

    @staticmethod
    def _token_digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def issue(self, token_name: str, token: str, now: int) -> str:
        """A new session cookie value for `token_name` (whose value is `token`)."""
        name = _b64(token_name.encode())
        nonce = secrets.token_urlsafe(18)
        mac = self._mac(_VERSION, name, str(now), nonce, self._token_digest(token))
        return ".".join((_VERSION, name, str(now), nonce, mac))

    def verify(self, cookie: str | None, tokens: dict[str, str], now: int) -> Session | None:
        """The session a cookie stands for; None when absent, forged, expired, or its token
        is no longer configured with the same value."""
        if not cookie:
            return None
        parts = cookie.split(".")
        if len(parts) != 5 or parts[0] != _VERSION or not parts[2].isdigit():
            return None
        _, name, issued, nonce, mac = parts
        try:
            token_name = _unb64(name).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        token = tokens.get(token_name)
        if token is None:
            return None
        expected = self._mac(_VERSION, name, issued, nonce, self._token_digest(token))
        if not hmac.compare_digest(mac, expected):
            return None
        if not 0 <= now - int(issued) <= SESSION_SECONDS:
            return None
        return Session(token_name, int(issued), self._mac("csrf", nonce))

    def login_nonce(self) -> str:
        """The random value of the login cookie."""
        return secrets.token_urlsafe(18)

    def login_csrf(self, nonce: str) -> str:
        """What the login form must echo for the login cookie `nonce`."""
        return self._mac("login", nonce)

    @staticmethod
    def same(given: str | None, expected: str) -> bool:
        """Constant-time comparison of a submitted token with the expected one."""
        return bool(given) and hmac.compare_digest(str(given), expected)
