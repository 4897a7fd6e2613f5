"""The report's `llm` section: what the model said, and how opslens verified it.

Fields are only ever added (optional, with defaults) so older readers keep working.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from opslens.report.labels import Placement, SafetyLabel


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PromptRef(_Model):
    name: str
    version: str
    sha256: str


class Verification(_Model):
    dropped_citations: int = 0
    unsupported_claims: int = 0
    downgraded_root_causes: int = 0
    commands_moved: int = 0
    suspicious_echoes: int = 0
    dropped_ids: list[str] = Field(default_factory=list, description="Cited ids that do not exist.")


class LLMHypothesis(_Model):
    """The model's comment on an opslens hypothesis (`ref`), or a new idea of its own."""

    ref: str | None = Field(None, description="H-id (1-based rank in `hypotheses`), or null.")
    title: str
    commentary: str = ""
    root_cause: bool = Field(False, description="Kept only when backed by valid citations.")
    downgraded: bool = Field(False, description="Claimed root cause without evidence.")
    supported: bool = Field(description="Has at least one valid evidence citation.")
    evidence: list[str] = Field(default_factory=list, description="Valid evidence ids only.")
    flags: list[str] = Field(default_factory=list)


class LLMCheck(_Model):
    """A command the model suggested, with the guard's verdict and where it was placed."""

    cmd: str
    purpose: str = ""
    safety: SafetyLabel = Field(description="The guard's label.")
    reason: str | None = None
    placement: Placement = Field(description="Where the command was put.")
    hypothesis: str | None = None
    evidence: list[str] = Field(default_factory=list)


class RouteAttempt(_Model):
    provider: str
    model: str
    outcome: str = Field(description='"served", or why this model was passed over.')


class LLMSection(_Model):
    provider: str
    model: str
    prompt: PromptRef
    narrative: str | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    latency_first_token_s: float | None = None
    latency_total_s: float | None = None
    cost_usd: float | None = None
    verification: Verification = Field(default_factory=Verification)
    omitted_evidence: list[str] = Field(default_factory=list)
    # Added with the LLM layer (all optional):
    task: str | None = None
    endpoint: str | None = None
    narrative_supported: bool | None = Field(
        None, description="The narrative cites valid evidence."
    )
    hypotheses: list[LLMHypothesis] = Field(default_factory=list)
    checks: list[LLMCheck] = Field(default_factory=list)
    open_questions: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list, description="Text echoing suspicious evidence.")
    attempts: list[RouteAttempt] = Field(default_factory=list)
    context_tokens: int | None = Field(None, description="Context window used (num_ctx).")
    prompt_tokens_estimate: int | None = None
    tokenizer: str | None = Field(None, description="How prompt tokens were counted.")
    truncated_evidence: list[str] = Field(default_factory=list, description="Shown only in part.")
    redactions: dict[str, int] = Field(default_factory=dict, description="Redacted before sending.")
    json_from_text: bool = Field(False, description="JSON had to be extracted from prose.")
    warnings: list[str] = Field(default_factory=list)
