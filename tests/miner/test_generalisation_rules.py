"""The miner's generalisation rules, each as a table of made-up lines: what joins, what stays apart.

- a family merge keeps what wraps its variable (`[<*>]`, `(<*>)`);
- a few lower-case names in one slot of a long constant sentence are a variable;
- a group seen often keeps its constant word against one odd line;
- an upper-case constant at the end of a dotted name is a word, not a value;
- a date-time keeps its clock's colons in the template.
"""

from __future__ import annotations

import pytest

from opslens.analysis.mining import MinerConfig, TemplateMiner


def mine(lines: list[str]) -> tuple[TemplateMiner, list[int]]:
    miner = TemplateMiner()
    return miner, [miner.add(line) for line in lines]


def roots(miner: TemplateMiner, keys: list[int]) -> set[int]:
    return {miner.canonical(k) for k in keys}


# ---------------------------------------------------------------- family merges keep wrappers

NAMES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Starting worker [{}] in pool now", "Starting worker [<*>] in pool now"),
        ("Stopping worker ({}) in pool now", "Stopping worker (<*>) in pool now"),
        ("Draining worker '{}' in pool now", "Draining worker '<*>' in pool now"),
        ("Pausing worker {} in pool now", "Pausing worker <*> in pool now"),
    ],
)
def test_a_family_merge_keeps_what_wraps_the_variable(line: str, expected: str) -> None:
    # Many distinct names, each seen once: the family merges, and the brackets stay constant.
    miner, keys = mine([line.format(n) for n in NAMES])
    assert len(roots(miner, keys)) == 1
    assert miner.template(keys[0]) == expected


# ---------------------------------------------------------------- lower-case names in a sentence

@pytest.mark.parametrize(
    ("template", "values", "merged"),
    [
        # a long constant sentence around one slot of lower-case names: a variable
        ("pam session opened for user {} by (uid=0)", ["alice", "backup", "mailer"], True),
        ("closing pam session for user {} on this host", ["alice", "backup", "mailer"], True),
        # two values are not enough evidence
        ("pam session opened for user {} by (uid=0)", ["alice", "backup"], False),
        # capitalised values are states or kinds, not names
        ("the uplink port went {} on switch two", ["Up", "Down", "Testing"], False),
        # too little context around the slot
        ("user {} logged out", ["alice", "backup", "mailer"], False),
        # the first word is usually the verb or the component, never judged this way
        ("{} finished the nightly backup of volumes", ["rsync", "tar", "restic"], False),
        # a value with a digit is not a plain name
        ("pam session opened for user {} by (uid=0)", ["ops1", "ops2", "ops3"], False),
    ],
)
def test_lower_case_names_in_a_long_sentence_are_a_variable(template: str, values: list[str], merged: bool) -> None:
    # Each value repeats often, so the rare-values rule alone would keep them apart.
    lines = [template.format(v) for v in values for _ in range(20)]
    miner, keys = mine(lines)
    assert (len(roots(miner, keys)) == 1) is merged
    if merged:
        assert "<*>" in miner.template(keys[0]).split()[template.split().index("{}")]


# ---------------------------------------------------------------- evidence of a frequent group

@pytest.mark.parametrize(
    ("seen", "odd_joins", "template"),
    [
        # seen often: the group keeps `console`; the odd line starts its own template
        (8, False, "auth failure; tty=console ruser= rhost=<*>"),
        (5, False, "auth failure; tty=console ruser= rhost=<*>"),
        # seen only a few times: the odd line is more evidence that the slot varies
        (3, True, "auth failure; tty=<*> ruser= rhost=<*>"),
    ],
)
def test_a_frequent_group_keeps_its_word_against_one_odd_line(seen: int, odd_joins: bool, template: str) -> None:
    miner, keys = mine([f"auth failure; tty=console ruser= rhost=10.0.0.{i}" for i in range(seen)])
    odd = miner.add("auth failure; tty=:0 ruser= rhost=10.0.0.99")
    assert (miner.canonical(odd) == miner.canonical(keys[0])) is odd_joins
    assert miner.template(keys[0]) == template


def test_the_evidence_threshold_is_configurable() -> None:
    miner = TemplateMiner(MinerConfig(firm_count=100))
    keys = [miner.add(f"auth failure; tty=console ruser= rhost=10.0.0.{i}") for i in range(20)]
    odd = miner.add("auth failure; tty=:0 ruser= rhost=10.0.0.99")
    assert miner.canonical(odd) == miner.canonical(keys[0])


def test_a_word_against_a_word_still_waits_for_the_family() -> None:
    # The evidence rule only protects words against non-words; word against word is the
    # family's decision (an enumeration stays apart).
    miner, keys = mine(["link state UP on port a"] * 6 + ["link state DOWN on port a"] * 6)
    assert len(roots(miner, keys)) == 2


# ---------------------------------------------------------------- enumeration constants in names

@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Received broadcast android.intent.action.TIME_TICK from system", "Received broadcast android.intent.action.SCREEN_ON from system", False),
        ("Received broadcast intent.action.BOOT from system", "Received broadcast intent.action.IDLE from system", False),
        # lower-case last parts of dotted names are values (packages, hosts, classes)
        ("Loaded plugin com.example.alpha into pool", "Loaded plugin com.example.beta into pool", True),
        # an upper-case part followed by a path is a path, a value
        ("Fetched /srv/app/CONFIG_A for node", "Fetched /srv/app/CONFIG_B for node", True),
    ],
)
def test_upper_case_constants_of_dotted_names_are_words(a: str, b: str, same: bool) -> None:
    miner, keys = mine([a, b])
    assert (miner.canonical(keys[0]) == miner.canonical(keys[1])) is same


# ---------------------------------------------------------------- date-times in templates

@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["connection from 10.0.0.1 at Fri Jun 17 07:07:00 2005", "connection from 10.0.0.2 at Sat Jun 18 02:23:10 2005"],
            "connection from <*> at <*>:<*>:<*>",
        ),
        (["backup done at Mar 3 04:05:06, took 12 s"], "backup done at <*>:<*>:<*>, took <*> s"),
    ],
)
def test_a_date_time_keeps_its_clock_colons(lines: list[str], expected: str) -> None:
    miner, keys = mine(lines)
    assert len(roots(miner, keys)) == 1
    assert miner.template(keys[0]) == expected


def test_source_locations_keep_the_file_name() -> None:
    miner, keys = mine([f"assertion failed in sched_core.c:{n} (ret {n})" for n in (12, 340, 5)])
    assert len(roots(miner, keys)) == 1
    assert miner.template(keys[0]) == "assertion failed in sched_core.c:<*> (ret <*>)"
