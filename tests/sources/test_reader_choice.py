"""Choosing a reader by content: a reader whose sniffing fails on some input loses that input
to the others instead of stopping the reading (extension readers join by adding one file, and
one bug in one of them must not cost the user the rest)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, TextIO

import pytest

from opslens.events import Event
from opslens.sources import base
from opslens.sources.base import ReadContext, Reader, choose_reader, readers


class _BrokenSniffReader(Reader):
    """An extension reader with a sniffing bug."""

    name: ClassVar[str] = "test-broken-sniff"
    description: ClassVar[str] = "raises while sniffing"

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        raise IndexError("a bug in an extension reader")

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        yield from ()


@pytest.fixture
def broken_reader() -> Iterator[type[Reader]]:
    readers()  # the built-in readers first
    base.register(_BrokenSniffReader)
    try:
        yield _BrokenSniffReader
    finally:
        base._REGISTRY.pop(_BrokenSniffReader.name, None)


def test_a_reader_that_raises_while_sniffing_is_passed_over(broken_reader: type[Reader]) -> None:
    head = "Mar  4 10:01:02 worker-1 kubelet[1234]: E0304 10:01:02.331201    1234 pod_workers.go:1300] Error syncing pod\n"
    reader, score = choose_reader(head, "messages")
    assert broken_reader.name in readers()
    assert reader is not None and reader.name == "syslog" and score > 0.5
