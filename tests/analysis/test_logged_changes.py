"""Model loads and prompt activations that servers log become dated changes of their workload."""

from __future__ import annotations

import pytest

from opslens.analysis.hits import SignalHit
from opslens.analysis.logged_changes import logged_changes
from opslens.events import Entity, Event, EventKind, Origin

SERVER = Entity("Deployment", "triton-inference", "recsys")


def _hit(signal: str, *lines: tuple[float, str]) -> SignalHit:
    events = [Event(t, EventKind.LOG, "textlog", Origin("triton.log", k + 1), text, text) for k, (t, text) in enumerate(lines)]
    return SignalHit(signal, EventKind.LOG, SERVER, lines[0][0], lines[-1][0], len(lines), events=events)


@pytest.mark.parametrize(("signal", "line", "kind", "model", "version"), [
    ("model_version_loaded", "I0402 09:43:16.2 1 model_lifecycle.cc:839] successfully loaded 'ranker_xgb' version 7",
     "model-load", "ranker_xgb", "7"),
    ("model_version_loaded", "2026-06-23 [INFO] Model 'churn_clf:7' loaded successfully, replacing 'churn_clf:6'",
     "model-load", "churn_clf", "7"),
    ("model_version_loaded", "INFO 05-19 16:00:10 llm_engine.py:237] Initializing an LLM engine (v0.6.3) with config: "
     "model='/mnt/models/support-llm/9', dtype=torch.bfloat16", "model-load", "support-llm", "9"),
    ("prompt_version_activated", "INFO rag.prompts: activated prompt support_answer version 15 (sha256:4be1c09e)",
     "prompt-version", "support_answer", "15"),
])
def test_a_logged_swap_is_a_dated_change_naming_model_and_version(signal: str, line: str, kind: str, model: str, version: str) -> None:
    (change,) = logged_changes([_hit(signal, (1000.0, line))])
    assert (change.kind, change.revision, change.time, change.entity) == (kind, version, 1000.0, SERVER)
    assert change.event is not None and change.event.attrs["model"] == model and change.files == [model]
    assert change.summary == line[:200] and change.event.attrs["subject"] in change.event.raw


def test_every_replica_logging_the_same_swap_is_one_change() -> None:
    line = "successfully loaded 'ranker_xgb' version 7"
    changes = logged_changes([_hit("model_version_loaded", (1000.0, line), (1004.0, line), (1000.0 + 3600, line))])
    assert [c.time for c in changes] == [1000.0, 4600.0]  # a load an hour later is another swap


def test_other_signals_and_undated_lines_are_no_changes() -> None:
    assert logged_changes([_hit("oom_kill", (1000.0, "Memory cgroup out of memory: Killed process 4242 (java)"))]) == []
    undated = _hit("model_version_loaded", (1000.0, "successfully loaded 'm' version 2"))
    undated.events[0] = undated.events[0]._replace(time=None)
    assert logged_changes([undated]) == []
