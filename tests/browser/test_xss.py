"""Planted markup stays text in a real browser: after `<script>`, HTML tags and `javascript:`
links went in through an uploaded log, an Alertmanager alert and notes, and the worker
triaged both incidents, no dialog opens, no planted element exists, and the markup is shown
as the characters it is."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from browser_helpers import LAPTOP, login, shoot
from server_helpers import AM_TOKEN, TOKEN
from web_helpers import plant

from opslens.server import ServerSettings
from opslens.server.worker import start_worker
from opslens.store import Store


def _worker(state: Any) -> Callable[[], None]:
    return start_worker(state, poll=0.05, sweep_every=60).stop


def _wait_for_report(store: Store, ref: str) -> None:
    deadline = time.monotonic() + 90
    while store.get_incident(ref).report is None:
        assert time.monotonic() < deadline, f"{ref} was not triaged"
        time.sleep(0.2)


def test_planted_markup_stays_inert_in_the_browser(
    browser: Any, serve: Callable[..., str], store: Store, tmp_path: Path,
) -> None:
    settings = ServerSettings(tokens={"ops": TOKEN}, alertmanager_token=AM_TOKEN,
                              spool_dir=str(tmp_path / "spool"), llm="none")
    base = serve(settings, store, background=(_worker,))
    pages = plant(base, TOKEN, AM_TOKEN)
    _wait_for_report(store, "INC-0002")  # the alert's own triage, annotations and all

    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(page, base)
    for path in [*pages, "/incidents"]:
        page.goto(base + path)
        for summary in page.locator("summary").all():
            summary.click()  # open every evidence list, label list, timeline text
        for mark in page.locator("svg .chart-mark").all():
            mark.hover(force=True)  # show each tooltip: its text is planted too
        page.wait_for_timeout(200)
        planted = page.evaluate("""() => ({
            scripts: [...document.scripts].map(s => s.getAttribute('src')),
            images: document.querySelectorAll('img, iframe, object, embed').length,
            scriptLinks: [...document.querySelectorAll('[href], [src], [action]')]
                .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action'))
                .filter(v => /^\\s*(javascript|data):/i.test(v)).length,
            handlers: [...document.querySelectorAll('*')]
                .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
        })""")
        assert planted == {"scripts": ["/static/opslens.js"], "images": 0, "scriptLinks": 0,
                           "handlers": 0}, path
        if path != "/incidents":
            assert '<script>alert("xss")</script>' in page.inner_text("main"), path
        shoot(page, "xss" + path.replace("/", "-"))
    assert dialogs == []
    alert_page = page.goto(base + pages[1])
    assert alert_page is not None
    assert "Pod crash looping <script>" in page.inner_text("section[aria-labelledby=alerts]")
    assert page.get_by_role("link", name="Source graph").count() == 0
    context.close()
