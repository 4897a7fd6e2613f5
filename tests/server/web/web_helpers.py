"""What the web UI tests share (imported by name: `from web_helpers import ...`): logging in
over HTTP as a browser does, reading a form's CSRF token, and a stored example incident."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import httpx

from opslens.report.models import Report
from opslens.store import InputFile, InputManifest, Store

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "cert-expiry"
_CSRF = re.compile(r'name="csrf" value="([^"]*)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def log_in(base_url: str, token: str) -> httpx.Client:
    """A client holding a web session (cookies), as a browser after the login form."""
    client = httpx.Client(base_url=base_url, timeout=60)
    form = client.get("/login")
    answer = client.post("/login", data={"csrf": csrf_of(form.text), "token": token,
                                         "next": "/incidents"})
    assert answer.status_code == 303, answer.text
    return client


@lru_cache(maxsize=1)
def example_report() -> Report:
    """The bundled example triaged once per test session (facts only, no model)."""
    from opslens.pipeline import TriageOptions, run_triage

    outcome = run_triage(TriageOptions(paths=[str(EXAMPLE)], llm="none"))
    assert outcome.report is not None, outcome.error
    return outcome.report


def save_example(store: Store) -> str:
    """Store the example's report as a new incident; its ref."""
    manifest = InputManifest(files=[InputFile("cert-expiry", 1, "0" * 64)])
    return store.save_report(example_report(), manifest).ref


# --- planted markup (the XSS tests) ----------------------------------------------------------

#: Markup an attacker can get into a log line, an alert or a note: each part would run script
#: if a page printed it as HTML, or put it in a link.
XSS = ('<script>alert("xss")</script><img src=x onerror=alert(1)>'
       '<a href="javascript:alert(2)">click</a>')
XSS_LINK = "javascript:alert(3)"


def xss_bundle() -> bytes:
    """The example as a .tar.gz, with the planted markup in the inventory pod's first TLS
    handshake error: a line the top hypothesis cites as evidence."""
    import io
    import tarfile

    log = "cert-expiry/pods/shop_inventory-6c8d7b5f9-x7k2m_inventory.log"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path in sorted(EXAMPLE.rglob("*")):
            name = f"cert-expiry/{path.relative_to(EXAMPLE)}"
            if path.is_dir():
                continue
            data = path.read_bytes()
            if name == log:
                planted = (f"2025/09/01 02:00:02 http: TLS handshake error from {XSS}: "
                           "remote error: tls: bad certificate\n")
                data = planted.encode() + data
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def xss_alerts() -> dict[str, object]:
    """An Alertmanager delivery with the markup in its annotations and a script link."""
    from server_helpers import alertmanager_payload

    payload = alertmanager_payload(fingerprints=("x55",))
    alert = payload["alerts"][0]  # type: ignore[index]
    alert["annotations"] = {"summary": f"Pod crash looping {XSS}", "description": XSS}
    alert["labels"]["pod"] = XSS
    alert["generatorURL"] = XSS_LINK
    return payload


def plant(base_url: str, token: str, am_token: str) -> list[str]:
    """Plant the markup through the three doors: an uploaded log (New triage), an alert
    (the webhook) and a note on each incident; returns the incidents' pages."""
    import time

    web = log_in(base_url, token)
    form = web.get("/triage").text
    answer = web.post("/triage", data={"csrf": csrf_of(form), "narrative": "none"},
                      files={"files": ("bundle.tar.gz", xss_bundle())})
    deadline = time.monotonic() + 90
    job = answer.headers.get("location", "")
    while job.startswith("/jobs/"):  # the worker runs it: the job page redirects when done
        assert time.monotonic() < deadline, "the upload job did not finish"
        answer = web.get(job)
        if answer.status_code == 303:
            break
        time.sleep(0.2)
    assert answer.status_code == 303, answer.text
    uploaded = answer.headers["location"]
    delivered = httpx.post(f"{base_url}/api/v1/alerts/alertmanager", json=xss_alerts(),
                           headers={"Authorization": f"Bearer {am_token}"})
    assert delivered.status_code < 300, delivered.text
    # With a worker beside the app, the worker correlates the stored alert (within 0.25 s).
    while web.get("/incidents/INC-0002").status_code == 404:
        assert time.monotonic() < deadline, "the alert was not correlated into an incident"
        time.sleep(0.1)
    pages = [uploaded, "/incidents/INC-0002"]
    for page in pages:
        csrf = csrf_of(web.get(page).text)
        assert web.post(f"{page}/notes", data={"csrf": csrf, "text": XSS}).status_code == 303
    return pages
