"""The report's `llm` section: what the model said, and how opslens verified it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


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
