"""The template miner: refinement, merging, ids, multi-line messages, bounds, the read API."""

from __future__ import annotations

import pytest

from opslens.analysis.mining import MinerConfig, TemplateInfo, TemplateMiner, template_id


def mine(lines: list[str], miner: TemplateMiner | None = None) -> tuple[TemplateMiner, list[int]]:
    miner = miner or TemplateMiner()
    return miner, [miner.add(line) for line in lines]


def templates_of(miner: TemplateMiner, keys: list[int]) -> list[str]:
    return [miner.template(k) for k in keys]


def test_masked_values_make_one_template() -> None:
    miner, keys = mine([f"Connection to 10.0.0.{i} timed out after {i * 10} ms" for i in range(1, 6)])
    assert len({miner.canonical(k) for k in keys}) == 1
    assert miner.template(keys[0]) == "Connection to <*> timed out after <*> ms"


def test_position_that_varies_as_a_value_becomes_a_variable() -> None:
    # Dotted names are not masked (no known TLD); a second value generalises the position,
    # keeping the parts both share.
    miner, keys = mine(["Opened session to conn-a.svc for job", "Opened session to conn-b.svc for job"])
    assert miner.canonical(keys[0]) == miner.canonical(keys[1])
    assert miner.template(keys[0]) == "Opened session to conn-<*>.svc for job"
    miner.add("Opened session to store.cache for job")
    assert miner.template(keys[0]) == "Opened session to <*> for job"


def test_refinement_keeps_constant_neighbours_of_a_value() -> None:
    miner, keys = mine(["set user=alice.smith now", "set user=bob.jones now"])
    assert miner.template(keys[1]) == "set user=<*> now"


@pytest.mark.parametrize(
    "pair",
    [
        ("Link Up on en0", "Link Down on en0"),
        ("Releasing suspend blocker for display", "Acquiring suspend blocker for display"),
        ("job TaskAttempt Transitioned from NEW to UNASSIGNED", "job TaskAttempt Transitioned from UNASSIGNED to ASSIGNED"),
        ("Processing event state=STARTED for worker", "Processing event state=STOPPED for worker"),
    ],
)
def test_words_that_differ_are_separate_events(pair: tuple[str, str]) -> None:
    # Enumerations (states, directions) are different events, even when seen many times.
    miner, keys = mine([pair[0], pair[1]] * 20)
    assert miner.canonical(keys[0]) != miner.canonical(keys[1])


def test_a_word_position_with_many_rare_values_becomes_a_variable() -> None:
    users = ["admin", "oracle", "support", "guest", "ubuntu", "deploy"]
    miner, keys = mine([f"Invalid user {u} from 10.0.0.{i}" for i, u in enumerate(users)])
    assert len({miner.canonical(k) for k in keys}) == 1
    assert miner.template(keys[0]) == "Invalid user <*> from <*>"
    # and later values join it directly
    assert miner.canonical(miner.add("Invalid user postgres from 10.0.0.9")) == miner.canonical(keys[0])


def test_a_frequent_enumeration_does_not_merge() -> None:
    # Each value recurs before the next one appears: an enumeration, not a variable.
    lines = []
    for iface in ("ee0", "alt0", "scip0", "ib0", "lo"):
        lines += [f"node node-{i} has detected a connection via interface {iface}" for i in range(10)]
    miner, keys = mine(lines)
    assert len({miner.canonical(k) for k in keys}) == 5


def test_templates_of_different_lengths_merge_when_they_differ_next_to_variables() -> None:
    miner, keys = mine([
        "proxy.example.com:80 close, 10 bytes sent, 20 bytes received, lifetime 00:01",
        "proxy.example.com:80 close, 10 bytes (1.2 KB) sent, 20 bytes received, lifetime <1 sec",
        "proxy.example.com:80 close, 10 bytes sent, 20 bytes (3.1 MB) received, lifetime 02:03",
    ])
    assert len({miner.canonical(k) for k in keys}) == 1


def test_different_endings_are_different_events() -> None:
    miner, keys = mine([
        "ciod: Error loading /bin/a: invalid or missing program image, No such file or directory",
        "ciod: Error loading /bin/b: invalid or missing program image, Permission denied",
    ])
    assert miner.canonical(keys[0]) != miner.canonical(keys[1])


