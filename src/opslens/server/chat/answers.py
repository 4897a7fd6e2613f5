"""What opslens says in a chat: the brief, an answer to a follow-up, or what to paste.

The brief is the CLI's Markdown (`opslens triage --format markdown`), unchanged: hypotheses
with their evidence ids, read-only checks (already through the guard), what to avoid, and the
evidence quoted verbatim; with a model, its verified narrative section. Follow-ups are answered
from that triage's report only, deterministically: a hypothesis's score, evidence and what
argues against it; the checks; the evidence of hypothesis N. (With a model configured the
follow-ups stay deterministic: the LLM layer has one verified task, the triage narrative.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from opslens.report.markdown import render_markdown
from opslens.report.models import Evidence, Hypothesis, Report
from opslens.taxonomy import Category

__all__ = ["NO_MATERIAL", "brief", "follow_up", "wants_follow_up"]

NO_MATERIAL = """\
I triage incident material, and I found none in this chat yet. Paste (or attach) what you have, \
as text, in one message:

- `kubectl describe pod ...` / `kubectl describe deployment ...` output
- `kubectl get events -A --sort-by=.lastTimestamp` (the table, or `-o json`)
- log excerpts: `kubectl logs ... --previous`, application logs, `journalctl -u ... --since ...`
- firing alerts (Alertmanager JSON or the alert text) and recent changes (`git log`, \
`helm history`, `kubectl rollout history`)

