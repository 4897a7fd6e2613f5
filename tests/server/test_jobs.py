"""Triage jobs in the database, on SQLite and PostgreSQL: enqueue, claim (one holder),
the real pipeline run on an incident's alerts, failures, retries, the timeout, the worker."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "llm"))  # the wire-faithful model servers
from server_db import T0, alert, deliver
from servers import FakeOllama, ScriptedServer, prompt_text  # noqa: E402
from store_factories import make_report

from opslens.pipeline import TriageOptions, TriageOutcome, run_triage
from opslens.server import ServerSettings
from opslens.server.correlate import ingest
from opslens.server.jobs import run_next
from opslens.server.worker import Worker, start_worker
from opslens.store import Store, open_store
from opslens.store.jobs import JobStatus, claim, get_job, list_jobs

SETTINGS = ServerSettings(worker=False, job_retries=1, job_timeout=timedelta(seconds=30),
                          llm="none")
FIVE = timedelta(minutes=5)


@pytest.fixture
def db(store_url: str) -> Iterator[Store]:  # noqa: F811
    with open_store(store_url) as opened:
        yield opened


def _incident(store: Store, *fingerprints: str) -> str:
    ids = deliver(store, "{}:{a}", [alert(f, namespace="shop", service="api",
                                          pod=f"api-{f}") for f in fingerprints], T0)
    return ingest(store, ids, SETTINGS, T0).opened[0]


def _clock():  # noqa: ANN202
    return lambda: T0 + timedelta(minutes=1)


def test_a_job_runs_the_real_pipeline_and_saves_a_version(db: Store) -> None:
    ref = _incident(db, "f1", "f2")
    outcome = run_next(db, SETTINGS, worker_id="w1", clock=_clock(), triage=run_triage)
    assert outcome is not None and outcome.status is JobStatus.DONE, outcome
    detail = db.get_incident(ref)
    assert detail.latest_version == 1 and detail.report is not None
    assert detail.title == "KubePodCrashLooping in shop"
    (version,) = detail.versions
    assert version.manifest["stats"]["alerts"] == 2
    assert version.manifest["files"][0]["name"] == f"alertmanager-{ref}.json"
    job = get_job(db, outcome.job_id)
    assert job is not None and job.status is JobStatus.DONE and job.attempts == 1
    assert job.incident_ref == ref and job.claimed_by == "w1"
    assert run_next(db, SETTINGS, worker_id="w1", clock=_clock()) is None


def test_a_claimed_job_is_not_claimed_again_until_it_times_out(db: Store) -> None:
    _incident(db, "f1")
    first = claim(db, "w1", T0, timeout=FIVE, retries=1)
    assert first is not None and first.status is JobStatus.RUNNING
    assert claim(db, "w2", T0 + timedelta(minutes=4), timeout=FIVE, retries=1) is None
    again = claim(db, "w2", T0 + timedelta(minutes=6), timeout=FIVE, retries=1)
    assert again is not None and again.id == first.id and again.attempts == 2
    # Out of attempts: the next stale claim marks it failed instead.
    assert claim(db, "w3", T0 + timedelta(minutes=12), timeout=FIVE, retries=1) is None
    job = get_job(db, first.id)
    assert job is not None and job.status is JobStatus.FAILED
    assert job.last_error is not None and "timed out" in job.last_error


def test_failures_are_retried_then_kept_visible(db: Store) -> None:
    _incident(db, "f1")

    def broken(options: TriageOptions) -> TriageOutcome:
        raise RuntimeError("model backend exploded\nsecond line")

    first = run_next(db, SETTINGS, worker_id="w", clock=_clock(), triage=broken)
    assert first is not None and first.status is JobStatus.QUEUED
    second = run_next(db, SETTINGS, worker_id="w", clock=_clock(), triage=broken)
    assert second is not None and second.status is JobStatus.FAILED
    (job,) = list_jobs(db, status="failed")
    assert job.attempts == 2 and job.last_error == "RuntimeError: model backend exploded"
    assert run_next(db, SETTINGS, worker_id="w", clock=_clock(), triage=broken) is None


def test_no_usable_input_is_a_failure(db: Store) -> None:
    _incident(db, "f1")
    outcome = run_next(db, SETTINGS.model_copy(update={"job_retries": 0}), worker_id="w",
                       clock=_clock(), triage=lambda o: TriageOutcome(None, error="nothing"))
    assert outcome is not None and outcome.status is JobStatus.FAILED
    assert outcome.error == "ValueError: nothing"


def test_the_timeout_fails_the_attempt(db: Store) -> None:
    """A triage that ignores its deadline is abandoned after a grace period (the backstop)."""
    _incident(db, "f1")
    settings = SETTINGS.model_copy(update={"job_timeout": timedelta(seconds=0.3)})

    def slow(options: TriageOptions) -> TriageOutcome:
        time.sleep(3)
        return TriageOutcome(make_report())

    started = time.monotonic()
    outcome = run_next(db, settings, worker_id="w", clock=_clock(), triage=slow)
    assert time.monotonic() - started < 2
    assert outcome is not None and outcome.status is JobStatus.QUEUED
    assert outcome.error is not None and "timed out" in outcome.error
    assert db.get_incident(_ref(db)).latest_version == 0


def _ref(store: Store) -> str:
    return store.list_incidents()[0].ref


def test_the_worker_thread_runs_jobs_and_sweeps(db: Store) -> None:
    ref = _incident(db, "f1")
    clock = [(T0 + timedelta(minutes=1)).timestamp()]
    state = SimpleNamespace(store=db, settings=SETTINGS, clock=lambda: clock[0],
                            triage=lambda options: TriageOutcome(make_report()))
    worker = start_worker(state, poll=0.05, sweep_every=0.05)
    try:
        _wait(lambda: db.get_incident(ref).latest_version == 1)
        ids = deliver(db, "{}:{a}", [alert("f1", status="resolved", namespace="shop",
                                           ends=timedelta(minutes=2))], T0)
        ingest(db, ids, SETTINGS, T0 + timedelta(minutes=2))
        clock[0] = (T0 + timedelta(minutes=13)).timestamp()
        _wait(lambda: db.get_incident(ref).status == "mitigated")
    finally:
        worker.stop()
    assert isinstance(worker, Worker)


def _wait(condition, seconds: float = 10.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_a_job_writes_its_narrative_with_the_configured_model(
    db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`[server] llm` reaches the background triage: the job's prompt goes to the (local,
    wire-faithful) Ollama and the saved version records the model that wrote it."""
    with ScriptedServer() as server:
        monkeypatch.setenv("OLLAMA_HOST", f"127.0.0.1:{server.port}")
        ollama = FakeOllama(server)
        ollama.default_answer = '{"summary": "api pods crash-loop in shop.", "hypotheses": []}'
        settings = SETTINGS.model_copy(update={"llm": "ollama", "model": "qwen2.5:3b"})
        ref = _incident(db, "f1")
        outcome = run_next(db, settings, worker_id="w", clock=_clock(), triage=run_triage)
        assert outcome is not None and outcome.status is JobStatus.DONE, outcome
        (chat,) = server.hits("/api/chat")
    assert "KubePodCrashLooping" in prompt_text(chat)
    report = db.get_incident(ref).report
    assert report is not None and report["llm"]["provider"] == "ollama"
    assert report["llm"]["model"] == "qwen2.5:3b"


def test_the_job_timeout_reaches_the_pipeline_as_its_deadline(db: Store) -> None:
    """The pipeline stops itself at `options.deadline` (tests/pipeline/test_deadline.py); the
    job sets it from `job_timeout`."""
    _incident(db, "f1")
    seen: list[float | None] = []

    def recording(options: TriageOptions) -> TriageOutcome:
        seen.append(options.deadline)
        return run_triage(options)

    before = time.monotonic()
    outcome = run_next(db, SETTINGS, worker_id="w", clock=_clock(), triage=recording)
    assert outcome is not None and outcome.status is JobStatus.DONE, outcome
    (deadline,) = seen
    assert deadline is not None and before + 30 <= deadline <= time.monotonic() + 30
