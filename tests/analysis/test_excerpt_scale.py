"""Excerpts of long records: the same result as the original drop-one-and-re-join algorithm
(kept here as the oracle), at a cost linear in the record's length."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opslens.analysis import excerpt as module
from opslens.analysis.excerpt import RECORD_CHARS, excerpt, verbatim_pieces


def _oracle(raw: str, needle: str | tuple[str, ...] | None = None) -> str:
    """`excerpt` as first written: after every dropped line, re-join and re-rank all others."""
    needles = tuple(n for n in ([needle] if isinstance(needle, str) else needle or ()) if n)
    lines = raw.split("\n")
    if len(lines) == 1:
        return module._line_excerpt(raw.strip(), needles, module.LINE_CHARS)
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    lines[1:] = [module._WRAPPER.sub("", line, count=1) for line in lines[1:]]
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return ""
    if len(lines) == 1:
        return module._line_excerpt(lines[0].strip(), needles, module.LINE_CHARS)
    whole = "\n".join([lines[0].lstrip(), *lines[1:]])
    if len(whole) <= RECORD_CHARS:
        return whole
    keep = module._decisive(lines, needles)
    chosen = set(keep)
    for index in sorted(keep):
        for follower in (index + 1, index + 2):
            if (
                follower < len(lines)
                and follower not in chosen
                and lines[follower].strip()
                and len(module._join(lines, sorted(chosen | {follower}), needles)) <= RECORD_CHARS
            ):
                chosen.add(follower)
    ordered = sorted(chosen)
    while len(ordered) > 1 and len(module._join(lines, ordered, needles)) > RECORD_CHARS:
        ordered.remove(_oracle_least(ordered, lines, needles))
    return module._join(lines, ordered, needles)


def _oracle_least(ordered: list[int], lines: list[str], needle: tuple[str, ...]) -> int:
    protected = {ordered[0]} | {i for i in ordered if any(n in lines[i] for n in needle)}
    droppable = [i for i in ordered if i not in protected] or ordered[1:]
    links = [i for i in ordered if module._CHAIN.match(lines[i]) or module._EXCEPTION.match(lines[i])]
    ends = {links[0], links[-1]} if links else set()

    def rank(i: int) -> tuple[int, int]:
        line = lines[i]
        if i in ends:
            weight = 4
        elif i in links:
            weight = 3
        elif module._FRAME.match(line) and not module._LIBRARY_FRAME.search(line):
            weight = 2
        else:
            weight = 1 if module._FRAME.match(line) else 0
        return (weight, -i)

    return min(droppable, key=rank)


#: Lines of every kind the ranking tells apart: frames (library and app), chain links,
#: exception lines, plain text, blank, over-long lines, indentation, Go and Python stacks.
LINE_KINDS = [
    "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:{n})",
    "\tat com.acme.billing.InvoiceService.charge(InvoiceService.java:{n})",
    "Caused by: java.io.IOException: broken pipe {n}",
    "java.lang.IllegalStateException: ledger closed {n}",
    "\t... {n} more",
    "order {n} rejected by the ledger",
    "",
    "   retry budget {n} exhausted",
    "panic: runtime error: index out of range [{n}]",
    "goroutine {n} [running]:",
    "github.com/acme/ledger/post.Apply(0xc000{n})",
    "\t/usr/local/go/src/net/http/server.go:{n} +0x5b4",
    "Traceback (most recent call last):",
    '  File "/app/ledger/post.py", line {n}, in apply',
    '  File "/usr/local/lib/python3.12/site-packages/redis/client.py", line {n}, in get',
    "ConnectionError: Error {n} connecting to redis",
    "During handling of the above exception, another exception occurred:",
    "payload " + "abcdefgh" * 40 + " {n}",
    "ctx " + "shard=eu-west-1 " * 20 + "{n}",
]
NEEDLES = [None, "broken pipe", "ledger closed", ("retry budget", "redis"), "shard=eu", "nothing like it", "e", "\t"]


def _record(rng: random.Random, size: int) -> str:
    return "\n".join(rng.choice(LINE_KINDS).format(n=rng.randint(1, 9999)) for _ in range(size))


@pytest.mark.parametrize("seed", range(6))
def test_a_1000_line_record_gets_the_excerpt_of_the_original_algorithm(seed: int) -> None:
    rng = random.Random(seed)
    raw = _record(rng, 1000)
    needle = NEEDLES[seed * 3 % len(NEEDLES)]  # None, a pair, `e` (most lines), ...
    text = excerpt(raw, needle)
    assert text == _oracle(raw, needle)
    assert all(piece in raw for piece in verbatim_pieces(text))


def test_a_1000_line_message_without_a_stack_is_cut_like_before() -> None:
    raw = "\n".join(f"line {i} of a wrapped message key=value{i}" for i in range(1000))
    for needle in (None, "key=value7", ("key=value500", "line 999")):
        text = excerpt(raw, needle)
        assert text == _oracle(raw, needle)
        assert len(text) <= RECORD_CHARS
    assert "key=value500" in excerpt(raw, ("key=value500", "line 999"))


def test_each_line_is_cut_once_not_once_per_dropped_line(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    original = module._line_excerpt

    def counted(line: str, needle: tuple[str, ...], limit: int) -> str:
        nonlocal calls
        calls += 1
        return original(line, needle, limit)

    monkeypatch.setattr(module, "_line_excerpt", counted)
    raw = "\n".join(f"line {i} of a wrapped message key=value{i}" for i in range(1000))
    excerpt(raw, "key=value7")
    # every line's piece is measured once, then the kept ones are joined: linear, where
    # re-joining after every dropped line took about 500,000 cuts
    assert calls <= 1000 + 100


@settings(max_examples=150, deadline=None)
@given(
    kinds=st.lists(st.integers(0, len(LINE_KINDS) - 1), min_size=2, max_size=120),
    numbers=st.randoms(use_true_random=False),
    needle=st.sampled_from(NEEDLES),
)
def test_any_record_gets_the_excerpt_of_the_original_algorithm(kinds: list[int], numbers: random.Random, needle: str | tuple[str, ...] | None) -> None:
    raw = "\n".join(LINE_KINDS[k].format(n=numbers.randint(1, 99999)) for k in kinds)
    assert excerpt(raw, needle) == _oracle(raw, needle)
