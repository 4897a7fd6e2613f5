"""`opslens eval`: triage every case of a dataset per model and prompt version, score each
report with the scorer bench/scenarios.py uses (`llmops.scoring`), and decide pass or fail.

The pass rule (documented in docs/llmops.md, and the only place it is coded):
a case passes when
1. the top hypothesis has the true category (top-1),
2. no must-not-recommend action is offered anywhere in the report (checks, needs-approval,
   summary, status update, the model's narrative and checks),
3. key-evidence recall is at least 0.5,
4. when a model was asked: it served an answer (an error or a refusal to follow the output
   format fails the case), and at least 90% of its citations name evidence that exists.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from opslens.errors import InputError
from opslens.llmops.datasets import Case
from opslens.llmops.observers import Fanout
from opslens.llmops.recorder import CallLog
from opslens.llmops.scoring import score, summarise
from opslens.pipeline import TriageObserver, TriageOptions, TriageOutcome, run_triage

MIN_RECALL = 0.5
MIN_GROUNDING = 0.9


@dataclass(frozen=True)
class Target:
    """One model and prompt version to evaluate (`llm` none: the deterministic report)."""

    llm: str
    model: str | None = None
    prompt_version: str | None = None  # of the triage prompt; None: the configured one

    @property
    def label(self) -> tuple[str, str]:
        return (self.model or ("-" if self.llm == "none" else "default"), self.prompt_version or "default")


@dataclass
class Run:
    """The scored cases of one target on one dataset."""

    dataset: str
    target: Target
    provider: str
    cases: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pass_rate(self) -> float:
        return sum(c["passed"] for c in self.cases) / len(self.cases) if self.cases else 0.0

    def totals(self) -> dict[str, Any]:
        """`summarise` of the scored rows (the bench's totals) plus the eval's own figures."""
        totals = summarise(self.cases) if self.cases else {}
        grounded = [c["grounding"] for c in self.cases if c["grounding"] is not None]
        totals.update(
            pass_rate=self.pass_rate,
            passed=sum(c["passed"] for c in self.cases),
            grounding=sum(grounded) / len(grounded) if grounded else None,
            claims_unsupported=sum(c["claims_unsupported"] for c in self.cases),
            citations_dropped=sum(c["citations_dropped"] for c in self.cases),
            model_calls=sum(c["model_calls"] for c in self.cases),
            model_errors=sum(c["model_errors"] for c in self.cases),
            latency_s=round(sum(c["latency_s"] for c in self.cases), 3),
            tokens=sum(c["tokens_in"] + c["tokens_out"] for c in self.cases),
            cost_usd=round(sum(c["cost_usd"] for c in self.cases), 6),
        )
        return totals


Triage = Callable[[TriageOptions], TriageOutcome]


def evaluate(
    dataset: str,
    cases: list[Case],
    target: Target,
    *,
    repeat: int = 1,
    observer: TriageObserver | None = None,
    triage: Triage = run_triage,
) -> Run:
    """Triage and score every case `repeat` times with `target`."""
    run = Run(dataset, target, provider=target.llm)
    for case in cases:
        for attempt in range(1, repeat + 1):
            run.cases.append(_case(case, target, attempt, observer, triage))
    served = {c["provider"] for c in run.cases if c["provider"]}
    if len(served) == 1:
        run.provider = served.pop()
    return run


def _case(
    case: Case, target: Target, attempt: int, observer: TriageObserver | None, triage: Triage
) -> dict[str, Any]:
    log = CallLog()
    options = TriageOptions(
        paths=[str(case.path)], llm=target.llm, model=target.model,
        observer=Fanout(log, observer),
        prompt_versions={"triage_summary": target.prompt_version} if target.prompt_version else {},
    )
    outcome = triage(options)
    if outcome.report is None:
        return _unusable(case, attempt, outcome.error or "no usable input")
    # exactly the JSON `opslens triage --format json` prints, as bench/scenarios.py scores it
    report = json.loads(outcome.report.model_dump_json(by_alias=True, exclude_none=False))
    row = {"scenario": case.name, "attempt": attempt, **score(report, case.truth)}
    row.update(_model_figures(log, report, target))
    row["reasons"] = fail_reasons(row)
    row["passed"] = not row["reasons"]
    return row


def _model_figures(log: CallLog, report: dict[str, Any], target: Target) -> dict[str, Any]:
    calls = log.calls
    cited = sum(v.citations_total for v in log.verifications)
    dropped = sum(v.citations_dropped for v in log.verifications)
    served = (report.get("llm") or {}).get("provider")
    return {
        "model_asked": target.llm != "none",
        "model_served": served is not None,
        "provider": served,
        "model_calls": len(calls),
        "model_errors": sum(1 for c in calls if c.outcome != "ok"),
        "model_error": next((c.error for c in reversed(calls) if c.outcome != "ok"), None),
        "grounding": (cited - dropped) / cited if cited else (None if not log.verifications else 1.0),
        "citations_dropped": dropped,
        "claims_unsupported": sum(v.claims_dropped for v in log.verifications),
        "unsafe_commands": sum(v.unsafe_commands for v in log.verifications),
        "latency_s": round(sum(c.latency_s or 0.0 for c in calls), 3),
        "tokens_in": sum(c.tokens_in or 0 for c in calls),
        "tokens_out": sum(c.tokens_out or 0 for c in calls),
        "cost_usd": round(sum(c.cost_usd or 0.0 for c in calls), 6),
    }


def fail_reasons(row: dict[str, Any]) -> list[str]:
    """Why a scored case fails (empty: it passes); see the module's pass rule."""
    reasons = []
    if not row["top1"]:
        reasons.append(f"top-1 category {row['got']}, want {row['want']}")
    if row["bad"]:
        reasons.append("offers must-not-recommend: " + "; ".join(row["bad"]))
    if row["recall"] < MIN_RECALL:
        reasons.append(f"key-evidence recall {row['recall']:.2f} < {MIN_RECALL}")
    if row["model_asked"] and not row["model_served"]:
        reasons.append(f"model failed: {row['model_error'] or 'no answer'}")
    if row["grounding"] is not None and row["grounding"] < MIN_GROUNDING:
        reasons.append(f"grounding {row['grounding']:.2f} < {MIN_GROUNDING} "
                       f"({row['citations_dropped']} citations of missing evidence)")
    return reasons


def _unusable(case: Case, attempt: int, error: str) -> dict[str, Any]:
    raise InputError(str(case.path), error)


def compare(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Case by case, first attempts: `regressions` (passed, now fail), `fixes`, and cases
    only in one run."""
    a = {c["scenario"]: c for c in before if c.get("attempt", 1) == 1}
    b = {c["scenario"]: c for c in after if c.get("attempt", 1) == 1}
    both = sorted(set(a) & set(b))
    return {
        "regressions": [n for n in both if a[n]["passed"] and not b[n]["passed"]],
        "fixes": [n for n in both if not a[n]["passed"] and b[n]["passed"]],
        "only_before": sorted(set(a) - set(b)),
        "only_after": sorted(set(b) - set(a)),
    }
