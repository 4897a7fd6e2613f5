"""Versioned prompts, token counting and packing, pricing, output parsing."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opslens.errors import ConfigError
from opslens.llm.errors import LLMError
from opslens.llm.output import NARRATIVE_SCHEMA_V1, SCHEMAS, parse_narrative
from opslens.llm.pricing import estimate_cost, price_for
from opslens.llm.prompts import list_prompts, load_prompt, render
from opslens.llm.settings import Price
from opslens.llm.tokens import EstimateCounter, Item, counter, pack


def test_every_packaged_prompt_has_a_complete_header_and_a_known_schema() -> None:
    prompts = list_prompts()
    assert prompts, "no prompt files packaged"
    for prompt in prompts:
        assert prompt.purpose and prompt.version.startswith("v")
        assert prompt.output_schema in SCHEMAS
        assert len(prompt.sha256) == 64


def test_load_by_version_and_default_to_newest_or_configured() -> None:
    newest = load_prompt("triage_summary")
    assert (
        load_prompt("triage_summary@v1").sha256
        == load_prompt("triage_summary", {"triage_summary": "v1"}).sha256
    )
    assert newest.version == max(
        (p.version for p in list_prompts() if p.name == "triage_summary"), key=lambda v: int(v[1:])
    )


@pytest.mark.parametrize(
    ("ref", "message"), [("nope", "unknown prompt"), ("triage_summary@v99", "no version 'v99'")]
)
def test_unknown_prompt_or_version_lists_what_exists(ref: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_prompt(ref)


def test_rendering_is_sandboxed_and_strict() -> None:
    prompt = load_prompt("triage_summary")
    with pytest.raises(ConfigError, match="failed to render"):
        render(prompt, {})  # a missing variable is an error, not silently empty


def test_template_syntax_inside_evidence_is_not_evaluated() -> None:
    prompt = load_prompt("triage_summary")
    evil = "{{ ''.__class__.__mro__[1].__subclasses__() }} {% for x in range(9) %}x{% endfor %}"
    rendered = render(
        prompt,
        {
            "window": "w",
            "onset": None,
            "summary": evil,
            "hypotheses": [],
            "omitted": [],
            "evidence": [
                {
                    "id": "E1",
                    "kind": "log",
                    "source": "s",
                    "ts": None,
                    "count": 1,
                    "suspicious": False,
                    "fenced": evil,
                    "detail": None,
                }
            ],
        },
    )
    assert rendered.user.count(evil) == 2


def test_estimate_counts_log_text_conservatively() -> None:
    est = EstimateCounter()
    assert est.count("") == 0
    assert est.count("hello world") == 3  # 2 words, rounded up with the safety margin
    digits = est.count("2025-06-10T08:31:40.123Z")
    assert digits >= 12  # digit and punctuation runs cost about a token per two characters
    assert est.count("a" * 42) >= 10


@given(st.text(max_size=200), st.text(max_size=200))
def test_estimate_is_roughly_additive(a: str, b: str) -> None:
    est = EstimateCounter()
    assert est.count(a + b) <= est.count(a) + est.count(b) + 2


def test_counter_falls_back_to_the_estimate_without_tiktoken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "tiktoken", None)  # not installed
    counter.cache_clear()
    try:
        assert counter().name == "estimate"
    finally:
        counter.cache_clear()


def test_counter_never_asks_tiktoken_to_download(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def download(name: str) -> None:
        raise AssertionError(f"get_encoding({name!r}) would download the encoding")

    fake = types.SimpleNamespace(
        list_encoding_names=lambda: ["cl100k_base", "o200k_base"], get_encoding=download
    )
    monkeypatch.setitem(sys.modules, "tiktoken", fake)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))  # an empty cache
    counter.cache_clear()
    try:
        assert counter().name == "estimate"
    finally:
        counter.cache_clear()


def test_pack_keeps_most_informative_first_and_names_the_rest() -> None:
    est = EstimateCounter()
    items = [
        Item("E1", "word " * 10, 0.0),
        Item("E2", "word " * 100, 1.0),
        Item("E3", "word " * 10, 2.0),
    ]
    packing = pack(items, 40, est)
    assert [i.id for i in packing.kept] == [
        "E1",
        "E3",
    ]  # E2 does not fit; the smaller E3 still does
    assert packing.omitted == ("E2",)
    assert packing.tokens <= 40


@given(
    st.lists(st.integers(min_value=0, max_value=60), max_size=12),
    st.integers(min_value=0, max_value=200),
)
def test_pack_never_exceeds_budget_and_loses_nothing(sizes: list[int], budget: int) -> None:
    items = [Item(f"E{i}", "x " * n, float(i)) for i, n in enumerate(sizes)]
    packing = pack(items, budget, EstimateCounter())
    assert packing.tokens <= budget
    assert sorted([i.id for i in packing.kept] + list(packing.omitted)) == sorted(
        i.id for i in items
    )


@pytest.mark.parametrize(
    ("model", "local", "expected"),
    [
        ("qwen2.5:3b", True, 0.0),
        ("gpt-4o-mini", False, 0.000375),
        ("unpriced-hosted", False, None),
        ("gpt-4o-mini:2024", False, 0.000375),
    ],
)
def test_cost_from_the_price_table(model: str, local: bool, expected: float | None) -> None:
    table = {"gpt-4o-mini": Price(input=0.15, output=0.6)}
    assert estimate_cost(price_for(model, local=local, table=table), 1000, 375) == expected


def test_strict_schema_requires_every_property() -> None:
    def check(node: dict) -> None:
        if node.get("type") == "object":
            assert node["additionalProperties"] is False
            assert set(node["required"]) == set(node["properties"])
        for child in node.get("properties", {}).values():
            check(child)
        if "items" in node:
            check(node["items"])

    check(NARRATIVE_SCHEMA_V1)


ANSWER = {
    "summary": "OOM [E1].",
    "hypotheses": [],
    "checks": [
        {
            "command": ["kubectl", "get", "pods", "-n", "payments"],
            "purpose": "see",
            "hypothesis": None,
            "evidence": "E1, E3",
        }
    ],
    "open_questions": [],
}


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(ANSWER),
        "Here is the analysis:\n```json\n"
        + json.dumps(ANSWER, indent=2)
        + "\n```\nHope this helps.",
        "{broken} then " + json.dumps(ANSWER),
    ],
    ids=["plain", "fenced-in-prose", "after-garbage"],
)
def test_parse_accepts_json_in_text_and_lenient_fields(text: str) -> None:
    output, _ = parse_narrative(text)
    assert output.summary == "OOM [E1]."
    assert output.checks[0].command == "kubectl get pods -n payments"
    assert output.checks[0].evidence == ["E1", "E3"]


def test_parse_failure_names_a_cut_answer() -> None:
    with pytest.raises(LLMError, match="output-token limit"):
        parse_narrative('{"summary": "The pod', finish_reason="length")
    with pytest.raises(LLMError, match="requested JSON"):
        parse_narrative("I cannot help with that.")
