"""Building the model input: redaction, fencing, ranking, packing to a token budget."""

from __future__ import annotations

import re

import pytest

from opslens.llm.errors import FailureKind, LLMError
from opslens.llm.narrative import MAX_ITEM_CHARS, build_input
from opslens.llm.prompts import load_prompt
from opslens.llm.tokens import EstimateCounter
from opslens.report.models import Evidence, EvidenceKind, Report

COUNT = EstimateCounter()
SECRET = "AKIAIOSFODNN7EXAMPLE"


def test_evidence_is_redacted_and_fenced(report: Report, guard) -> None:  # noqa: ANN001
    report.evidence[2].text += f" aws_access_key_id={SECRET}"
    built = build_input(report, load_prompt("triage_summary"), guard, budget=6000, count=COUNT)
    prompt = built.rendered.system + built.rendered.user
    assert SECRET not in prompt
    assert built.redactions
    redacted = guard.strip_control(guard.redactor().redact(report.evidence[0].text))
    fenced = re.search(
        r"<<<UNTRUSTED (\w+) E1>>>\n(.*?)\n<<<END UNTRUSTED \1>>>", prompt, re.DOTALL
    )
    assert fenced and fenced.group(2) == redacted  # the guard's fence, around the redacted text


def test_everything_fits_a_large_budget(report: Report, guard) -> None:  # noqa: ANN001
    built = build_input(report, load_prompt("triage_summary"), guard, budget=6000, count=COUNT)
    assert set(built.included) == {e.id for e in report.evidence}
    assert built.omitted == ()


def test_small_budget_keeps_the_most_informative_and_names_the_rest(report: Report, guard) -> None:  # noqa: ANN001
    prompt = load_prompt("triage_summary")
    full = build_input(report, prompt, guard, budget=6000, count=COUNT).prompt_tokens
    built = build_input(report, prompt, guard, budget=full - 60, count=COUNT)
    assert built.prompt_tokens <= full - 60
    assert built.omitted and built.included
    assert built.included[0] in {"E1", "E3", "E4"}  # cited by the strongest hypothesis
    assert "E5" in built.omitted  # the suspicious line goes first when space is short
    assert ", ".join(built.omitted) in built.rendered.user  # the model is told what is missing


def test_budget_below_the_fixed_prompt_is_context_too_small(report: Report, guard) -> None:  # noqa: ANN001
    with pytest.raises(LLMError) as caught:
        build_input(report, load_prompt("triage_summary"), guard, budget=50, count=COUNT)
    assert caught.value.kind is FailureKind.CONTEXT_TOO_LONG


def test_long_excerpts_are_cut_visibly(report: Report, guard) -> None:  # noqa: ANN001
    report.evidence.append(
        Evidence(
            id="E6", kind=EvidenceKind.LOG, source="big.log:1", text="x" * (MAX_ITEM_CHARS + 500)
        )
    )
    built = build_input(report, load_prompt("triage_summary"), guard, budget=8000, count=COUNT)
    assert built.truncated == ("E6",)
    assert "[500 more characters not shown]" in built.rendered.user
