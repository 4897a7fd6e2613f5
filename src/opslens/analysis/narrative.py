"""Plain-language summary and stakeholder status update, built only from findings (no model)."""

from __future__ import annotations

from opslens.analysis.digest import Digest
from opslens.analysis.findings import AnalysisResult, HypothesisResult
from opslens.events import iso


def _where(h: HypothesisResult) -> str:
    if h.entity is None:
        return ""
    ns = f" in namespace {h.entity.namespace}" if h.entity.namespace else ""
    return f" {h.entity.kind} {h.entity.name}{ns}"


def summary(digest: Digest, result: AnalysisResult, insufficient: str | None) -> str:
    """A few sentences a human can read at 3 a.m."""
    parts: list[str] = []
    firing = _recent_firing(result)
    if result.hypotheses and not insufficient:
        top = result.hypotheses[0]
        parts.append(f"Most likely cause ({top.confidence:.0%}): {top.title}, affecting{_where(top) or ' the cluster'}.")
        if top.change:
            parts.append(f"It follows change {top.change[:12]}.")
        if len(result.hypotheses) > 1:
            alt = result.hypotheses[1]
            parts.append(f"Alternative ({alt.confidence:.0%}): {alt.category}{_where(alt)}.")
    else:
        parts.append(insufficient or "No root cause stands out.")
    if result.onset is not None:
        parts.append(f"Trouble starts around {iso(result.onset)}.")
    if firing:
        parts.append(f"Alerts firing: {', '.join(firing[:4])}.")
    if result.start is None:
        parts.append(f"Read {_events(digest.events)}, none with a timestamp.")
    else:
        parts.append(f"Read {_events(digest.events)} from {iso(result.start)} to {iso(result.end)}.")
    return " ".join(parts)


def _events(n: int) -> str:
    return f"{n:,} event" + ("" if n == 1 else "s")


def _recent_firing(result: AnalysisResult) -> list[str]:
    """Alerts firing for this incident (not the ones that have fired since long before it)."""
    return sorted({a.alertname for a in result.alerts if a.status == "firing"
                   and (result.onset is None or (a.first or 0) >= result.onset - 3600)})


def status_update(result: AnalysisResult, insufficient: str | None) -> str:
    """Impact, current hypothesis, next step: nothing beyond the evidence."""
    firing = _recent_firing(result)
    impact = f"Impact: alerts firing ({', '.join(firing[:3])})" if firing else "Impact: under assessment"
    since = f" since {iso(result.onset)}" if result.onset is not None else ""
    lines = [f"{impact}{since}."]
    if result.hypotheses and not insufficient:
        top = result.hypotheses[0]
        where = f", on{_where(top)}" if top.entity else ""
        lines.append(f"Current hypothesis ({top.confidence:.0%} confidence, not yet confirmed): {top.title}{where}.")
    else:
        lines.append("Current hypothesis: none confirmed yet; gathering more data.")
    if result.checks:
        lines.append(f"Next step: verify with read-only checks ({result.checks[0].purpose.lower()}).")
    else:
        lines.append("Next step: collect events, pod logs and recent changes for the affected services.")
    return " ".join(lines)
