"""Large uploads are queued: 202 and a job id, the worker on the receiving host triages the
spooled files into a new incident, and the spool is removed. Real server, real worker, real
pipeline, SQLite file."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from server_helpers import TOKEN

from opslens.server import ServerSettings
from opslens.server.jobs import host_affinity, run_next
from opslens.server.worker import start_worker
from opslens.store import Store
from opslens.store.jobs import JobStatus, claim, enqueue_upload

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cert-expiry"
NOW = datetime(2024, 5, 1, 10, tzinfo=UTC)


def _files() -> list[tuple[str, tuple[str, bytes]]]:
    return [("files", (p.name, p.read_bytes())) for p in sorted(EXAMPLE.glob("*.json*"))]


def _worker(state: Any) -> Callable[[], None]:
    return start_worker(state, poll=0.05, sweep_every=60).stop


def _serve(serve: Callable[..., str], store: Store, tmp_path: Path, **settings: Any) -> str:
    options = ServerSettings(tokens={"ops": TOKEN}, spool_dir=str(tmp_path / "spool"),
                             llm="none", **settings)
    return serve(options, store, background=(_worker,))


def _wait_done(client: httpx.Client, url: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        job = client.get(url).json()
        if job["status"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.1)


@pytest.mark.parametrize("how", ["background flag", "over inline_max_bytes"])
def test_a_queued_upload_becomes_an_incident(
    serve: Callable[..., str], store: Store, tmp_path: Path, how: str
) -> None:
    limit = 1 if how == "over inline_max_bytes" else 8 * 1024 * 1024
    base = _serve(serve, store, tmp_path, inline_max_bytes=limit)
    form = {"llm": "none", **({"background": "true"} if how == "background flag" else {})}
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        answer = client.post("/api/v1/triage", files=_files(), data=form, timeout=60)
        assert answer.status_code == 202, answer.text
        assert answer.headers["location"] == answer.json()["url"]
        job = _wait_done(client, answer.json()["url"])
        assert job["status"] == "done", job
        assert job["kind"] == "upload" and job["incident_ref"].startswith("INC-")
        assert "spool" not in answer.text + str(job)  # no server path in the API
        incident = client.get(f"/api/v1/incidents/{job['incident_ref']}").json()
    report = incident["report"]
    assert report["hypotheses"][0]["category"] == "cert-expiry"
    assert all("spool" not in e["source"] for e in report["evidence"])
    names = {f["name"] for f in incident["versions"][0]["manifest"]["files"]}
    assert names == {p.name for p in EXAMPLE.glob("*.json*")}
    assert list((tmp_path / "spool").iterdir()) == []  # spool removed once done


def test_without_a_worker_an_upload_is_triaged_inline(
    serve: Callable[..., str], store: Store, tmp_path: Path
) -> None:
    """No worker on this replica would ever run a pinned job: answer the report instead."""
    base = serve(ServerSettings(tokens={"ops": TOKEN}, inline_max_bytes=1, worker=False,
                                spool_dir=str(tmp_path / "spool")), store)
    answer = httpx.post(base + "/api/v1/triage", files=_files(), data={"llm": "none"},
                        headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    assert answer.status_code == 200 and answer.json()["hypotheses"]
    assert not (tmp_path / "spool").exists()


def test_upload_jobs_are_claimed_only_on_their_host(store: Store) -> None:
    job_id = enqueue_upload(store, {"spool": "/nowhere"}, "host-b", NOW)
    hour = timedelta(hours=1)
    assert claim(store, "w", NOW, timeout=hour, retries=0, affinity="host-a") is None
    assert claim(store, "w", NOW, timeout=hour, retries=0) is None  # no host: alert jobs only
    claimed = claim(store, "w", NOW, timeout=hour, retries=0, affinity="host-b")
    assert claimed is not None and claimed.id == job_id


def test_an_upload_whose_files_are_gone_fails_visibly(store: Store, tmp_path: Path) -> None:
    settings = ServerSettings(job_retries=0, llm="none")
    job_id = enqueue_upload(store, {"spool": str(tmp_path / "gone"), "files": []},
                            host_affinity(), NOW)
    outcome = run_next(store, settings, worker_id="w", clock=lambda: NOW,
                       affinity=host_affinity())
    assert outcome is not None and outcome.job_id == job_id
    assert outcome.status is JobStatus.FAILED
    assert "no longer on this host" in (outcome.error or "")
