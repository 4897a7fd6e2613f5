"""Markdown rendering of a report for humans at 3 a.m.: most important first, no wide lines."""

from __future__ import annotations

import re
import textwrap
from datetime import datetime

from opslens.report.models import EntityRef, Report

WIDTH = 100
_QUOTE_CHARS = 150


def _t(ts: datetime | None) -> str:
    return ts.strftime("%Y-%m-%d %H:%M:%SZ") if ts else "?"


def _hm(ts: datetime | None) -> str:
    return ts.strftime("%m-%d %H:%M:%S") if ts else "--"


def _wrap(text: str, indent: str = "") -> str:
    """Fill to WIDTH; list items keep their continuation lines under the item's text."""
    hang = indent
    stripped = text.lstrip()
    if stripped.startswith("- "):
        hang = indent + "  "
    elif (m := re.match(r"\d+\. ", stripped)) is not None:
        hang = indent + " " * m.end()
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=hang, break_on_hyphens=False, break_long_words=False)


def _cut(text: str, limit: int = _QUOTE_CHARS) -> str:
    text = text.replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tail(text: str, limit: int) -> str:
    """The end of a long path (file name and line matter most)."""
    return text if len(text) <= limit else "…" + text[-(limit - 1):]


def _ent(e: EntityRef | None) -> str:
    if e is None:
        return ""
    ns = f"{e.namespace}/" if e.namespace else ""
    return f"{e.kind} {ns}{e.name}"


def _ids(ids: list[str]) -> str:
    return f" [{', '.join(ids[:6])}{', …' if len(ids) > 6 else ''}]" if ids else ""


def render_markdown(report: Report) -> str:
    """The whole report as Markdown."""
    out: list[str] = ["# Incident brief", ""]
    out.append(f"**Window** {_t(report.window.start)} → {_t(report.window.end)}  ")
    out.append(f"**Onset** {_t(report.onset) if report.onset else 'not determined'}")
    out += ["", "## Summary", "", _wrap(report.summary), ""]
    if report.status_update:
        out += ["## Status update", "", _wrap(report.status_update), ""]
    _hypotheses(report, out)
    _commands(report, out)
    _timeline(report, out)
    _alerts(report, out)
    _changes(report, out)
    _patterns(report, out)
    _anomalies(report, out)
    _runbooks(report, out)
    _llm(report, out)
    _evidence(report, out)
    _stats(report, out)
    return "\n".join(out).rstrip() + "\n"


def _hypotheses(report: Report, out: list[str]) -> None:
    out += ["## Hypotheses", ""]
    if not report.hypotheses:
        out += ["No hypothesis is supported by the evidence.", ""]
        return
    for i, h in enumerate(report.hypotheses, 1):
        who = f" — {_ent(h.entity)}" if h.entity else ""
        out.append(_wrap(f"{i}. **{h.category}** ({h.confidence:.0%}){who}: {h.title}{_ids(h.evidence)}"))
        if h.rationale:
            out.append(_wrap(h.rationale, "   "))
    out.append("")


def _commands(report: Report, out: list[str]) -> None:
    if report.commands or report.checks_in_words:
        out += ["## Checks (read-only)", ""]
        for c in report.commands:
            out.append(_wrap(f"- {c.purpose}", ""))
            out += ["  ```", f"  {c.cmd}", "  ```"]
        out += [_wrap(f"- {words}", "") for words in report.checks_in_words]
        out.append("")
    if report.needs_approval:
        out += ["## Needs approval (not read-only)", ""]
        for c in report.needs_approval:
            out.append(_wrap(f"- `{_cut(c.cmd, 80)}` — {c.safety.value}: {c.reason or c.purpose}"))
        out.append("")
    if report.avoid:
        out += ["## Avoid for now", ""]
        out += [_wrap(f"- {a}") for a in report.avoid]
        out.append("")


def _timeline(report: Report, out: list[str]) -> None:
    if not report.timeline:
        return
    out += ["## Timeline", ""]
    for entry in report.timeline:
        out.append(_wrap(f"- {_hm(entry.ts)} {_cut(entry.text, 160)}{_ids(entry.evidence)}"))
    out.append("")


