"""Build the model's input from a Report, call the model, and attach the verified narrative.

The input is the report's evidence, redacted by the guard, fenced as untrusted text, ranked
most informative first and packed into the token budget of the model's context; whatever did
not fit is named, both to the model and in the report (`llm.omitted_evidence`).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from opslens.llm.errors import FailureKind, LLMError
from opslens.llm.guarding import Guard
from opslens.llm.output import NarrativeOutput, parse_narrative, schema_named
from opslens.llm.prompts import Prompt, RenderedPrompt, render
from opslens.llm.providers.base import ChatRequest, Completion, Message, Provider, Role, complete
from opslens.llm.settings import Settings
from opslens.llm.tokens import Item, TokenCounter, pack
from opslens.report.models import Evidence, Report

MAX_ITEM_CHARS = 700  # one evidence excerpt; longer ones are cut with a visible marker
OUTPUT_MARGIN = 64  # tokens kept free for the chat template's role markers
_KIND_WEIGHT = {"alert": 1.5, "change": 1.5, "event": 1.0, "metric": 1.0, "log": 0.8}


@dataclass(frozen=True)
class ModelInput:
    rendered: RenderedPrompt
    included: tuple[str, ...]
    omitted: tuple[str, ...]
    truncated: tuple[str, ...]
    prompt_tokens: int
    redactions: dict[str, int]


@dataclass(frozen=True)
class Narration:
    """One successful model call: what was sent, what came back, parsed."""

    model_input: ModelInput
    completion: Completion
    output: NarrativeOutput
    json_from_text: bool
    context: int


def hypothesis_refs(report: Report) -> list[str]:
    """The H-ids the prompt uses for the report's hypotheses (1-based rank)."""
    return [f"H{i}" for i in range(1, len(report.hypotheses) + 1)]


def build_input(
    report: Report, prompt: Prompt, guard: Guard, *, budget: int, count: TokenCounter
) -> ModelInput:
    """Redact, fence, rank and pack the evidence into a rendered prompt of at most `budget` tokens."""
    redactor = guard.redactor()
    scrub = lambda text: guard.strip_control(redactor.redact(text))  # noqa: E731
    blocks, truncated = {}, []
    for ev in report.evidence:
        text = scrub(ev.text)
        if len(text) > MAX_ITEM_CHARS:
            truncated.append(ev.id)
            text = (
                f"{text[:MAX_ITEM_CHARS]}… [{len(text) - MAX_ITEM_CHARS} more characters not shown]"
            )
        suspicious = ev.suspicious or guard.find_injection(ev.text) is not None
        blocks[ev.id] = _block(ev, guard.fence_untrusted(text, label=ev.id), scrub, suspicious)
    base = _variables(report, scrub)
    ranks = _ranks(report, {k for k, b in blocks.items() if b["suspicious"]})
    items = [Item(ev.id, _sizing_text(blocks[ev.id]), ranks[ev.id]) for ev in report.evidence]
    fixed = count.count(_render_with(prompt, base, [], [e.id for e in report.evidence]))
    packing = pack(items, budget - fixed, count)
    kept = [i.id for i in packing.kept]
    while True:
        omitted = [i.id for i in sorted(items, key=lambda i: i.rank) if i.id not in kept]
        rendered = render(
            prompt, {**base, "evidence": [blocks[k] for k in kept], "omitted": omitted}
        )
        tokens = count.count(rendered.system) + count.count(rendered.user)
        if tokens <= budget or not kept:
            break
        kept.pop()  # the template's own overhead per item was underestimated: drop the least informative
    if tokens > budget:
        raise LLMError(
            FailureKind.CONTEXT_TOO_LONG,
            f"context too small: the prompt needs {tokens} tokens before any evidence, the budget is {budget}",
        )
    return ModelInput(
        rendered,
        tuple(kept),
        tuple(omitted),
        tuple(t for t in truncated if t in kept),
        tokens,
        dict(redactor.counts),
    )


