"""The triage pipeline shared by the CLI and the server: ingest -> analyse -> report -> enrich.

Each stage is owned by its own package; this module only wires them in order.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import TYPE_CHECKING, Protocol

from opslens.report.models import Report
from opslens.sources.ingest import Skipped

if TYPE_CHECKING:
    from opslens.collectors import CollectSettings, SourceOutcome
    from opslens.collectors.base import Window
    from opslens.llm.observe import CallRecord, VerificationRecord

# One triage at a time per process: the ingest holds per-run process state (the archives kept
# open by `sources.inputs`, the cyclic GC switched off, a worker pool), so the server's API and
# its background worker take turns instead of closing each other's archives.
_RUN_LOCK = threading.Lock()


@dataclass
class TriageOptions:
    paths: list[str]
    tz: tzinfo = UTC
    since: float | None = None
    until: float | None = None
    llm: str = "none"
    model: str | None = None
    runbook_dirs: list[str] = field(default_factory=list)
    #: When pasted output was taken: relative ages (`5m`, `3s (x7 over 34s)`) count back from it.
    now: float | None = None
    #: `time.monotonic()` past which the run gives up (a service job's timeout): checked while
    #: reading and between stages, so an overlong run stops itself and frees the process.
    deadline: float | None = None
    #: Hears of every model call, verification and runbook search (`opslens.llmops` metrics,
    #: the store's call log, budgets); see `TriageObserver`.
    observer: TriageObserver | None = None
    #: Prompt name -> version, overriding the config's `[prompts]` (`opslens eval --prompt`).
    prompt_versions: dict[str, str] = field(default_factory=dict)


class TriageObserver(Protocol):
    """An `opslens.llm.observe.LLMObserver` that also hears of retrieval (runbook searches).
    (Spelled out rather than subclassed: importing the LLM layer here would load it, and
    httpx, for every triage.)"""

    def on_call(self, call: CallRecord) -> None: ...

    def on_verification(self, record: VerificationRecord) -> None: ...

    def on_retrieval(self, index: str, seconds: float, results: int) -> None: ...


class _Overdue(Exception):
    """The run passed `TriageOptions.deadline` (deliberately not a ValueError or OSError,
    which readers catch as input problems)."""


@dataclass
class TriageOutcome:
    report: Report | None
    notices: list[str] = field(default_factory=list)
    error: str | None = None


def run_triage(
    options: TriageOptions,
    on_skip: Callable[[Skipped], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> TriageOutcome:
    """Triage everything under `options.paths`. Never raises for input problems. Runs of one
    process are serialised (see `_RUN_LOCK`)."""
    with _RUN_LOCK:
        try:
            return _run(options, on_skip, _checked(options.deadline, on_progress))
        except _Overdue as exc:
            return TriageOutcome(report=None, error=str(exc))


def _checked(
    deadline: float | None, on_progress: Callable[[int], None] | None
) -> Callable[[int], None] | None:
    """`on_progress` that first stops the run once `deadline` has passed."""
    if deadline is None:
        return on_progress

    def progress(events: int) -> None:
        _check(deadline, f"after reading {events:,} events")
        if on_progress is not None:
            on_progress(events)

    return progress


def _check(deadline: float | None, where: str) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise _Overdue(f"triage stopped: past its deadline ({where})")


def _run(
    options: TriageOptions,
    on_skip: Callable[[Skipped], None] | None,
    on_progress: Callable[[int], None] | None,
) -> TriageOutcome:
    from opslens.analysis.digest import MAX_KEPT
    from opslens.analysis.run import analyze
    from opslens.fanout import digest_inputs
    from opslens.report.build import build_report
    from opslens.report.commands import apply_guard

    started = time.perf_counter()
    digest, stats = digest_inputs(options.paths, options.tz, options.since, options.until, on_skip, on_progress, now=options.now)
    if digest.events == 0:
        reason = "no usable input" if stats.events == 0 else "no events inside --since/--until"
        return TriageOutcome(report=None, error=f"{reason} in {', '.join(options.paths)}")
    if digest.dropped:
        entry = Skipped("(all inputs)", f"{digest.dropped:,} events beyond the cap of {MAX_KEPT:,} per kind were counted but not kept")
        stats.skipped.append(entry)
        if on_skip is not None:
            on_skip(entry)
    _check(options.deadline, "after reading")
    result = analyze(digest)
    _check(options.deadline, "after the analysis")
    report = build_report(result, stats)
    report.stats.filtered = digest.filtered_out
    apply_guard(report, result.checks)
    notices: list[str] = []
    report = _enrich(report, options, notices)
    report.stats.seconds = round(time.perf_counter() - started, 3)
    return TriageOutcome(report=report, notices=notices)


def _enrich(report: Report, options: TriageOptions, notices: list[str]) -> Report:
    """Stages that need other subsystems: untrusted-text checks, redaction, runbooks, the model."""
    from opslens.report.enrich import add_runbooks, mark_suspicious, redact

    report = redact(mark_suspicious(report))
    on_search = options.observer.on_retrieval if options.observer is not None else None
    report, warnings = add_runbooks(report, options.runbook_dirs, on_search)
    notices += warnings
    if options.llm != "none":
        from opslens.llm import apply_llm

        _check(options.deadline, "before the model")
        report, notice = apply_llm(
            report,
            llm=options.llm,
            model=options.model,
            observer=options.observer,
            prompt_versions=options.prompt_versions or None,
        )
        if notice:
            notices.append(notice)
    return report


def collect_and_triage(
    options: TriageOptions,
    plan: tuple[CollectSettings, Window],
    sources: list[str] | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_source: Callable[[SourceOutcome], None] | None = None,
) -> TriageOutcome:
    """Collect the configured sources live into a temporary bundle and triage it with
    `options.paths` (exactly what `opslens collect` then `opslens triage BUNDLE` does)."""
    import tempfile
    from dataclasses import replace
    from pathlib import Path

    from opslens.collectors import collect_bundle
    from opslens.report.relocate import cited_relative_to

    settings, window = plan
    with tempfile.TemporaryDirectory(prefix="opslens-live-") as tmp:
        bundle = Path(tmp) / "live"
        collected = collect_bundle(settings, bundle, window, sources, on_source=on_source)
        if not options.paths and not any(o.status == "ok" for o in collected.outcomes):
            return TriageOutcome(report=None, error="no source could be collected (each source's line says why)")
        outcome = run_triage(replace(options, paths=[*options.paths, str(bundle)]), on_skip, on_progress)
        if outcome.report is not None:
            # Cite collected files as `live/kubernetes/...`: the temporary directory is gone
            # once the report is printed.
            outcome.report = cited_relative_to(outcome.report, Path(tmp))
        return outcome


def collect_inputs(out: str, since: float, until: float, namespaces: list[str], sources: list[str]) -> list[SourceOutcome]:
    """Collect `sources` as the `[collect]` config table sets them up, for `namespaces`, into the
    bundle directory `out`: what the service's background triage adds to an incident's alerts."""
    from pathlib import Path

    from opslens.collectors import collect_bundle, load_settings
    from opslens.collectors.base import Window
    from opslens.collectors.settings import with_flags

    settings = with_flags(load_settings(), namespaces=namespaces or None)
    return collect_bundle(settings, Path(out), Window(since, until), sources).outcomes
