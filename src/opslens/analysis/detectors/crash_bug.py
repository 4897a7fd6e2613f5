"""crash-bug: an application bug triggered by data or traffic, not by a recent change."""

from __future__ import annotations

import dataclasses
import re

from opslens.analysis import signals
from opslens.analysis.detectors._shared import Support, on, score_candidate
from opslens.analysis.detectors.base import Candidate, Context, Detector, register, top_workload
from opslens.analysis.hits import SignalHit
from opslens.event_attrs import log_attrs
from opslens.events import Event


@register
class CrashBugDetector(Detector):
    category = "crash-bug"
    title = "Application bug crashes the workload (panic / unhandled exception)"

    def detect(self, ctx: Context) -> list[Candidate]:
        # A pasted panic names no workload: the crash is still the finding, culprit unknown.
        crashes = [h for h in ctx.fresh("app_crash") if not explained_crash(h)]
        if not crashes:
            return []
        culprit = top_workload(crashes)
        cand = score_candidate(
            ctx,
            category=self.category,
            title=self.title,
            culprit=culprit,
            primary=on(crashes, culprit) or crashes,
            support=[Support("crash_loop", 0.3), Support("http_5xx", 0.15), Support("container_exit_error", 0.15)],
            against=[(on(ctx.fresh("rollout"), culprit), 0.35)],
            rationale="The workload's own code fails (panic / unhandled exception) on specific input.",
        )
        if cand is None:
            return []
        cand.evidence += [e for e in last_words(ctx, crashes) if e not in cand.evidence]
        if ctx.change_for(culprit, cand.onset) is not None:
            cand.score *= 0.55  # a fresh change makes this a bad deploy rather than a latent bug
        if all(at_startup(h) for h in crashes):
            deploy = startup_crash(cand)
            cand.score *= STARTUP_DISCOUNT
            return [cand, deploy]
        return [cand]


#: A Go panic in the main goroutine, in main.main itself: the program died while starting,
#: before serving anything (a worker loop in main panics in the loop's own frames).
_MAIN_GOROUTINE = re.compile(r"^goroutine 1 \[running\]:", re.M)
_MAIN_FRAME = re.compile(r"^main\.main\(\)", re.M)


#: What the latent-bug reading of a start-up crash keeps.
STARTUP_DISCOUNT = 0.75


def at_startup(hit: SignalHit) -> bool:
    """Whether a crash happened in the program's main goroutine, i.e. while it was starting."""
    return any(_MAIN_GOROUTINE.search(e.raw) and _MAIN_FRAME.search(e.raw) for e in hit.events)


def startup_crash(crash: Candidate) -> Candidate:
    """A crash every start repeats is no input-triggered bug: the version (or its build) that
    runs cannot start. The latent-bug reading stays, as the symptom it explains."""
    return dataclasses.replace(
        crash,
        category="bad-deploy",
        score=crash.score,
        title="The version that runs crashes while starting (a defect of the release)",
        rationale="The program panics in its main goroutine while starting, before it served any request: no input triggers it, every start of this version crashes the same way.",
        symptoms_of={"crash-bug"},
        evidence=list(crash.evidence),
    )


#: Exceptions that carry an infrastructure cause are that cause's symptom, not a code bug.
_INFRASTRUCTURE = {
    "cert_expired", "dns_failure", "db_connection", "oom_kill", "rate_limited", "conn_timeout",
    "conn_refused", "dependency_failure", "startup_config_error", "secret_missing", "disk_full",
}


#: Exceptions that end a process on purpose: the program was told to stop (gunicorn's arbiter
#: aborting a timed-out worker, Ctrl-C), so whatever told it is the story, not a bug.
_NOT_A_BUG = re.compile(r"^(?:SystemExit|KeyboardInterrupt|GeneratorExit)\b|\bhandle_abort\b", re.M)


def explained_crash(hit) -> bool:  # noqa: ANN001 - a SignalHit
    """Whether a crash names a cause of its own (`panic: While parsing config`, a Go panic
    wrapping `dial tcp ...:5432: connection refused`): then the crash is that cause's symptom."""
    text = "\n".join([hit.text, *(e.raw for e in hit.events)])
    if _NOT_A_BUG.search(text):
        return True  # an exit on purpose (a worker aborted by its master), not a crash
    found = signals.text_signals(text)
    if _INFRASTRUCTURE & set(found):
        return True
    defs = signals.signal_defs()
    return any(defs[s].category not in (None, "crash-bug") and defs[s].role == "cause" for s in found)


def last_words(ctx: Context, hits: list[SignalHit]) -> list[str]:
    """What the program logged right before it crashed: the input that triggers a bug (the
    same message before every crash is a poison message)."""
    before = [b for h in hits for e in h.events if isinstance(b := log_attrs(e).get("preceded_by"), Event)]
    if not before:
        return []
    return [ctx.book.cite(before[0], detail="the last line logged before the crash", weight=0.9)]
