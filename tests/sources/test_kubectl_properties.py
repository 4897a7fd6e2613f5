"""Properties every reader of kubectl's human-readable output keeps: on random text, random bytes
and its fixtures mutated the way pastes get mangled (lines cut, dropped, re-indented), it
sniffs and reads without raising, and what it yields is well-formed (`check_event`)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kubectl_helpers import PASTES, mutated, never_raises

from opslens.sources.base import Reader
from opslens.sources.readers.k8s_describe import K8sDescribeReader
from opslens.sources.readers.k8s_get import K8sGetReader
from opslens.sources.readers.k8s_top import K8sTopReader

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Each reader with the prefix of its fixtures' names.
READERS = [(K8sDescribeReader, "describe-"), (K8sGetReader, "get-"), (K8sTopReader, "top-")]
IDS = [reader.name for reader, _ in READERS]


def _fixtures(prefix: str) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(PASTES.glob(f"{prefix}*.txt"))]
    assert texts, prefix
    return texts


@pytest.mark.parametrize(("reader", "prefix"), READERS, ids=IDS)
@SETTINGS
@given(text=st.text(max_size=2000))
def test_random_text_never_raises(reader: type[Reader], prefix: str, text: str) -> None:
    never_raises(reader, text)


@pytest.mark.parametrize(("reader", "prefix"), READERS, ids=IDS)
@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_raise(reader: type[Reader], prefix: str, data: bytes) -> None:
    never_raises(reader, data.decode("utf-8", errors="replace"))


@pytest.mark.parametrize(("reader", "prefix"), READERS, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_mutated_fixtures_never_raise(reader: type[Reader], prefix: str, data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(_fixtures(prefix)).flatmap(mutated))
    never_raises(reader, text)
