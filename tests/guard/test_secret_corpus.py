"""Structure of the documented-format secret corpus (tests/guard/corpus/secrets-documented.jsonl).

These tests check the corpus, not the redactor: bench/guard.py measures the redactor on it.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench._regex_sample import RegexSampler
from bench.make_secret_corpus import OUTPUT, build, load_formats

FIELDS = {
    "id": str,
    "line": str,
    "secrets": list,
    "keep": list,
    "kind": str,
    "style": str,
    "source": str,
}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in Path(OUTPUT).read_text(encoding="utf-8").splitlines()]


def _is_decoy(row: dict) -> bool:
    return row["kind"].startswith("decoy:")


def test_schema_matches_the_dev_corpus_plus_source(rows: list[dict]) -> None:
    for row in rows:
        assert set(row) == set(FIELDS), row["id"]
        for name, kind in FIELDS.items():
            assert isinstance(row[name], kind), (row["id"], name)
        assert all(isinstance(item, str) and item for item in row["secrets"] + row["keep"])
    assert len({row["id"] for row in rows}) == len(rows)


def test_every_row_names_its_source(rows: list[dict]) -> None:
    assert all(len(row["source"]) > 10 for row in rows)


def test_sizes_and_spread(rows: list[dict]) -> None:
    secret_rows = [row for row in rows if not _is_decoy(row)]
    assert len(secret_rows) >= 1000
    assert sum(map(_is_decoy, rows)) >= 300
    assert len({row["kind"] for row in secret_rows}) >= 200
    assert {row["style"] for row in rows} >= {"json", "klog", "syslog", "cri", "app", "raw"}


def test_secrets_and_keeps_occur_verbatim(rows: list[dict]) -> None:
    for row in rows:
        for item in row["secrets"] + row["keep"]:
            assert item in row["line"], (row["id"], item)


def test_no_secret_is_part_of_a_keep_substring(rows: list[dict]) -> None:
    for row in rows:
        for secret in row["secrets"]:
            for keep in row["keep"]:
                assert secret not in keep and keep not in secret, (row["id"], secret, keep)


def test_decoys_hold_no_secret(rows: list[dict]) -> None:
    decoys = [row for row in rows if _is_decoy(row)]
    assert all(row["secrets"] == [] and row["keep"] for row in decoys)
    assert all(row["secrets"] for row in rows if not _is_decoy(row))
    all_secrets = {secret for row in rows for secret in row["secrets"] if len(secret) >= 8}
    for row in decoys:
        assert not [secret for secret in all_secrets if secret in row["line"]], row["id"]


def test_file_is_what_the_generator_writes(rows: list[dict]) -> None:
    # the corpus is reproducible from the format files; regenerate after editing them
    assert build(seed=11) == rows


def test_every_format_entry_is_sourced_and_unique() -> None:
    formats = load_formats()
    generated = [entry["id"] for entry in formats if "shape" in entry]
    assert len(generated) == len(set(generated))
    for entry in formats:
        assert entry.get("source"), entry["id"]
        assert "shape" in entry or entry.get("see") or entry.get("not_covered"), entry["id"]


def test_gitleaks_rule_secrets_match_their_documented_regex(rows: list[dict]) -> None:
    regexes = {
        entry["id"]: entry["value"]
        for entry in load_formats()
        if entry.get("shape") in ("prefixed", "keyed") and not entry["value"].startswith("@")
    }
    checked = 0
    for row in rows:
        if row["kind"] in regexes:
            for secret in row["secrets"]:
                assert re.fullmatch(regexes[row["kind"]], secret), (row["id"], secret)
                checked += 1
    assert checked >= 800


_PATTERNS = sorted(
    {
        spec
        for entry in load_formats()
        for spec in (entry.get("values") or {"v": entry.get("value", "@")}).values()
        if not spec.startswith("@")
    }
)


@settings(max_examples=60, deadline=None)
@given(pattern=st.sampled_from(_PATTERNS), seed=st.integers(0, 2**32))
def test_sampler_draws_strings_the_regex_accepts(pattern: str, seed: int) -> None:
    assert re.fullmatch(pattern, RegexSampler(random.Random(seed)).sample(pattern))


@pytest.mark.parametrize(
    "pattern",
    [r"ab[0-9]{3}", r"(?:x|y)_[a-f]{2,4}", r"[^\s]{5}", r"\d{2}\.\w{3}", r"(a|b)\1"],
)
def test_sampler_on_regex_features(pattern: str) -> None:
    for seed in range(20):
        assert re.fullmatch(pattern, RegexSampler(random.Random(seed)).sample(pattern))
