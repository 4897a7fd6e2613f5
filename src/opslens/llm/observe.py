"""What the LLM layer tells whoever watches it: one `CallRecord` per model call (served or
failed) and one `VerificationRecord` per verified answer.

The LLM layer measures and reports; it keeps no counters and writes nothing. Metrics, the
store and cost budgets (`opslens.llmops`) subscribe by passing an `LLMObserver` to `apply_llm`,
so the figures come from the one place every model call goes through (`service._run`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class CallRecord:
    """One model call. `outcome` is `ok` or the `FailureKind` value of the error."""

    provider: str
    model: str
    task: str
    prompt_name: str
    prompt_version: str
    prompt_hash: str
    outcome: str
    error: str | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    latency_s: float | None = None
    first_token_s: float | None = None
    cost_usd: float | None = None
    #: Server-side seconds the model computed (Ollama's total_duration); None when not reported.
    compute_s: float | None = None
    #: Server-side decode seconds (Ollama's eval_duration), for tokens/s.
    eval_s: float | None = None


@dataclass(frozen=True)
class VerificationRecord:
    """What verification did to one served answer."""

    provider: str
    model: str
    prompt_name: str
    prompt_version: str
    citations_total: int
    citations_dropped: int
    claims_dropped: int
    #: Commands the guard kept out of the read-only list (needs approval or avoid).
    unsafe_commands: int


class LLMObserver(Protocol):
    """Receives what the LLM layer measured. Implementations must not raise."""

    def on_call(self, call: CallRecord) -> None: ...

    def on_verification(self, record: VerificationRecord) -> None: ...


class Observers:
    """Several observers as one."""

    def __init__(self, *observers: LLMObserver | None) -> None:
        self._observers = [o for o in observers if o is not None]

    def on_call(self, call: CallRecord) -> None:
        for observer in self._observers:
            observer.on_call(call)

    def on_verification(self, record: VerificationRecord) -> None:
        for observer in self._observers:
            observer.on_verification(record)

