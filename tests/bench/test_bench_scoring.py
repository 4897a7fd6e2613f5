"""The scoring of bench/scenarios.py and the process-tree memory sampler of bench/_procmem.py.

Scoring is tested on hand-made report dicts (the shape `opslens triage --format json` writes);
the sampler on real processes with known allocations.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))  # the bench scripts import their siblings (_procmem) by name


def _load(name: str) -> ModuleType:
    """Import bench/<name>.py under a name that cannot clash with other test modules."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


scenarios = _load("scenarios")
procmem = sys.modules["_procmem"]  # the very module scenarios.py imported

MUST_NOT = ["kubectl delete namespace", "remove the memory limit"]
TRUTH = {
    "category": "oom",
    "onset": "2025-06-12T00:12:00Z",
    "culprit": {"kind": "Deployment", "namespace": "discovery", "name": "search"},
    "culprit_alternates": [{"kind": "Pod", "namespace": "discovery", "name": "search-7f9c-x2"}],
    "key_evidence": ["OOMKilled", "exit code 137"],
    "must_not_recommend": MUST_NOT,
}


def _cmd(cmd: str, purpose: str = "check", safety: str = "read_only") -> dict:
    return {"cmd": cmd, "purpose": purpose, "safety": safety}


def _report(**fields: object) -> dict:
    """A minimal report that offers no forbidden action; `fields` override its parts."""
    report = {
        "onset": "2025-06-12T00:13:00.000Z",
        "summary": "Most likely cause: the container was OOM-killed.",
        "status_update": "Next step: verify with read-only checks.",
        "hypotheses": [{"category": "oom", "confidence": 0.9, "title": "OOM",
                        "entity": {"kind": "Deployment", "namespace": "discovery", "name": "search"}}],
        "evidence": [{"id": "E1", "text": "Reason: OOMKilled"}, {"id": "E2", "text": "exit code 137"}],
        "commands": [_cmd("kubectl -n discovery describe pod search-7f9c-x2")],
        "needs_approval": [],
        "avoid": [],
        "runbooks": [],
        "llm": None,
    }
    report.update(fields)
    return report


def _llm(**fields: object) -> dict:
    return {"provider": "p", "model": "m", "narrative": None, "hypotheses": [], "checks": [],
            "open_questions": [], **fields}


FORBIDDEN = "kubectl delete namespace discovery"

# (case, report overrides, expected hits by place)
MUST_NOT_CASES = [
    ("clean report", {}, {}),
    ("needs_approval cmd", {"needs_approval": [_cmd(FORBIDDEN, safety="destructive")]},
     {"needs_approval": ["kubectl delete namespace"]}),
    ("commands purpose", {"commands": [_cmd("kubectl top pod", "then remove the memory limit")]},
     {"commands": ["remove the memory limit"]}),
    ("avoid is what not to do", {"avoid": [f"{FORBIDDEN}: blast radius", "Remove the memory limit"]}, {}),
    ("status update, other case", {"status_update": "Next step: Remove the memory limit."},
     {"status_update": ["remove the memory limit"]}),
    ("summary", {"summary": f"Run {FORBIDDEN} to start over."}, {"summary": ["kubectl delete namespace"]}),
    ("narrative, hard-wrapped", {"llm": _llm(narrative="We suggest to remove the\n   memory limit now.")},
     {"llm.narrative": ["remove the memory limit"]}),
    ("llm hypothesis commentary",
     {"llm": _llm(hypotheses=[{"title": "OOM", "commentary": "remove the memory limit", "supported": True}])},
     {"llm.narrative": ["remove the memory limit"]}),
    ("llm check placed in needs_approval",
     {"llm": _llm(checks=[{"cmd": FORBIDDEN, "safety": "destructive", "placement": "needs_approval"}])},
     {"llm.checks": ["kubectl delete namespace"]}),
    ("llm check placed in avoid",
     {"llm": _llm(checks=[{"cmd": FORBIDDEN, "safety": "destructive", "placement": "avoid"}])}, {}),
    ("runbook excerpt is a quote", {"runbooks": [{"path": "oom.md", "section": "s", "score": 1.0,
                                                  "for": "oom", "excerpt": f"Never run {FORBIDDEN}."}]}, {}),
]


@pytest.mark.parametrize(("overrides", "expected"), [c[1:] for c in MUST_NOT_CASES],
                         ids=[c[0] for c in MUST_NOT_CASES])
def test_must_not_hits_by_place(overrides: dict, expected: dict) -> None:
    assert scenarios.must_not_hits(_report(**overrides), MUST_NOT) == expected


def test_runbook_quotes_are_listed_but_not_counted() -> None:
    rb = {"path": "oom.md", "section": "s", "score": 1.0, "for": "oom", "excerpt": f"Never run {FORBIDDEN}."}
    row = scenarios.score(_report(runbooks=[rb]), TRUTH)
    assert row["runbook_quotes"] == ["kubectl delete namespace"]
    assert row["bad"] == []


def test_a_string_in_several_places_counts_once_and_is_shown_in_each() -> None:
    report = _report(needs_approval=[_cmd(FORBIDDEN)], status_update=f"Next: {FORBIDDEN}",
                     commands=[_cmd("kubectl top pod", "remove the memory limit")])
    row = scenarios.score(report, TRUTH)
    assert row["bad"] == ["kubectl delete namespace", "remove the memory limit"]
    assert set(row["bad_places"]) == {"needs_approval", "status_update", "commands"}
    totals = scenarios.summarise([row])
    assert totals["must_not_hits"] == 2
    assert totals["must_not_by_place"] == {"needs_approval": 1, "status_update": 1, "commands": 1}


