"""The pages over real HTTP: what the list, the incident page, its forms, the export, New
triage, the job page and the models page show and do."""

from __future__ import annotations

import io
import re
import tarfile
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from server_helpers import TOKEN
from web_helpers import EXAMPLE, csrf_of, log_in, save_example

from opslens.server import ServerSettings
from opslens.store import LLMCallRecord, Store
from opslens.store.jobs import enqueue_upload


@pytest.fixture
def web(base_url: str) -> httpx.Client:
    return log_in(base_url, TOKEN)


def _rows(html: str) -> list[str]:
    return re.findall(r'<strong>(INC-\d{4})</strong>', html)


def test_the_list_shows_each_incidents_columns_and_refreshes_itself(
    web: httpx.Client, store: Store,
) -> None:
    save_example(store)
    page = web.get("/incidents").text
    assert _rows(page) == ["INC-0001"]
    assert "Expired TLS certificate breaks handshakes" in page
    assert "status-open" in page and "critical" in page
    assert "2025-09-01 02:00:01 UTC" in page
    assert "cert-expiry" in page and "91%" in page  # top hypothesis and its confidence
    assert re.search(r'data-label="Alerts" class="num">3<', page)
    assert '<meta http-equiv="refresh" content="30">' in page


def test_the_list_filters_by_status_and_namespace(web: httpx.Client, store: Store) -> None:
    save_example(store)
    save_example(store)
    store.set_status("INC-0002", "mitigated")
    assert _rows(web.get("/incidents", params={"status": "mitigated"}).text) == ["INC-0002"]
    assert _rows(web.get("/incidents", params={"status": "open"}).text) == ["INC-0001"]
    assert len(_rows(web.get("/incidents", params={"namespace": "shop"}).text)) == 2
    assert _rows(web.get("/incidents", params={"namespace": "payments"}).text) == []
    assert web.get("/incidents", params={"status": "bogus"}).status_code == 400


def test_the_incident_page_shows_the_brief(web: httpx.Client, store: Store) -> None:
    save_example(store)
    page = web.get("/incidents/INC-0001").text
    assert 'id="status-update"' in page and 'data-copy="status-update"' in page
    top = page[page.index('id="h1"'):page.index('id="h2"')]
    assert "91% confidence" in top and '<rect class="bar-fill" width="91"' in top
    assert "<details class=\"evidence\">" in top
    assert re.search(r'<code class="source">[^<]*shop_inventory[^<]*\.log:\d+</code>', top)
    assert "tls: bad certificate" in top
    assert page.count('class="chart-mark') >= 5 and 'class="chart-onset"' in page
    assert page.count('<svg class="chart spark"') == 2
    assert re.search(r'kubectl -n shop get certificates</code>\s*<span class="badge ok"', page)
    assert "Avoid" in page and "insecureSkipVerify" in page
    assert "Similar past incidents" in page


def test_notes_feedback_and_resolve_are_recorded(web: httpx.Client, store: Store) -> None:
    save_example(store)
    csrf = csrf_of(web.get("/incidents/INC-0001").text)
    url = "/incidents/INC-0001"
    answer = web.post(f"{url}/notes", data={"csrf": csrf, "text": "renewed", "kind": "action"})
    assert answer.headers["location"] == f"{url}?done=note#notes"
    web.post(f"{url}/feedback", data={"csrf": csrf, "score": "5", "hypothesis": "1",
                                      "comment": "right"})
    web.post(f"{url}/status", data={"csrf": csrf, "status": "mitigated"})
    web.post(f"{url}/resolve", data={"csrf": csrf, "category": "cert-expiry",
                                     "summary": "issuer secret rotated",
                                     "culprit": "Certificate/shop/inventory-tls",
                                     "at": "2025-09-01T02:40:00"})
    detail = store.get_incident("INC-0001")
    assert [(n.kind.value, n.text, n.author) for n in detail.notes] == [
        ("action", "renewed", "web:ops")]
    assert [(f.score, f.hypothesis, f.comment) for f in detail.feedback] == [(5, "1", "right")]
    assert [c.to_status.value for c in detail.status_history] == ["open", "mitigated", "resolved"]
    assert detail.human_category == "cert-expiry"
    assert detail.resolved_at == datetime(2025, 9, 1, 2, 40, tzinfo=UTC)
    page = web.get(f"{url}?done=resolved").text
    assert "Resolved, with the root cause recorded." in page and "issuer secret rotated" in page


@pytest.mark.parametrize(("form", "message"), [
    ({"category": "not-a-category", "summary": "x"}, "unknown root-cause category"),
    ({"category": "oom", "summary": "x", "culprit": "just-a-name"}, "is not KIND/NAMESPACE/NAME"),
    ({"category": "oom", "summary": ""}, "say what the root cause was"),
])
def test_a_refused_resolve_says_why_and_changes_nothing(
    web: httpx.Client, store: Store, form: dict[str, str], message: str,
) -> None:
    save_example(store)
    csrf = csrf_of(web.get("/incidents/INC-0001").text)
    answer = web.post("/incidents/INC-0001/resolve", data={"csrf": csrf, **form})
    assert answer.status_code == 400
    assert message in answer.text
    assert store.get_incident("INC-0001").status.value == "open"