def narrate(
    report: Report,
    provider: Provider,
    model: str,
    settings: Settings,
    prompt: Prompt,
    guard: Guard,
    count: TokenCounter,
) -> Narration:
    """Ask `model` on `provider` for the narrative of `report` and parse its answer."""
    context = _context(provider, model, settings)
    budget = context - settings.max_output_tokens - OUTPUT_MARGIN
    if budget <= 0:
        raise LLMError(
            FailureKind.CONTEXT_TOO_LONG, f"context of {context} tokens leaves no room for evidence"
        )
    model_input = build_input(report, prompt, guard, budget=budget, count=count)
    schema, _ = schema_named(prompt.output_schema)
    request = ChatRequest(
        model=model,
        messages=(
            Message(Role.SYSTEM, model_input.rendered.system),
            Message(Role.USER, model_input.rendered.user),
        ),
        schema=schema,
        schema_name=prompt.output_schema.replace(".", "_"),
        temperature=settings.temperature,
        seed=settings.seed,
        num_ctx=context,
        max_tokens=settings.max_output_tokens,
    )
    completion = complete(provider, request)
    output, from_text = parse_narrative(completion.text, finish_reason=completion.finish_reason)
    return Narration(model_input, completion, output, from_text, context)


def _context(provider: Provider, model: str, settings: Settings) -> int:
    """The context to use: configured (or the 8k default), never more than the model has."""
    wanted = settings.context or settings.default_context
    known = provider.context_length(model)
    return min(wanted, known) if known else wanted


def _variables(report: Report, scrub: Any) -> dict[str, Any]:
    window = (
        " to ".join(_iso(t) for t in (report.window.start, report.window.end) if t) or "unknown"
    )
    hypotheses = [
        {
            "ref": ref,
            "category": h.category,
            "title": scrub(h.title),
            "confidence": round(h.confidence, 2),
            "evidence": h.evidence,
        }
        for ref, h in zip(hypothesis_refs(report), report.hypotheses, strict=True)
    ]
    return {
        "window": window,
        "onset": _iso(report.onset) if report.onset else None,
        "summary": scrub(report.summary),
        "hypotheses": hypotheses,
    }


def _block(ev: Evidence, fenced: str, scrub: Any, suspicious: bool) -> dict[str, Any]:
    return {
        "id": ev.id,
        "kind": ev.kind.value,
        "source": scrub(ev.source),
        "ts": _iso(ev.ts) if ev.ts else None,
        "count": ev.count,
        "suspicious": suspicious,
        "fenced": fenced,
        "detail": scrub(ev.detail) if ev.detail else None,
    }


def _sizing_text(block: dict[str, Any]) -> str:
    """Text whose token count approximates the block as the template renders it."""
    return (
        " | ".join(str(block[k]) for k in ("id", "kind", "source", "ts", "count"))
        + "\n"
        + block["fenced"]
        + "\n"
        + (block["detail"] or "")
    )


def _render_with(
    prompt: Prompt, base: dict[str, Any], evidence: list[dict[str, Any]], omitted: list[str]
) -> str:
    rendered = render(prompt, {**base, "evidence": evidence, "omitted": omitted})
    return rendered.system + rendered.user


def _ranks(report: Report, suspicious: set[str]) -> dict[str, float]:
    """Lower is more informative: cited by strong hypotheses, alerts and changes, repeated often."""
    score: Counter[str] = Counter()
    for position, h in enumerate(report.hypotheses):
        weight = (1.0 + h.confidence) * 3.0 / (1 + position)
        for eid in h.evidence:
            score[eid] += weight
        for eid in h.against:
            score[eid] += weight / 2
    refs = [a.evidence for a in report.alerts] + [c.evidence for c in report.changes]
    refs += [p.evidence for p in report.patterns] + [a.evidence for a in report.anomalies]
    refs += [eid for t in report.timeline for eid in t.evidence]
    for eid in refs:
        if eid:
            score[eid] += 1.0
    ranks = {}
    for index, ev in enumerate(report.evidence):
        value = score[ev.id] + _KIND_WEIGHT.get(ev.kind.value, 1.0) + 0.3 * math.log1p(ev.count)
        if ev.id in suspicious:
            value -= 3.0  # still shown when there is room, after what informs
        ranks[ev.id] = -value + index * 1e-6  # ties keep the report's order
    return ranks


def _iso(ts: Any) -> str:
    return ts.isoformat().replace("+00:00", "Z")