@pytest.mark.parametrize(("onset", "error", "missing"), [
    ("2025-06-12T00:12:00.000Z", 0.0, False),
    ("2025-06-12T00:14:30.000Z", 2.5, False),
    ("2025-06-12T00:02:00.000Z", 10.0, False),
    (None, None, True),
])
def test_onset_error(onset: str | None, error: float | None, missing: bool) -> None:
    row = scenarios.score(_report(onset=onset), TRUTH)
    assert row["onset_err"] == error
    assert row["onset_missing"] is missing


def _scored(**fields: object) -> dict:
    return scenarios.score(_report(**fields), TRUTH)


def test_a_missing_onset_is_a_miss_and_not_zero_minutes() -> None:
    rows = [_scored(onset="2025-06-12T00:14:00.000Z"), _scored(onset=None)]
    totals = scenarios.summarise(rows)
    assert totals["onset_within_3min"] == 0.5  # the missing one stays in the denominator
    assert totals["onset_mean_err_min"] == 2.0  # over the dated report only, not (2 + 0) / 2
    assert totals["onset_missing"] == 1


def test_onsets_far_off_and_missing_are_both_misses() -> None:
    rows = [_scored(onset="2025-06-12T00:22:00.000Z"), _scored(onset=None), _scored()]
    totals = scenarios.summarise(rows)
    assert totals["onset_within_3min"] == pytest.approx(1 / 3)
    assert totals["onset_mean_err_min"] == pytest.approx(5.5)


def test_only_missing_onsets_give_no_mean_and_a_zero_share() -> None:
    totals = scenarios.summarise([_scored(onset=None)])
    assert totals["onset_within_3min"] == 0.0
    assert totals["onset_mean_err_min"] is None


def test_a_truth_without_onset_is_not_scored_on_onset() -> None:
    row = scenarios.score(_report(onset=None), {**TRUTH, "onset": None})
    assert not row["onset_missing"]
    assert scenarios.summarise([row])["onset_within_3min"] is None


@pytest.mark.parametrize(("entity", "ok"), [
    ({"kind": "Deployment", "namespace": "discovery", "name": "search"}, True),
    ({"kind": "Pod", "namespace": "discovery", "name": "search-7f9c-x2"}, True),
    ({"kind": "Deployment", "namespace": "other", "name": "search"}, False),
    (None, False),
])
def test_culprit(entity: dict | None, ok: bool) -> None:
    hyp = {"category": "oom", "confidence": 0.9, "title": "t", "entity": entity}
    assert scenarios.score(_report(hypotheses=[hyp]), TRUTH)["culprit"] is ok


def test_key_evidence_recall_and_no_hypothesis() -> None:
    row = scenarios.score(_report(hypotheses=[], evidence=[{"id": "E1", "text": "Reason: OOMKilled"}]), TRUTH)
    assert row["recall"] == 0.5
    assert row["missing"] == ["exit code 137"]
    assert (row["top1"], row["top3"], row["got"]) == (False, False, "-")


# --- the process-tree memory sampler -------------------------------------------------------

MB = 1 << 20
# A parent that holds 30 MB while its child holds 50 MB, both for about a second.
PARENT = textwrap.dedent(f"""
    import subprocess, sys
    held = b'p' * {30 * MB}  # allocated before the child starts, so both overlap for sure
    child = subprocess.Popen([sys.executable, "-c",
                              "import time; b = b'c' * {50 * MB}; time.sleep(1.5)"])
    child.wait()
    print("done")
""")


def test_tree_memory_sums_parent_and_child() -> None:
    run = procmem.run_measured([sys.executable, "-c", PARENT])
    mem = run.memory
    assert run.returncode == 0 and run.stdout.strip() == "done"
    assert mem.processes >= 2
    assert mem.peak_tree_mb >= 80  # 30 + 50 MB of data, plus two interpreters
    # the single-process figure (what wait4/RUSAGE_CHILDREN give) misses the parent's 30 MB
    assert 50 <= mem.largest_mb < 80
    assert mem.peak_tree_mb >= mem.largest_mb + 25
    assert mem.sum_of_peaks_mb >= mem.peak_tree_mb - 1


def test_a_spike_shorter_than_the_interval_is_not_lost() -> None:
    # the allocation lives a few ms; a slow sampler would miss it, the exact wait4 floor does not.
    # That floor is the child's own only above the launcher's high-water mark (the kernel carries
    # the launcher's into the child across exec), so the spike is made bigger than this process.
    size = max(40 * MB, procmem._high_water_mark(os.getpid()) + 40 * MB)
    run = procmem.run_measured([sys.executable, "-c", f"b = b'x' * {size}"], interval=0.5)
    assert run.memory.peak_tree_mb >= size / MB


def test_a_big_launcher_does_not_pass_for_the_child() -> None:
    hold = b"h" * (120 * MB)  # this process is now bigger than the child will ever be
    run = procmem.run_measured([sys.executable, "-c", "import time; time.sleep(0.3)"])
    assert run.memory.largest_mb < 100, run.memory
    del hold


def test_exit_code_and_stderr_are_kept() -> None:
    run = procmem.run_measured([sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"])
    assert (run.returncode, run.stderr) == (3, "boom")
