"""Turn a model call (served or failed) and a verification into the records observers get."""

from __future__ import annotations

from opslens.llm.errors import LLMError
from opslens.llm.observe import CallRecord, VerificationRecord
from opslens.llm.pricing import estimate_cost, price_for
from opslens.llm.prompts import Prompt
from opslens.llm.providers.base import Completion, Provider
from opslens.llm.settings import Settings, Task
from opslens.llm.verify import Verified


def served_call(
    provider: Provider, model: str, prompt: Prompt, completion: Completion, settings: Settings
) -> CallRecord:
    """The record of a call that produced an answer."""
    usage = completion.usage
    price = price_for(model, local=provider.local, table=settings.prices)
    return CallRecord(
        provider=provider.name,
        model=model,
        task=prompt.task or Task.SUMMARIZE.value,
        prompt_name=prompt.name,
        prompt_version=prompt.version,
        prompt_hash=prompt.sha256,
        outcome="ok",
        tokens_in=usage.prompt_tokens,
        tokens_out=usage.completion_tokens,
        latency_s=completion.total_s,
        first_token_s=completion.first_token_s,
        cost_usd=estimate_cost(price, usage.prompt_tokens, usage.completion_tokens),
        compute_s=completion.timings.get("total"),
        eval_s=completion.timings.get("eval"),
    )


def failed_call(
    provider: Provider, model: str, prompt: Prompt, error: LLMError, seconds: float
) -> CallRecord:
    """The record of a call that failed (`outcome` is the failure kind)."""
    return CallRecord(
        provider=provider.name,
        model=model,
        task=prompt.task or Task.SUMMARIZE.value,
        prompt_name=prompt.name,
        prompt_version=prompt.version,
        prompt_hash=prompt.sha256,
        outcome=error.kind.value,
        error=str(error),
        latency_s=seconds,
    )


def verification_record(
    provider: Provider, model: str, prompt: Prompt, verified: Verified
) -> VerificationRecord:
    """What verification dropped and caught in one served answer."""
    counts = verified.verification
    return VerificationRecord(
        provider=provider.name,
        model=model,
        prompt_name=prompt.name,
        prompt_version=prompt.version,
        citations_total=verified.citations_kept + counts.dropped_citations,
        citations_dropped=counts.dropped_citations,
        claims_dropped=counts.unsupported_claims + counts.downgraded_root_causes,
        unsafe_commands=counts.commands_moved,
    )
