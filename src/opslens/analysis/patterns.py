"""Message patterns: which templates are new in the incident period, which spiked, which are steady.

The window is split at the onset into a baseline and the incident period. A template is *new*
when it never occurred in a baseline long enough to have shown it, *spiking* when its rate rose
significantly (exact conditional test for two Poisson rates, plus a minimum effect size so that
huge volumes do not make trivial rises "significant").
"""

from __future__ import annotations

from opslens.analysis.digest import BUCKET_SECONDS, Digest, TemplateStats
from opslens.analysis.findings import PatternFinding, PatternStatus
from opslens.analysis.stats import rate_increase_pvalue
from opslens.events import Severity

SPIKE_P_VALUE = 1e-3
SPIKE_MIN_RATIO = 2.0
SPIKE_MIN_COUNT = 5
#: A baseline shorter than this cannot show that a pattern is new.
MIN_BASELINE_SECONDS = 5 * 60


def classify_patterns(digest: Digest, split: float | None) -> list[PatternFinding]:
    """One finding per template, with its status relative to the split (onset)."""
    findings = []
    start, end = digest.start, digest.end
    for key, stats in digest.templates.items():
        finding = PatternFinding(
            template_id=digest.miner.template_id(key),
            template=digest.miner.template(key),
            count=stats.count,
            first=stats.first,
            last=stats.last,
            severity=stats.severity,
            entities=[name for name, _ in stats.entities.most_common(5)],
            key=key,
        )
        if split is not None and start is not None and end is not None:
            _compare(finding, stats, split, start, end)
        findings.append(finding)
    findings.sort(key=rank_key)
    return findings


def _compare(finding: PatternFinding, stats: TemplateStats, split: float, start: float, end: float) -> None:
    split_minute = int(split // BUCKET_SECONDS)
    before = sum(n for minute, n in stats.minutes.items() if minute < split_minute)
    after = sum(n for minute, n in stats.minutes.items() if minute >= split_minute)
    finding.baseline_count, finding.incident_count = before, after
    before_span = max(split - start, 0.0)
    after_span = max(end - split, BUCKET_SECONDS)
    if after == 0:
        return
    if before == 0 and before_span >= MIN_BASELINE_SECONDS:
        finding.status = PatternStatus.NEW
        finding.p_value = rate_increase_pvalue(0, before_span, after, after_span)
        return
    p = rate_increase_pvalue(before, before_span, after, after_span)
    finding.p_value = p
    rate_before = before / before_span if before_span > 0 else 0.0
    rate_after = after / after_span
    if (
        p < SPIKE_P_VALUE
        and after >= SPIKE_MIN_COUNT
        and (rate_before == 0 or rate_after / rate_before >= SPIKE_MIN_RATIO)
    ):
        finding.status = PatternStatus.SPIKING


def rank_key(f: PatternFinding) -> tuple[int, int, int]:
    """New and spiking problems first, then by severity, then by volume."""
    status_rank = {PatternStatus.NEW: 0, PatternStatus.SPIKING: 1, PatternStatus.STEADY: 2}[f.status]
    problem = f.severity >= Severity.WARNING
    return (0 if problem and status_rank < 2 else 1, -int(f.severity), -f.count)