def _alerts(report: Report, out: list[str]) -> None:
    if not report.alerts:
        return
    out += ["## Alerts", ""]
    for a in report.alerts[:20]:
        where = f" [{a.namespace}]" if a.namespace else ""
        sev = f" {a.severity}" if a.severity else ""
        line = f"- {a.status}{sev} **{a.alertname}**{where} ×{a.count} since {_hm(a.first_seen)}"
        if a.summary:
            line += f": {_cut(a.summary, 120)}"
        out.append(_wrap(line))
    out.append("")


def _changes(report: Report, out: list[str]) -> None:
    if not report.changes:
        return
    out += ["## Changes", ""]
    for c in report.changes[:12]:
        before = f" ({c.minutes_before_onset:+.0f} min before onset)" if c.minutes_before_onset is not None else ""
        out.append(_wrap(f"- {_hm(c.ts)} {c.kind}: {_cut(c.summary, 120)}{before}{_ids([c.evidence] if c.evidence else [])}"))
    out.append("")


def _patterns(report: Report, out: list[str]) -> None:
    if not report.patterns:
        return
    out += ["## Top patterns", ""]
    for p in report.patterns[:12]:
        status = f" {p.status}" if p.status and p.status != "steady" else ""
        out.append(_wrap(f"- ×{p.count} {p.severity}{status}: `{_cut(p.template, 120)}`"))
    out.append("")


def _anomalies(report: Report, out: list[str]) -> None:
    if not report.anomalies:
        return
    out += ["## Metric anomalies", ""]
    for a in report.anomalies[:10]:
        out.append(_wrap(f"- {_cut(a.series, 90)}: {a.shape} {a.direction} from {a.baseline:.4g} to {a.peak:.4g} at {_hm(a.onset)}"))
    out.append("")


def _runbooks(report: Report, out: list[str]) -> None:
    if not report.runbooks:
        return
    out += ["## Runbooks", ""]
    for r in report.runbooks:
        out.append(_wrap(f"- {r.path} § {r.section} (for {r.for_}, score {r.score:.2f})"))
    out.append("")


def _llm(report: Report, out: list[str]) -> None:
    if report.llm is None or not report.llm.narrative:
        return
    out += [f"## Narrative ({report.llm.model})", "", _wrap(report.llm.narrative), ""]


def _evidence(report: Report, out: list[str]) -> None:
    if not report.evidence:
        return
    out += ["## Evidence", ""]
    for e in report.evidence:
        count = f" ×{e.count}" if e.count > 1 else ""
        flag = " ⚠ suspicious" if e.suspicious else ""
        out.append(f"- **{e.id}** {e.kind.value}{count}{flag} {_tail(e.source, 70)}")
        out += _quote_block(e.text)
    out.append("")


def _quote_block(text: str, width: int = WIDTH - 6, max_lines: int = 3) -> list[str]:
    """A verbatim quote as an indented code block, hard-wrapped so nothing scrolls sideways."""
    chunks = [text[i : i + width] for i in range(0, len(text), width)] or [""]
    if len(chunks) > max_lines:
        chunks = chunks[:max_lines]
        chunks[-1] = chunks[-1][:-1] + "…"
    return ["", *(f"      {c}" for c in chunks), ""]


def _stats(report: Report, out: list[str]) -> None:
    s = report.stats
    out += ["## Input", ""]
    out.append(f"{s.inputs} inputs, {s.lines:,} lines, {s.events:,} events in {s.seconds:.1f}s.")
    if s.redactions:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(s.redactions.items()))
        out.append(f"Secrets redacted from this report: {kinds}.")
    if s.inferred:
        out.append(f"{s.inferred:,} event times were inferred (relative ages, year-less stamps or a neighbour's time).")
    if s.understood is not None and s.understood < 0.995:
        out.append(f"Understood {s.understood:.0%} of the input lines; the rest was read as plain text.")
    for title, entries in (("Not understood", s.unrecognized), ("Skipped", s.skipped)):
        if entries:
            out += ["", f"{title} ({len(entries)}):"]
            out += [_wrap(f"- {_cut(k.source, 80)}: {k.reason}") for k in entries[:20]]
            if len(entries) > 20:
                out.append(f"- … and {len(entries) - 20} more")
    out.append("")
