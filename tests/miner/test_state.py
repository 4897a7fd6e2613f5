"""Saving and loading the miner's state (versioned JSON)."""

from __future__ import annotations

import json

import pytest

from opslens.analysis.mining import MinerConfig, TemplateMiner

LINES = [
    "Invalid user admin from 10.0.0.1",
    "Invalid user oracle from 10.0.0.2",
    "Connection closed by 10.0.0.3 port 22 [preauth]",
    "Invalid user guest from 10.0.0.4",
    "Invalid user ubuntu from 10.0.0.5",
    "Accepted password for alice from 10.0.0.6 port 5000 ssh2",
]


def mined() -> tuple[TemplateMiner, list[int]]:
    miner = TemplateMiner(MinerConfig(max_examples=2))
    keys = [miner.add(line, time=float(i), origin=f"auth.log:{i + 1}") for i, line in enumerate(LINES)]
    return miner, keys


def test_round_trip_keeps_templates_counts_and_keys() -> None:
    miner, keys = mined()
    restored = TemplateMiner.from_json(miner.to_json())
    assert restored.templates() == miner.templates()
    assert [restored.canonical(k) for k in keys] == [miner.canonical(k) for k in keys]
    assert restored.config == miner.config


def test_restored_miner_goes_on_mining_into_the_same_templates() -> None:
    miner, keys = mined()
    restored = TemplateMiner.from_json(miner.to_json())
    key = restored.add("Invalid user postgres from 10.0.0.9")
    assert restored.canonical(key) == restored.canonical(keys[0])
    assert restored.template(key) == "Invalid user <*> from <*>"
    again = restored.add("Accepted password for alice from 10.0.0.7 port 5001 ssh2")
    assert restored.canonical(again) == restored.canonical(keys[-1])


def test_state_is_versioned_json() -> None:
    miner, _ = mined()
    state = json.loads(miner.to_json())
    assert state["format"] == "opslens.template-miner"
    assert state["version"] == TemplateMiner.STATE_VERSION


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not JSON"),
        ('{"format": "something-else"}', "not a template-miner state"),
        ('{"format": "opslens.template-miner", "version": 999}', "version 999"),
        ('{"format": "opslens.template-miner", "version": 1, "config": {}}', "malformed"),
    ],
)
def test_bad_states_are_rejected_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TemplateMiner.from_json(text)


def test_parents_must_match_groups() -> None:
    miner, _ = mined()
    state = json.loads(miner.to_json())
    state["parent"] = state["parent"][:-1]
    with pytest.raises(ValueError, match="parents"):
        TemplateMiner.from_json(json.dumps(state))


def test_round_trip_after_eviction() -> None:
    miner = TemplateMiner(MinerConfig(max_groups=10))
    keys = [miner.add(f"{chr(97 + i % 26)}x{chr(97 + i // 26)}q unique{chr(97 + i % 7)}z words") for i in range(60)]
    restored = TemplateMiner.from_json(miner.to_json())
    assert [restored.template(k) for k in keys] == [miner.template(k) for k in keys]
    assert restored._live == miner._live