def test_sets_whose_templates_converge_merge() -> None:
    miner, keys = mine(["Deleted file a.txt ok", "Deleted 12 ok", "Deleted file b.log ok"])
    # "a.txt" and "b.log" generalise to "<*>": the first set's template is "Deleted file <*> ok"
    assert miner.template(keys[0]) == "Deleted file <*> ok"
    assert miner.template(keys[1]) == "Deleted <*> ok"
    miner.add("Deleted c.txt ok")  # "Deleted <*> ok" again, nothing new
    assert len(miner.templates()) == 2


def test_canonical_is_stable_and_idempotent() -> None:
    users = ["admin", "oracle", "support", "guest", "ubuntu"]
    miner, keys = mine([f"Invalid user {u} from 10.0.0.1" for u in users])
    roots = {miner.canonical(k) for k in keys}
    assert len(roots) == 1
    root = roots.pop()
    assert miner.canonical(root) == root
    assert all(miner.canonical(k) == root for k in keys)
    assert miner.keys() == [root]


def test_template_ids_are_stable_across_runs() -> None:
    lines = [f"worker {i} finished batch {i * 7} in {i}.5s" for i in range(10)]
    a, ka = mine(lines)
    b, kb = mine(list(reversed(lines)))
    assert a.template_id(ka[0]) == b.template_id(kb[0]) == template_id("worker <*> finished batch <*> in <*>")


def test_multi_line_message_is_mined_by_its_first_line() -> None:
    trace = "Unhandled error in request 42\nTraceback (most recent call last):\n  File \"x.py\", line 1"
    miner, keys = mine([trace, "Unhandled error in request 43"])
    assert miner.canonical(keys[0]) == miner.canonical(keys[1])
    info = miner.templates()[0]
    assert info.template == "Unhandled error in request <*>"
    assert info.examples[0].text == "Unhandled error in request 42"


def test_templates_report_counts_times_examples_and_params() -> None:
    miner = TemplateMiner(MinerConfig(max_examples=2, max_param_values=3))
    for i in range(6):
        miner.add(f"GET /api/items/{i} returned 200 in {i} ms", time=100.0 + i, origin=f"app.log:{i + 1}")
    miner.add("cache warmed", time=50.0, origin="app.log:99")
    infos = miner.templates()
    assert [i.count for i in infos] == [6, 1]
    top = infos[0]
    assert isinstance(top, TemplateInfo)
    assert top.template == "GET <*> returned <*> in <*> ms"
    assert (top.first_seen, top.last_seen) == (100.0, 105.0)
    assert [e.origin for e in top.examples] == ["app.log:1", "app.log:2"]
    assert top.params == (("/api/items/0", "/api/items/1", "/api/items/2"), ("200",), ("0", "1", "2"))
    assert top.id == template_id(top.template)
    assert miner.templates(with_params=False)[0].params == ()


def test_cluster_cap_folds_rare_templates_into_a_catch_all() -> None:
    miner = TemplateMiner(MinerConfig(max_groups=50))

    def word(i: int) -> str:
        return "".join(chr(97 + (i // 26**p) % 26) for p in range(3))

    # lines that share no word: each is its own template
    keys = [miner.add(f"{word(3 * i)} {word(3 * i + 1)} {word(3 * i + 2)}") for i in range(400)]
    frequent = [miner.add("steady heartbeat from worker 1") for _ in range(100)]
    assert miner._live <= 50
    assert len(miner.templates()) <= 51
    # every key still maps somewhere, and the frequent template survives
    assert all(miner.template(k) for k in keys)
    assert miner.template(frequent[-1]) == "steady heartbeat from worker <*>"
    assert sum(t.count for t in miner.templates()) == 500
    assert "<*>" in {t.template for t in miner.templates()}


def test_samples_are_bounded() -> None:
    miner = TemplateMiner(MinerConfig(max_samples=4))
    for i in range(100):
        miner.add(f"tick {i}")
    assert all(len(g.samples) <= 4 for g in miner._groups)


def test_empty_and_blank_messages() -> None:
    miner, keys = mine(["", "   ", "\n"])
    assert miner.template(keys[0]) == ""
    assert len({miner.canonical(k) for k in keys}) == 1