def test_feedback_names_an_existing_hypothesis(web: httpx.Client, store: Store) -> None:
    save_example(store)
    csrf = csrf_of(web.get("/incidents/INC-0001").text)
    answer = web.post("/incidents/INC-0001/feedback",
                      data={"csrf": csrf, "score": "1", "hypothesis": "9"})
    assert answer.status_code == 400 and "has 2 hypotheses" in answer.text


def test_the_export_is_a_markdown_download(web: httpx.Client, store: Store) -> None:
    save_example(store)
    answer = web.get("/incidents/INC-0001/export.md")
    assert answer.headers["content-type"].startswith("text/markdown")
    assert answer.headers["content-disposition"] == 'attachment; filename="INC-0001-postmortem.md"'
    assert "Expired TLS certificate" in answer.text


def test_an_unknown_incident_is_a_404_page(web: httpx.Client) -> None:
    answer = web.get("/incidents/INC-0042")
    assert answer.status_code == 404 and "no incident &#39;INC-0042&#39;" in answer.text


def test_new_triage_without_a_worker_runs_inline_into_an_incident(
    web: httpx.Client, store: Store,
) -> None:
    form = web.get("/triage").text
    assert 'type="file"' in form and "multiple" in form and 'enctype="multipart/form-data"' in form
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(EXAMPLE, arcname="cert-expiry")
    answer = web.post("/triage", data={"csrf": csrf_of(form), "narrative": "none"},
                      files={"files": ("cert-expiry.tar.gz", buffer.getvalue())})
    assert answer.status_code == 303 and answer.headers["location"] == "/incidents/INC-0001"
    detail = store.get_incident("INC-0001")
    assert detail.category == "cert-expiry"
    assert [f["name"] for f in detail.versions[0].manifest["files"]] == ["cert-expiry.tar.gz"]
    assert "/tmp" not in str(detail.report)  # cited by uploaded names, not server paths


def test_new_triage_with_nothing_chosen_says_so(web: httpx.Client) -> None:
    csrf = csrf_of(web.get("/triage").text)
    answer = web.post("/triage", data={"csrf": csrf}, files={"files": ("", b"")})
    assert answer.status_code == 400 and "Choose at least one file" in answer.text


def test_the_job_page_refreshes_until_the_job_is_done(
    serve: Callable[..., str], store: Store,
) -> None:
    base = serve(ServerSettings(tokens={"ops": TOKEN}, worker=True), store)  # no worker started
    web = log_in(base, TOKEN)
    job = enqueue_upload(store, {"files": [{"name": "app.log", "size": 1, "sha256": "0"}]},
                         "elsewhere", datetime.now(UTC))
    page = web.get(f"/jobs/{job}").text
    assert 'http-equiv="refresh" content="1"' in page and "queued" in page and "app.log" in page
    assert web.get("/jobs/999").status_code == 404


def test_the_models_page_shows_providers_and_recorded_calls(
    web: httpx.Client, store: Store,
) -> None:
    store.record_llm_call(LLMCallRecord(provider="ollama", model="qwen2.5:7b", outcome="ok",
                                        tokens_in=900, tokens_out=120, latency_ms=4000,
                                        cost=0.0, prompt_name="triage_summary",
                                        prompt_version="v1"))
    page = web.get("/models").text
    assert "ollama" in page and ("unreachable" in page or "reachable" in page)
    assert "qwen2.5:7b" in page and "900 / 120" in page
    assert "30.0" in page  # 120 tokens over 4 s
    assert "triage_summary v1" in page
    assert "Evaluations" in web.get("/evaluations").text


def test_static_files_are_served(base_url: str) -> None:
    assert "setUpCopyButtons" in httpx.get(base_url + "/static/opslens.js").text
    assert "prefers-color-scheme: dark" in httpx.get(base_url + "/static/opslens.css").text


def test_runbooks_approval_and_similar_incidents_are_shown(
    web: httpx.Client, store: Store,
) -> None:
    from web_helpers import example_report

    from opslens.report.models import Command, RunbookRef, SafetyLabel
    from opslens.store import InputFile, InputManifest

    save_example(store)
    store.resolve("INC-0001", "cert-expiry", None, "issuer secret rotated")
    report = example_report().model_copy(update={
        "runbooks": [RunbookRef(path="tls.md", section="Renewing by hand", score=0.8,
                                for_="cert-expiry", excerpt="cmctl renew inventory-tls")],
        # a secret's content: the guard holds it for approval (a mutating one it drops)
        "needs_approval": [Command(cmd="kubectl -n shop get secret inventory-tls -o yaml",
                                   purpose="Read the certificate the pods mount",
                                   safety=SafetyLabel.SENSITIVE_READ)],
    })
    store.save_report(report, InputManifest(files=[InputFile("b", 1, "0" * 64)]))
    page = web.get("/incidents/INC-0002").text
    assert "Renewing by hand" in page and "cmctl renew inventory-tls" in page
    approval = page[page.index("Needs approval"):page.index("Avoid")]
    assert "get secret inventory-tls -o yaml" in approval
    assert 'class="badge warn"' in approval and "sensitive read" in approval
    similar = page[page.index('id="similar"'):]
    assert '<a href="/incidents/INC-0001">INC-0001</a>' in similar
    assert "Root cause: issuer secret rotated" in similar
