"""The walk an on-call engineer takes, in a real Chromium against a real server with its worker:
log in, drop the bundled example on New triage, follow the job to the incident, expand the
evidence, add a note, give feedback, mitigate, resolve with a root cause, export. Each step
checks what the page shows; screenshots at phone and laptop widths, light and dark, are saved
to tests/browser/screenshots/."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from browser_helpers import LAPTOP, PHONE, login, shoot
from server_helpers import TOKEN

from opslens.server import ServerSettings
from opslens.server.worker import start_worker
from opslens.store import Store


def _worker(state: Any) -> Callable[[], None]:
    return start_worker(state, poll=0.05, sweep_every=60).stop


def _drop_file(page: Any, selector: str, path: Path) -> None:
    """Drop `path` on `selector` the way a file dragged from the desktop arrives."""
    data = base64.b64encode(path.read_bytes()).decode()
    transfer = page.evaluate_handle(
        """([name, data]) => {
            const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name, {type: "application/gzip"}));
            return dt;
        }""", [path.name, data])
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def test_the_incident_walk(
    browser: Any, serve: Callable[..., str], store: Store, tmp_path: Path, example_archive: Path,
) -> None:
    settings = ServerSettings(tokens={"ops": TOKEN}, spool_dir=str(tmp_path / "spool"),
                              llm="none")
    base = serve(settings, store, background=(_worker,))
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # 1. Log in: every page sends an anonymous browser to the login form first.
    login(page, base)
    assert page.get_by_role("heading", name="Incidents").is_visible()
    assert "No incidents" in page.inner_text("main")

    # 2. New triage: drop the archive, watch it upload, follow the job to the incident.
    page.get_by_role("link", name="New triage").first.click()
    assert page.locator(".drop-hint").is_visible()  # the script announced drag and drop
    _drop_file(page, "#drop", example_archive)
    assert "cert-expiry.tar.gz" in page.inner_text("#chosen")
    shoot(page, "triage-laptop-light")
    page.get_by_role("button", name="Triage").click()
    page.wait_for_url(re.compile(r".*/incidents/INC-0001$"), timeout=90_000)

    # 3. The incident: summary, top hypothesis with its confidence, the timeline chart.
    assert "Expired TLS certificate breaks handshakes" in page.inner_text("h1")
    top = page.locator("article#h1")
    assert "cert-expiry" in top.inner_text()
    assert re.search(r"\b9\d% confidence", top.inner_text())
    assert page.locator("svg.timeline .chart-onset").count() == 1
    assert page.locator("svg.timeline .chart-mark").count() >= 5
    assert page.locator("svg.spark").count() == 2
    assert page.locator("code.cmd", has_text="kubectl -n shop get certificates").is_visible()
    assert page.locator(".checks .badge", has_text="read-only").first.is_visible()
    assert page.get_by_role("button", name="Copy status update").is_visible()

    # 4. Expand the evidence: verbatim lines, each with its file:line.
    evidence = top.locator("details.evidence")
    assert not evidence.locator("pre.line").first.is_visible()
    evidence.locator("summary").click()
    lines = evidence.locator("ol.lines li")
    assert lines.count() == 8
    assert "tls: bad certificate" in evidence.inner_text()
    assert re.search(r"\.log:\d+", lines.first.locator("code.source").inner_text())
    shoot(page, "incident-evidence-laptop-light")

    # 5. Add a note.
    page.get_by_label("Add a note").fill("Renewed the certificate by hand at 02:35.")
    page.get_by_label("Kind", exact=True).select_option("action")
    page.get_by_role("button", name="Add note").click()
    assert page.get_by_role("status").inner_text() == "Note added."
    assert "Renewed the certificate by hand at 02:35." in page.inner_text("ul.notes")

    # 6. Feedback on the top hypothesis: thumbs up with a comment.
    page.locator("article#h1").get_by_label("Feedback on this hypothesis").fill("spot on")
    page.locator("article#h1").get_by_role("button", name="Thumbs up: right").click()
    assert "feedback recorded" in page.get_by_role("status").inner_text()
    assert "score 5: spot on" in page.locator("article#h1 ul.given").inner_text()

    # 7. Mitigate, then resolve with the human root cause.
    page.get_by_role("button", name="Mark mitigated").click()
    assert page.locator("#status-badge").inner_text() == "mitigated"
    page.get_by_text("Resolve with the root cause").click()
    page.get_by_label("Category").select_option("cert-expiry")
    page.get_by_label("What happened").fill("The issuer secret was rotated; renewal failed.")
    page.get_by_label("Culprit").fill("Certificate/shop/inventory-tls")
    page.get_by_role("button", name="Resolve", exact=True).click()
    assert page.locator("#status-badge").inner_text() == "resolved"
    assert "The issuer secret was rotated" in page.inner_text("section.rootcause")
    assert "open → mitigated" in page.inner_text("ol.history")

    # 8. Export the post-incident draft: a Markdown download with the recorded root cause.
    with page.expect_download() as download:
        page.get_by_role("link", name="Export post-incident draft (Markdown)").click()
    saved = Path(download.value.path()).read_text()
    assert download.value.suggested_filename == "INC-0001-postmortem.md"
    assert "The issuer secret was rotated; renewal failed." in saved
    assert "Renewed the certificate by hand" in saved

    # 9. The list shows it resolved with the recorded category.
    page.get_by_role("link", name="Incidents").first.click()
    row = page.locator("table.incidents tbody tr").first
    assert "resolved" in row.inner_text() and "cert-expiry" in row.inner_text()
    assert dialogs == []
    _screenshots(browser, base, context)
    context.close()


def _screenshots(browser: Any, base: str, logged_in: Any) -> None:
    """The incident, list and triage pages at phone and laptop widths, light and dark."""
    cookies = logged_in.cookies()
    for scheme in ("light", "dark"):
        for name, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
            context = browser.new_context(viewport=viewport, color_scheme=scheme)
            context.add_cookies(cookies)
            page = context.new_page()
            for path, label in (("/incidents/INC-0001", "incident"), ("/incidents", "list"),
                                ("/triage", "triage")):
                page.goto(base + path)
                if label == "incident":
                    page.locator("article#h1 details.evidence summary").click()
                shoot(page, f"{label}-{name}-{scheme}")
            context.close()


def test_a_link_from_another_site_opens_the_page_without_a_new_login(
    browser: Any, serve: Callable[..., str], store: Store,
) -> None:
    """SameSite=Strict keeps the cookie off a cross-site navigation; the reload page brings
    the logged-in user to the incident anyway (and an anonymous one to the login form)."""
    from web_helpers import save_example

    save_example(store)
    base = serve(ServerSettings(tokens={"ops": TOKEN}, worker=False), store)
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    login(page, base)
    other = context.new_page()
    other.set_content(f'<a href="{base}/incidents/INC-0001">INC-0001 in the chat</a>')
    other.get_by_role("link").click()
    other.wait_for_url(f"{base}/incidents/INC-0001")
    assert "Expired TLS certificate" in other.inner_text("h1")
    context.close()
    anonymous = browser.new_context(viewport=LAPTOP).new_page()
    anonymous.set_content(f'<a href="{base}/incidents/INC-0001">INC-0001</a>')
    anonymous.get_by_role("link").click()
    anonymous.wait_for_url(f"{base}/login?next=/incidents/INC-0001")


def test_the_keyboard_alone_logs_in_and_opens_the_evidence(
    browser: Any, serve: Callable[..., str], store: Store,
) -> None:
    from web_helpers import save_example

    save_example(store)
    base = serve(ServerSettings(tokens={"ops": TOKEN}, worker=False), store)
    page = browser.new_context(viewport=LAPTOP).new_page()
    page.goto(f"{base}/incidents/INC-0001")
    # The token field takes the focus by itself (autofocus); on a busy machine only after
    # the page has settled, so wait for it rather than type into nothing.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'token'")
    page.keyboard.type(TOKEN)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/incidents/INC-0001")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => {
        const e = document.activeElement, r = e.getBoundingClientRect();
        return {text: e.textContent, visible: r.top >= 0 && r.width > 0,
                outline: getComputedStyle(e).outlineStyle};
    }""")
    assert focused == {"text": "Skip to content", "visible": True, "outline": "solid"}
    for _ in range(40):  # Tab on until the top hypothesis' evidence list has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('article#h1 details') !== null"):
            break
    else:
        raise AssertionError("the evidence of the top hypothesis is not reachable by Tab")
    page.keyboard.press("Enter")
    assert page.locator("article#h1 details.evidence").get_attribute("open") == ""
    assert page.locator("article#h1 pre.line").first.is_visible()
