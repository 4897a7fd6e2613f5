"""Attach a verified narrative to a copy of the report (the original is never modified)."""

from __future__ import annotations

from opslens.llm.narrative import Narration
from opslens.llm.pricing import estimate_cost, price_for
from opslens.llm.providers.base import Provider
from opslens.llm.settings import Settings, Task
from opslens.llm.verify import Verified
from opslens.report.labels import Placement
from opslens.report.llm_models import LLMSection, PromptRef, RouteAttempt
from opslens.report.models import Command, Report, SafetyLabel


def attach(
    report: Report,
    narration: Narration,
    verified: Verified,
    *,
    provider: Provider,
    model: str,
    settings: Settings,
    attempts: list[RouteAttempt],
    tokenizer: str,
) -> Report:
    """A deep copy of `report` with the `llm` section filled and the model's checks placed."""
    enriched = report.model_copy(deep=True)
    enriched.llm = _section(narration, verified, provider, model, settings, attempts, tokenizer)
    seen = {c.cmd for c in enriched.commands} | {c.cmd for c in enriched.needs_approval}
    for check in verified.checks:
        if check.cmd in seen:
            continue
        seen.add(check.cmd)
        purpose = f"{check.purpose} (suggested by {model})".strip()
        if check.placement is Placement.AVOID:
            enriched.avoid.append(
                f"{check.cmd} — {check.safety}: {check.reason} (suggested by {model})"
            )
            continue
        command = Command(
            cmd=check.cmd,
            purpose=purpose,
            safety=SafetyLabel(check.safety),
            reason=check.reason,
            hypothesis=_category(report, check.hypothesis),
        )
        (enriched.commands if check.placement is Placement.COMMANDS else enriched.needs_approval).append(
            command
        )
    return enriched


def _section(
    narration: Narration,
    verified: Verified,
    provider: Provider,
    model: str,
    settings: Settings,
    attempts: list[RouteAttempt],
    tokenizer: str,
) -> LLMSection:
    completion = narration.completion
    prompt = narration.model_input.rendered.prompt
    usage = completion.usage
    price = price_for(model, local=provider.local, table=settings.prices)
    warnings = []
    if usage.prompt_tokens is not None and usage.prompt_tokens >= narration.context:
        warnings.append(
            f"the server counted {usage.prompt_tokens} prompt tokens for a {narration.context}-token context: the prompt may have been cut"
        )
    if completion.finish_reason == "length":
        warnings.append("the answer stopped at the output-token limit")
    return LLMSection(
        provider=provider.name,
        model=completion.model or model,
        prompt=PromptRef(name=prompt.name, version=prompt.version, sha256=prompt.sha256),
        narrative=verified.summary or None,
        tokens_in=usage.prompt_tokens,
        tokens_out=usage.completion_tokens,
        latency_first_token_s=_round(completion.first_token_s),
        latency_total_s=_round(completion.total_s),
        cost_usd=estimate_cost(price, usage.prompt_tokens, usage.completion_tokens),
        verification=verified.verification,
        omitted_evidence=list(narration.model_input.omitted),
        task=Task.SUMMARIZE.value,
        endpoint=provider.endpoint,
        narrative_supported=verified.summary_supported,
        hypotheses=verified.hypotheses,
        checks=verified.checks,
        open_questions=verified.open_questions,
        flags=verified.flags,
        attempts=attempts,
        context_tokens=narration.context,
        prompt_tokens_estimate=narration.model_input.prompt_tokens,
        tokenizer=tokenizer,
        truncated_evidence=list(narration.model_input.truncated),
        redactions=narration.model_input.redactions,
        json_from_text=narration.json_from_text,
        warnings=warnings,
    )


def _category(report: Report, ref: str | None) -> str | None:
    if not ref:
        return None
    index = int(ref[1:]) - 1
    return report.hypotheses[index].category if 0 <= index < len(report.hypotheses) else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
