"""Every model call kept for the store: `CallLog` observes the LLM layer and turns each
`CallRecord` into the store's `LLMCallRecord`; the caller saves them with the report
(`Store.save_report(llm_calls=...)`) or on their own (`write_to`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opslens.store.records import LLMCallRecord

if TYPE_CHECKING:  # the records only: a triage that saves nothing loads no database library
    from opslens.llm.observe import CallRecord, VerificationRecord
    from opslens.store import Store


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 3)


def to_store_record(call: CallRecord) -> LLMCallRecord:
    """The store's record of one call (not yet tied to an incident)."""
    return LLMCallRecord(
        provider=call.provider, model=call.model, outcome=call.outcome,
        prompt_name=call.prompt_name, prompt_version=call.prompt_version,
        prompt_hash=call.prompt_hash, tokens_in=call.tokens_in, tokens_out=call.tokens_out,
        latency_ms=_ms(call.latency_s), cost=call.cost_usd, error=call.error, task=call.task,
        first_token_ms=_ms(call.first_token_s), compute_ms=_ms(call.compute_s),
        decode_ms=_ms(call.eval_s),
    )


class CallLog:
    """Collects the calls of one triage (an `LLMObserver`; retrieval is not logged)."""

    def __init__(self) -> None:
        self.calls: list[CallRecord] = []
        self.verifications: list[VerificationRecord] = []

    def on_call(self, call: CallRecord) -> None:
        self.calls.append(call)

    def on_verification(self, record: VerificationRecord) -> None:
        self.verifications.append(record)

    def on_retrieval(self, index: str, seconds: float, results: int) -> None:
        pass

    def records(self) -> list[LLMCallRecord]:
        return [to_store_record(c) for c in self.calls]

    def write_to(self, store: Store) -> None:
        """Record every collected call, unlinked (a triage that was not saved)."""
        for record in self.records():
            store.record_llm_call(record)
