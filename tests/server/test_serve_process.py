"""`opslens serve` runs triage jobs in a worker process of its own, restarts it when it dies,
and stops it on shutdown. The real command, a real SQLite file, real HTTP."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from server_helpers import TOKEN, alertmanager_payload, closed_port, wait_for

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc for child pids")


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found |= {int(child) for child in children}
    return found


def _serve(tmp_path: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPSLENS_")}
    env.update(OPSLENS_DATABASE_URL=f"sqlite:///{tmp_path / 'served.db'}",
               OPSLENS_API_TOKEN=TOKEN, OPSLENS_CONFIG=str(tmp_path / "none.toml"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    return subprocess.Popen(
        [sys.executable, "-m", "opslens", "serve", "--port", str(port), "--llm", "none"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_jobs_run_in_a_supervised_worker_process(tmp_path: Path) -> None:
    port = closed_port()
    server = _serve(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    try:
        wait_for(lambda: httpx.get(base + "/readyz").status_code == 200, "the server")
        worker = wait_for(lambda: _children(server.pid), "the worker process")
        assert len(worker) >= 1
        posted = httpx.post(base + "/api/v1/alerts/alertmanager", headers=auth,
                            json=alertmanager_payload(fingerprints=("f1",)))
        assert posted.status_code == 202, posted.text

        def done() -> dict[str, Any] | None:
            job = httpx.get(base + "/api/v1/jobs/1", headers=auth)
            return job.json() if job.status_code == 200 and job.json()["status"] == "done" \
                else None

        job = wait_for(done, "the first job")
        claimed_pid = int(job["claimed_by"].split(":")[1])
        assert claimed_pid != server.pid and claimed_pid in _children(server.pid)

        os.kill(claimed_pid, signal.SIGKILL)  # the supervisor brings a new one
        wait_for(lambda: (_children(server.pid) - {claimed_pid}), "a restarted worker", 30)
        posted = httpx.post(base + "/api/v1/alerts/alertmanager", headers=auth,
                            json=alertmanager_payload(fingerprints=("f2",), namespace="db",
                                                      group_key="{}:{other}"))
        assert posted.status_code == 202

        def second_done() -> dict[str, Any] | None:
            jobs = [httpx.get(f"{base}/api/v1/jobs/{i}", headers=auth) for i in (1, 2)]
            return jobs[1].json() if jobs[1].status_code == 200 and \
                jobs[1].json()["status"] == "done" else None

        second = wait_for(second_done, "a job run by the restarted worker")
        assert int(second["claimed_by"].split(":")[1]) not in (claimed_pid, server.pid)
        survivors = _children(server.pid)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=60)
    # uvicorn ends a graceful shutdown by re-raising the SIGTERM it caught, as supervisors expect
    assert server.returncode in (0, -signal.SIGTERM), err
    assert "restarting it" in err and "Traceback" not in err
    for pid in survivors:  # the worker stopped with the server (the resource tracker too)
        wait_for(lambda pid=pid: not Path(f"/proc/{pid}").exists(), f"process {pid} to end", 15)


def test_the_worker_ends_when_the_server_is_killed_outright(tmp_path: Path) -> None:
    port = closed_port()
    server = _serve(tmp_path, port)
    try:
        wait_for(lambda: httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200,
              "the server")
        children = wait_for(lambda: _children(server.pid), "the worker process")
    finally:
        server.kill()
        server.communicate(timeout=60)
    for pid in children:
        wait_for(lambda pid=pid: not Path(f"/proc/{pid}").exists() or
              "zombie" in Path(f"/proc/{pid}/status").read_text(), f"process {pid} to end", 20)


def test_several_http_processes_answer_as_one(tmp_path: Path) -> None:
    """`--workers 2`: every scrape of /metrics, whichever process answers it, counts the
    alerts all processes received; the web UI's session works across processes."""
    port = closed_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPSLENS_", "PROMETHEUS"))}
    env.update(OPSLENS_DATABASE_URL=f"sqlite:///{tmp_path / 'served.db'}",
               OPSLENS_API_TOKEN=TOKEN, OPSLENS_CONFIG=str(tmp_path / "none.toml"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    server = subprocess.Popen(
        [sys.executable, "-m", "opslens", "serve", "--port", str(port), "--llm", "none",
         "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    try:
        wait_for(lambda: httpx.get(base + "/readyz").status_code == 200, "the server")
        for index in range(6):
            with httpx.Client() as fresh:  # a new connection each: both processes get some
                answer = fresh.post(base + "/api/v1/alerts/alertmanager", headers=auth,
                                    json=alertmanager_payload(fingerprints=(f"f{index}",)))
                assert answer.status_code == 202, answer.text
        for _ in range(6):
            with httpx.Client() as fresh:
                text = fresh.get(base + "/metrics").text
            assert 'opslens_alerts_received_total{outcome="new"} 6.0' in text, text[-2000:]
        # The HTTP processes only store; the worker process beside them correlates.
        incidents = wait_for(lambda: httpx.get(base + "/api/v1/incidents", headers=auth).json(),
                          "the worker to open an incident")
        assert len(incidents) == 1, incidents  # one group key: one incident
        # Log in (form cookie and CSRF from one process, the POST perhaps to the other),
        # then use the session cookie on fresh connections.
        with httpx.Client(base_url=base) as browser:
            form = browser.get("/login")
            csrf = re.search(r'name="csrf" value="([^"]*)"', form.text)
            assert csrf is not None
            answer = browser.post("/login", data={"csrf": csrf.group(1), "token": TOKEN})
            assert answer.status_code == 303, answer.text
            cookies = dict(browser.cookies)
        pages = []
        for _ in range(6):
            with httpx.Client(base_url=base, cookies=cookies) as fresh:
                pages.append(fresh.get("/incidents").status_code)
        assert pages == [200] * 6
    finally:
        server.terminate()
        _, err = server.communicate(timeout=60)
    assert "Traceback" not in err, err
