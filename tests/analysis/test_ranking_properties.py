"""The order of hypotheses shown is the order of the confidences shown, whatever the detectors
returned: discounts for explained symptoms, merging and calibration never invert it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from opslens.analysis.detectors.base import Candidate
from opslens.analysis.hypotheses import MAX_HYPOTHESES, order
from opslens.events import Entity

CATEGORIES = ["oom", "crash-bug", "bad-deploy", "config-error", "node-failure", "dns-failure", "cert-expiry"]

candidate = st.builds(
    lambda cat, score, ent, explains: Candidate(cat, score, cat, ent, [f"E{int(score * 100)}"], "", symptoms_of=set(explains)),
    st.sampled_from(CATEGORIES),
    st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
    st.one_of(st.none(), st.builds(Entity, st.just("Deployment"), st.sampled_from(["a", "b"]), st.sampled_from(["x", "y"]))),
    st.lists(st.sampled_from(CATEGORIES), max_size=3),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(candidate, max_size=12))
def test_shown_order_is_confidence_order(candidates: list[Candidate]) -> None:
    ranked = order(candidates)
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True)
    assert len(ranked) <= MAX_HYPOTHESES
    assert len({c.category for c in ranked}) == len(ranked)  # one hypothesis per category
    assert all(0.0 <= s <= 0.95 for s in scores)


def test_a_close_runner_up_lowers_the_top_but_never_below_it() -> None:
    ranked = order([Candidate("oom", 0.50, "t", None, [], ""), Candidate("crash-bug", 0.49, "t", None, [], "")])
    assert [c.category for c in ranked] == ["oom", "crash-bug"]
    assert ranked[0].score >= ranked[1].score
