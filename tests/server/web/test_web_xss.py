"""Planted markup renders inert: `<script>`, HTML tags and `javascript:` links put into log
lines (an uploaded bundle), alert annotations, labels and links (the Alertmanager webhook)
and notes come out escaped on every page, and no link points at script. (In a real browser:
tests/browser/test_xss.py.)"""

from __future__ import annotations

from html.parser import HTMLParser

import httpx
from markupsafe import escape
from server_helpers import AM_TOKEN, TOKEN
from web_helpers import XSS, log_in, plant

from opslens.store import Store


class _Tags(HTMLParser):
    """Every element a browser would build from the page, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def _assert_inert(page: str) -> None:
    """No planted element exists: the only script is ours, no <img>, no handler attribute,
    no link or form to `javascript:`."""
    parser = _Tags()
    parser.feed(page)
    scripts = [attrs.get("src") for tag, attrs in parser.found if tag == "script"]
    assert scripts == ["/static/opslens.js"]
    assert not [tag for tag, _ in parser.found if tag in ("img", "iframe", "object", "embed")]
    for tag, attrs in parser.found:
        assert not [name for name in attrs if name.startswith("on")], tag
        for name in ("href", "src", "action", "formaction"):
            assert not (attrs.get(name) or "").strip().lower().startswith(("javascript:", "data:"))


def test_planted_markup_is_escaped_on_every_page(base_url: str, store: Store) -> None:
    pages = plant(base_url, TOKEN, AM_TOKEN)
    web = log_in(base_url, TOKEN)
    escaped = str(escape(XSS))
    uploaded = web.get(pages[0]).text
    _assert_inert(uploaded)
    assert escaped in uploaded  # the evidence line and the note, shown as text
    assert uploaded.count(str(escape('<script>alert("xss")</script>'))) >= 2
    alerted = web.get(pages[1]).text
    _assert_inert(alerted)
    assert str(escape(f"Pod crash looping {XSS}")) in alerted  # the annotation, as text
    assert "Source graph" not in alerted  # the javascript: generator URL is not a link
    for other in ("/incidents", "/models"):
        _assert_inert(web.get(other).text)
    # The export is Markdown served as a download with nosniff: never rendered as HTML here.
    export = web.get(pages[0] + "/export.md")
    assert export.headers["content-type"].startswith("text/markdown")
    assert export.headers["x-content-type-options"] == "nosniff"


def test_the_api_keeps_the_text_verbatim(base_url: str, store: Store) -> None:
    """Escaping is the page's business: the store and the API keep what was written."""
    plant(base_url, TOKEN, AM_TOKEN)
    notes = store.get_incident("INC-0001").notes
    assert [n.text for n in notes] == [XSS]
    shown = httpx.get(f"{base_url}/api/v1/incidents/INC-0001",
                      headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert shown["notes"][0]["text"] == XSS
