"""What the model must answer: the JSON schema it is given, and a forgiving parser.

The schema is strict-mode compatible (every property required, no extra properties) so the
same document works for Ollama's `format`, OpenAI's `json_schema` and vLLM/llama.cpp guided
decoding. Parsing is forgiving because small models wrap JSON in prose or code fences, or
give a string where a list was asked for; verification (not parsing) decides what is shown.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from opslens.llm.errors import FailureKind, LLMError

_ID_LIST = re.compile(r"[A-Za-z]+\d+")


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class HypothesisNote(_Lenient):
    ref: str | None = None
    title: str = ""
    commentary: str = ""
    root_cause: bool = False
    evidence: list[str] = []

    @field_validator("evidence", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        return _id_list(value)


class SuggestedCheck(_Lenient):
    command: str
    purpose: str = ""
    hypothesis: str | None = None
    evidence: list[str] = []

    @field_validator("command", mode="before")
    @classmethod
    def _argv(cls, value: Any) -> Any:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return shlex.join(value)
        return value

    @field_validator("evidence", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        return _id_list(value)


class NarrativeOutput(_Lenient):
    summary: str
    hypotheses: list[HypothesisNote] = []
    checks: list[SuggestedCheck] = []
    open_questions: list[str] = []


def _id_list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return _ID_LIST.findall(value)
    return value


_IDS = {"type": "array", "items": {"type": "string"}}
_NULLABLE_STR = {"type": ["string", "null"]}

NARRATIVE_SCHEMA_V1: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["summary", "hypotheses", "checks", "open_questions"],
    "properties": {
        "summary": {
            "type": "string",
            "description": "3-6 sentences, each claim citing ids like [E3].",
        },
        "hypotheses": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["ref", "title", "commentary", "root_cause", "evidence"],
                "properties": {
                    "ref": {
                        **_NULLABLE_STR,
                        "description": "H-id of an opslens hypothesis, or null for a new one.",
                    },
                    "title": {"type": "string"},
                    "commentary": {"type": "string"},
                    "root_cause": {
                        "type": "boolean",
                        "description": "True only if the cited evidence proves it.",
                    },
                    "evidence": {**_IDS, "description": "Evidence ids supporting this."},
                },
            },
        },
        "checks": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["command", "purpose", "hypothesis", "evidence"],
                "properties": {
                    "command": {"type": "string", "description": "One read-only command."},
                    "purpose": {"type": "string"},
                    "hypothesis": _NULLABLE_STR,
                    "evidence": _IDS,
                },
            },
        },
        "open_questions": {"type": "array", "items": {"type": "string"}},
    },
}

#: Output schemas by the name prompt headers use (`output_schema: triage_narrative.v1`).
SCHEMAS: dict[str, tuple[dict[str, Any], type[BaseModel]]] = {
    "triage_narrative.v1": (NARRATIVE_SCHEMA_V1, NarrativeOutput),
}


def schema_named(name: str) -> tuple[dict[str, Any], type[BaseModel]]:
    """The JSON schema and parser model a prompt header refers to."""
    try:
        return SCHEMAS[name]
    except KeyError:
        raise LLMError(
            FailureKind.BAD_OUTPUT, f"unknown output schema {name!r}; known: {', '.join(SCHEMAS)}"
        ) from None


def parse_narrative(text: str, *, finish_reason: str | None = None) -> tuple[NarrativeOutput, bool]:
    """Parse the model's reply; returns (output, whether JSON had to be dug out of prose)."""
    try:
        return NarrativeOutput.model_validate(json.loads(text)), False
    except (ValueError, ValidationError):
        pass
    for candidate in _json_objects(text):
        try:
            return NarrativeOutput.model_validate(candidate), True
        except ValidationError:
            continue
    if finish_reason == "length":
        raise LLMError(
            FailureKind.BAD_OUTPUT,
            "the model's answer was cut at the output-token limit before its JSON ended",
        )
    raise LLMError(FailureKind.BAD_OUTPUT, "the model did not answer with the requested JSON")


def _json_objects(text: str) -> list[dict[str, Any]]:
    """JSON objects embedded in text (code fences, prose before or after), largest first."""
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    index = text.find("{")
    while index != -1:
        try:
            value, end = decoder.raw_decode(text, index)
        except ValueError:
            index = text.find("{", index + 1)
            continue
        if isinstance(value, dict):
            found.append(value)
        index = text.find("{", end)
    return sorted(found, key=lambda d: len(json.dumps(d)), reverse=True)
