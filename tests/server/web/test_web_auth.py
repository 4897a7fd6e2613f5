"""Login and sessions over real HTTP: every page needs a session, the cookie is HttpOnly and
SameSite=Strict and does not hold the token, and a forged or stale session is refused."""

from __future__ import annotations

import re

import httpx
import pytest
from server_helpers import AM_TOKEN, TOKEN
from web_helpers import csrf_of, log_in

from opslens.server.web.auth_routes import safe_next
from opslens.server.web.session import SESSION_SECONDS, Signer

PAGES = ["/", "/incidents", "/incidents/INC-0001", "/triage", "/jobs/1", "/models",
         "/evaluations", "/incidents/INC-0001/export.md"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_an_anonymous_browser_to_login(base_url: str, path: str) -> None:
    answer = httpx.get(base_url + path)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/login?next={path}"


def test_the_session_cookie_is_httponly_strict_and_not_the_token(base_url: str) -> None:
    client = httpx.Client(base_url=base_url)
    form = client.get("/login")
    answer = client.post("/login", data={"csrf": csrf_of(form.text), "token": TOKEN,
                                         "next": "/models"})
    assert answer.status_code == 303 and answer.headers["location"] == "/models"
    cookie = next(c for c in answer.headers.get_list("set-cookie")
                  if c.startswith("opslens_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie  # plain http on loopback; https adds it
    assert TOKEN not in cookie
    assert f"Max-Age={SESSION_SECONDS}" in cookie
    assert client.get("/incidents").status_code == 200


def test_a_wrong_token_gets_no_session(base_url: str) -> None:
    client = httpx.Client(base_url=base_url)
    form = client.get("/login")
    answer = client.post("/login", data={"csrf": csrf_of(form.text), "token": "guess"})
    assert answer.status_code == 401
    assert "not valid" in answer.text
    assert "opslens_session" not in answer.headers.get("set-cookie", "")
    assert client.get("/incidents").status_code == 303


def test_the_alertmanager_token_cannot_open_the_web_ui(base_url: str) -> None:
    client = httpx.Client(base_url=base_url)
    form = client.get("/login")
    answer = client.post("/login", data={"csrf": csrf_of(form.text), "token": AM_TOKEN})
    assert answer.status_code == 401


def test_login_without_its_form_cookie_is_refused(base_url: str) -> None:
    """Login CSRF: a form posted from elsewhere has no `opslens_login` cookie to match."""
    answer = httpx.post(base_url + "/login", data={"csrf": "x", "token": TOKEN})
    assert answer.status_code == 403
    assert "opslens_session" not in answer.headers.get("set-cookie", "")


def test_a_tampered_session_cookie_is_refused(base_url: str) -> None:
    client = log_in(base_url, TOKEN)
    value = client.cookies["opslens_session"]
    forged = re.sub(r"\.b3Bz\.", ".Y2k.", value)  # "ops" -> "ci", the MAC unchanged
    assert forged != value
    other = httpx.Client(base_url=base_url, cookies={"opslens_session": forged})
    assert other.get("/incidents").status_code == 303


def test_a_session_ends_when_its_token_changes_or_expires() -> None:
    signer = Signer()
    cookie = signer.issue("ops", "old-token", now=1000)
    assert signer.verify(cookie, {"ops": "old-token"}, now=1001) is not None
    assert signer.verify(cookie, {"ops": "new-token"}, now=1001) is None
    assert signer.verify(cookie, {}, now=1001) is None
    assert signer.verify(cookie, {"ops": "old-token"}, now=1000 + SESSION_SECONDS + 1) is None
    assert Signer().verify(cookie, {"ops": "old-token"}, now=1001) is None  # a restart


@pytest.mark.parametrize(("given", "expected"), [
    ("/incidents/INC-0002", "/incidents/INC-0002"),
    ("//evil.example/x", "/incidents"),
    ("https://evil.example/", "/incidents"),
    ("/\\evil.example", "/incidents"),
    ("", "/incidents"),
])
def test_after_login_only_paths_on_this_site(given: str, expected: str) -> None:
    assert safe_next(given) == expected


def test_logout_forgets_the_session(base_url: str) -> None:
    client = log_in(base_url, TOKEN)
    page = client.get("/incidents")
    assert client.post("/logout", data={}).status_code == 403  # no CSRF token: refused
    answer = client.post("/logout", data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert client.get("/incidents").status_code == 303


def test_pages_carry_the_security_headers(base_url: str) -> None:
    answer = httpx.get(base_url + "/login")
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"
    assert "<script>" not in answer.text  # no inline script: only /static/opslens.js
    assert "content-security-policy" not in httpx.get(base_url + "/docs").headers


def test_a_link_followed_from_another_site_reloads_from_this_one_first(base_url: str) -> None:
    """The Strict cookie is not sent on a cross-site navigation: the page reloads itself from
    this site (which sends it) instead of asking a logged-in user for the token again."""
    client = log_in(base_url, TOKEN)
    cross = {"sec-fetch-site": "cross-site"}
    answer = httpx.get(base_url + "/incidents/INC-0001", headers=cross)  # no cookie sent
    assert answer.status_code == 200
    assert '<meta http-equiv="refresh" content="0; url=/incidents/INC-0001">' in answer.text
    assert client.get("/incidents", headers={"sec-fetch-site": "same-origin"}).status_code == 200
    again = httpx.get(base_url + "/incidents", headers={"sec-fetch-site": "same-origin"})
    assert again.status_code == 303 and again.headers["location"].startswith("/login")