Fenced code blocks are fine, several at once too. I answer with ranked hypotheses, the \
evidence lines behind each, read-only checks and what to avoid; then ask "why not the \
deploy?", "what next?" or "show the evidence for 2".
"""

# Words people use for a category, beyond its own name.
_SYNONYMS: dict[Category, tuple[str, ...]] = {
    Category.BAD_DEPLOY: ("deploy", "deployment", "rollout", "release", "change"),
    Category.CONFIG_ERROR: ("config", "configuration", "configmap"),
    Category.OOM: ("oom", "memory", "oomkilled"),
    Category.IMAGE_PULL: ("image", "pull"),
    Category.DB_CONNECTIVITY: ("database", "db", "postgres", "mysql"),
    Category.DEPENDENCY_OUTAGE: ("dependency", "upstream", "downstream"),
    Category.DNS_FAILURE: ("dns",),
    Category.CERT_EXPIRY: ("cert", "certificate", "tls", "ssl"),
    Category.DISK_PRESSURE: ("disk", "storage", "volume"),
    Category.NODE_FAILURE: ("node",),
    Category.SCHEDULING: ("scheduling", "pending", "unschedulable"),
    Category.PROBE_MISCONFIG: ("probe", "liveness", "readiness"),
    Category.RESOURCE_EXHAUSTION_CPU: ("cpu", "throttling"),
    Category.RATE_LIMIT: ("rate", "429", "throttled"),
    Category.NETWORK_POLICY: ("networkpolicy", "network"),
    Category.CRASH_BUG: ("crash", "bug", "panic", "exception"),
    Category.SECRET_MISSING: ("secret",),
}
_EVIDENCE_FOR = re.compile(r"\bevidence\b.*?\b(?:for|of|behind)?\s*(?:#|hypothesis\s*|h)?(\d+)\b", re.I)
_NEXT = re.compile(r"\b(?:what next|next steps?|what (?:now|should i do|do i do|to check)|checks?|"
                   r"how (?:do i|to) (?:check|verify|fix))\b", re.I)
_WHY_NOT = re.compile(r"\bwhy\s+(?:not|isn'?t it|wasn'?t it)\b", re.I)
_WHY = re.compile(r"\bwhy\b|\bexplain\b|\bhow sure\b", re.I)


def brief(report: Report) -> str:
    """The full brief, as the CLI renders it."""
    return render_markdown(report)


def wants_follow_up(question: str) -> bool:
    """Whether `question` is one of the follow-ups answered from an earlier triage."""
    return bool(_EVIDENCE_FOR.search(question) or _NEXT.search(question) or _WHY.search(question))


def follow_up(report: Report, question: str) -> str:
    """The answer to `question` from `report` alone."""
    if (wanted := _EVIDENCE_FOR.search(question)) is not None:
        return _evidence_of(report, int(wanted.group(1)))
    if _WHY.search(question):
        named = _named_hypothesis(report, question)
        if isinstance(named, Hypothesis):
            return _explain(report, named)
        if named is not None:
            return _not_supported(report, named)
        if not _WHY_NOT.search(question) and report.hypotheses:
            return _explain(report, report.hypotheses[0])
    if _NEXT.search(question):
        return _next_steps(report)
    return _menu(report)


def _named_hypothesis(report: Report, question: str) -> Hypothesis | Category | None:
    """The hypothesis (or, if none, the category) the question names, by number or words."""
    words = set(re.findall(r"[a-z0-9-]+", question.lower()))
    for number in re.findall(r"(?:#|\bhypothesis\s*|\bh|\b)(\d+)\b", question, re.I):
        if 1 <= int(number) <= len(report.hypotheses):  # "why 2?": a rank, not a status code
            return report.hypotheses[int(number) - 1]
    for category in Category:
        if category is Category.UNKNOWN:
            continue
        if category.value in words or words & set(_SYNONYMS.get(category, ())):
            for hypothesis in report.hypotheses:
                if hypothesis.category == category:
                    return hypothesis
            return category
    return None


def _explain(report: Report, hypothesis: Hypothesis) -> str:
    rank = report.hypotheses.index(hypothesis) + 1
    out = [f"**{hypothesis.category}** is hypothesis {rank} of {len(report.hypotheses)}, at "
           f"{hypothesis.confidence:.0%}: {hypothesis.title}."]
    if hypothesis.rationale:
        out += ["", hypothesis.rationale]
    out += ["", "Evidence for it:", *_quotes(report, hypothesis.evidence)]
    if hypothesis.against:
        out += ["", "Evidence against it:", *_quotes(report, hypothesis.against)]
    else:
        out += ["", "Nothing in the material argues against it."]
    if rank > 1:
        top = report.hypotheses[0]
        out += ["", f"It ranks below **{top.category}** ({top.confidence:.0%}), which has "
                    f"{len(top.evidence)} evidence lines."]
    return "\n".join(out) + "\n"


def _not_supported(report: Report, category: Category) -> str:
    out = [f"No **{category.value}** hypothesis: nothing in the material supports it."]
    if category is Category.BAD_DEPLOY:
        out += ["", *_changes(report)]
    if report.hypotheses:
        top = report.hypotheses[0]
        out += ["", f"The evidence points to **{top.category}** ({top.confidence:.0%}): {top.title}.",
                *_quotes(report, top.evidence[:3])]
    return "\n".join(out) + "\n"


def _changes(report: Report) -> list[str]:
    if not report.changes:
        return ["No deploy, rollout or commit appears in the material."]
    lines = ["Changes in the material, none of them implicated:"]
    for change in report.changes[:5]:
        when = (f" ({change.minutes_before_onset:+.0f} min from the onset)"
                if change.minutes_before_onset is not None else "")
        lines.append(f"- {change.kind}: {change.summary}{when}")
    return lines


def _evidence_of(report: Report, number: int) -> str:
    if not 1 <= number <= len(report.hypotheses):
        return f"There is no hypothesis {number}: the brief has {len(report.hypotheses)}.\n"
    hypothesis = report.hypotheses[number - 1]
    out = [f"Evidence for hypothesis {number}, **{hypothesis.category}** "
           f"({hypothesis.confidence:.0%}): {hypothesis.title}", "", *_quotes(report, hypothesis.evidence)]
    if hypothesis.against:
        out += ["", "Against:", *_quotes(report, hypothesis.against)]
    return "\n".join(out) + "\n"


def _next_steps(report: Report) -> str:
    out = ["Next, read-only checks (each passed the command guard):", ""]
    for command in report.commands:
        out += [f"- {command.purpose}", "  ```", f"  {command.cmd}", "  ```"]
    out += [f"- {words}" for words in report.checks_in_words]
    if not report.commands and not report.checks_in_words:
        out.append("- none derived from this material; paste `kubectl describe` of the affected pod.")
    if report.needs_approval:
        out += ["", "Needs approval (not read-only):"]
        out += [f"- `{c.cmd}` — {c.reason or c.purpose}" for c in report.needs_approval]
    if report.avoid:
        out += ["", "Avoid for now:", *(f"- {a}" for a in report.avoid)]
    return "\n".join(out) + "\n"


def _menu(report: Report) -> str:
    ranked = ", ".join(f"{i}. {h.category} ({h.confidence:.0%})"
                       for i, h in enumerate(report.hypotheses, 1)) or "no hypothesis"
    return (f"From the material in this chat: {ranked}.\n\nAsk \"why 1?\", \"why not the "
            "deploy?\", \"show the evidence for 2\" or \"what next?\", or paste more material "
            "for a new brief.\n")


def _quotes(report: Report, ids: Iterable[str]) -> list[str]:
    """Each cited evidence line quoted verbatim, with where it came from."""
    by_id: dict[str, Evidence] = {e.id: e for e in report.evidence}
    lines = []
    for ident in list(ids)[:8]:
        found = by_id.get(ident)
        if found is None:
            continue
        count = f" ×{found.count}" if found.count > 1 else ""
        # Quoted in a fence: a backtick in an attacker-written log line must not close it.
        quote = found.text[:400].replace("`", "'")
        lines += [f"- **{found.id}** {found.source}{count}", "  ```", f"  {quote}", "  ```"]
    return lines or ["- (no quoted line)"]
