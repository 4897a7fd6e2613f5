"""Properties: `add()` takes any text, and every template matches the lines it was built from."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opslens.analysis.mining import TemplateMiner, mask
from opslens.analysis.mining.masking import Masker
from opslens.analysis.mining.tokens import template_regex

# Log-like text: words, numbers, punctuation, addresses, ids, and arbitrary unicode.
_PIECES = st.one_of(
    st.sampled_from(["error", "user", "root", "true", "id=", "host", "Link", "Up", "Down", ":", ",", "[", "]",
                     "(", ")", "=", "/", "-", "_", ".", "\"", "'", "<*>", "<", ">", "\\", "@", "://"]),
    st.integers(-10**12, 10**12).map(str),
    st.from_regex(r"[a-z]{1,8}[0-9]{0,4}", fullmatch=True),
    st.from_regex(r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?::[0-9]{1,5})?", fullmatch=True),
    st.from_regex(r"/[a-z0-9_./-]{1,20}", fullmatch=True),
    st.from_regex(r"[0-9a-f]{4,16}", fullmatch=True),
    st.text(min_size=1, max_size=6),
)
_LINE = st.lists(_PIECES, max_size=14).flatmap(
    lambda parts: st.lists(st.sampled_from([" ", "  ", "", "\t"]), min_size=len(parts), max_size=len(parts)).map(
        lambda seps: "".join(p + s for p, s in zip(parts, seps, strict=True))
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=80), max_size=20))
def test_add_never_raises_on_arbitrary_text(lines: list[str]) -> None:
    miner = TemplateMiner()
    for line in lines:
        key = miner.add(line)
        assert isinstance(miner.template(key), str)
    assert sum(t.count for t in miner.templates()) == len(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, min_size=1, max_size=25))
def test_templates_match_the_lines_they_were_built_from(lines: list[str]) -> None:
    miner = TemplateMiner()
    keys = [miner.add(line) for line in lines]
    for line, key in zip(lines, keys, strict=True):
        template = miner.template(key)
        first = line.split("\n", 1)[0].rstrip("\r")
        assert template_regex(template).fullmatch(first), (template, first)


@settings(max_examples=200, deadline=None)
@given(_LINE)
def test_masking_only_replaces_spans(line: str) -> None:
    masked = mask(line)
    assert template_regex(masked).fullmatch(line)


@settings(max_examples=100, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=15))
def test_state_round_trip_is_lossless(lines: list[str]) -> None:
    miner = TemplateMiner()
    keys = [miner.add(line) for line in lines]
    restored = TemplateMiner.from_json(miner.to_json())
    assert [restored.template(k) for k in keys] == [miner.template(k) for k in keys]


@settings(max_examples=300, deadline=None)
@given(_LINE, st.randoms(use_true_random=False))
def test_the_masking_cache_gives_what_masking_gives(line: str, rnd) -> None:  # noqa: ANN001
    # The cache is keyed by the digit skeleton: warm it with the same line, other digits.
    variant = "".join(str(rnd.randrange(10)) if c in "0123456789" else c for c in line)
    masker = Masker()
    assert masker(variant) == mask(variant)
    assert masker(line) == mask(line)
    assert masker(line) == mask(line)
