"""Report stages that need other subsystems: runbook matches, untrusted-text checks, redaction.

Each takes a finished deterministic report and returns it with one more section filled; none of
them changes a finding.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from opslens.report.models import Report, RunbookRef

RUNBOOKS_PER_REPORT = 5
_EXCERPT_LINES = 4


def mark_suspicious(report: Report) -> Report:
    """Flag evidence that reads like instructions to an assistant (prompt injection)."""
    from opslens.guard import find_injection

    for item in report.evidence:
        if find_injection(item.text) is not None:
            item.suspicious = True
    return report


def redact(report: Report) -> Report:
    """Replace secrets in every quoted text with stable placeholders; count them by kind.

    Reports get pasted into chat and tickets, so secrets found in logs never travel with them.
    """
    from opslens.guard import Redactor

    redactor = Redactor()
    for item in report.evidence:
        item.text = redactor.redact(item.text)
        if item.detail:
            item.detail = redactor.redact(item.detail)
    for pattern in report.patterns:
        pattern.template = redactor.redact(pattern.template)
        if pattern.example:
            pattern.example = redactor.redact(pattern.example)
    for entry in report.timeline:
        entry.text = redactor.redact(entry.text)
    report.summary = redactor.redact(report.summary)
    report.stats.redactions = dict(redactor.counts)
    return report


def add_runbooks(
    report: Report,
    dirs: Iterable[str],
    on_search: Callable[[str, float, int], None] | None = None,
) -> tuple[Report, list[str]]:
    """The best runbook section per firing alert group and per top hypothesis.

    Returns the report and warnings (one line each) for runbook problems. `on_search(index,
    seconds, results)` hears of every search (retrieval latency and no-result metrics).
    """
    from opslens.runbooks import load_config, open_index, query_from_alert, query_from_text

    cfg = load_config()
    wanted = [Path(d).expanduser() for d in dirs] or list(cfg.dirs)
    if not wanted:
        return report, []
    missing = [str(d) for d in wanted if not d.is_dir()]
    present = [d for d in wanted if d.is_dir()]
    warnings = [f"{d}: runbook directory not found" for d in missing]
    if not present:
        return report, warnings
    with open_index(cfg) as index:
        index.refresh([str(d) for d in present])
        queries = []
        seen_groups: set[str] = set()
        for alert in report.alerts:
            if alert.status != "firing" or (alert.group or alert.alertname) in seen_groups:
                continue
            seen_groups.add(alert.group or alert.alertname)
            payload = {"labels": {**alert.labels, "alertname": alert.alertname}, "annotations": {"summary": alert.summary or ""}}
            queries.append((f"alert {alert.alertname}", query_from_alert(payload)))
        for h in report.hypotheses[:2]:
            quotes = [e.text for e in report.evidence if e.id in h.evidence][:4]
            names = [n for n in ((h.entity.name, h.entity.namespace) if h.entity else ()) if n]
            queries.append((f"hypothesis {h.category}", query_from_text(h.title, context=quotes, entities=names)))
        refs: list[RunbookRef] = []
        seen: set[tuple[str, str]] = set()
        for label, query in queries:
            started = time.perf_counter()
            hits = index.search(query, k=1)
            if on_search is not None:
                on_search("runbooks", time.perf_counter() - started, len(hits))
            if hits and (hits[0].path, hits[0].section) not in seen:
                hit = hits[0]
                seen.add((hit.path, hit.section))
                excerpt = "\n".join(hit.excerpt.splitlines()[:_EXCERPT_LINES]) if hit.excerpt else None
                refs.append(RunbookRef(path=hit.path, section=hit.section, score=round(hit.score, 3), for_=label, excerpt=excerpt))
        warnings += list(index.warnings)
    report.runbooks = refs[:RUNBOOKS_PER_REPORT]
    return report, warnings
