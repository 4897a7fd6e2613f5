"""Properties of the structured readers: bad input never escapes as anything but InputError.

Random text, random bytes (decoded as the pipeline does), random JSON values and truncated or
corrupted fixtures go through every structured reader's `sniff` and `read`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from structured_helpers import FIXTURES, read_text

from opslens.errors import InputError
from opslens.events import Event, EventKind
from opslens.sources.base import Reader
from opslens.sources.readers.alertmanager import AlertmanagerReader
from opslens.sources.readers.argocd import ArgoCDReader
from opslens.sources.readers.dmesg import DmesgReader
from opslens.sources.readers.git_log import GitLogReader
from opslens.sources.readers.journald import JournaldReader
from opslens.sources.readers.k8s_events import K8sEventsReader
from opslens.sources.readers.prometheus import PrometheusReader
from opslens.sources.readers.rollout_history import RolloutHistoryReader
from opslens.sources.readers.syslog import SyslogReader

READERS: list[type[Reader]] = [
    K8sEventsReader,
    JournaldReader,
    SyslogReader,
    DmesgReader,
    AlertmanagerReader,
    PrometheusReader,
    ArgoCDReader,
    RolloutHistoryReader,
    GitLogReader,
]
FIXTURE_TEXTS = sorted(
    (p.name, p.read_text(encoding="utf-8")) for p in FIXTURES.iterdir() if p.is_file()
)
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(
            ["items", "kind", "involvedObject", "message", "alerts", "labels", "data", "result", "resultType",
             "metric", "values", "value", "status", "history", "MESSAGE", "PRIORITY", "__REALTIME_TIMESTAMP",
             "startsAt", "series", "eventTime", "operationState", "spec", "metadata", "query", "x"]
        ),
        children,
        max_size=5,
    ),
    max_leaves=25,
)  # fmt: skip


def _exercise(text: str) -> None:
    """Every reader sniffs and reads `text`; only InputError may come out."""
    for reader in READERS:
        score = reader.sniff(text[: 64 * 1024], "input")
        assert isinstance(score, float) and 0.0 <= score <= 1.0
        try:
            result = read_text(reader, text)
        except InputError:
            continue
        for event in result.events:
            _check_event(event)


def _check_event(event: Event) -> None:
    assert isinstance(event.kind, EventKind)
    assert isinstance(event.message, str) and isinstance(event.raw, str)
    assert event.time is None or isinstance(event.time, float)
    json.dumps(event.attrs, allow_nan=True)  # attrs stay JSON-serialisable


@PROPERTY_SETTINGS
@given(st.text(max_size=3000))
def test_random_text(text: str) -> None:
    _exercise(text)


@PROPERTY_SETTINGS
@given(st.binary(max_size=3000))
def test_random_bytes_decoded_like_the_pipeline(data: bytes) -> None:
    _exercise(data.decode("utf-8", errors="replace"))


@PROPERTY_SETTINGS
@given(json_values, st.booleans())
def test_random_json_values(value: Any, pretty: bool) -> None:
    _exercise(json.dumps(value, indent=2 if pretty else None))


@PROPERTY_SETTINGS
@given(st.sampled_from(FIXTURE_TEXTS), st.data())
def test_truncated_fixtures(fixture: tuple[str, str], data: st.DataObject) -> None:
    _, text = fixture
    cut = data.draw(st.integers(min_value=0, max_value=len(text)))
    _exercise(text[:cut])


@PROPERTY_SETTINGS
@given(st.sampled_from(FIXTURE_TEXTS), st.data())
def test_corrupted_fixtures(fixture: tuple[str, str], data: st.DataObject) -> None:
    _, text = fixture
    where = data.draw(st.integers(min_value=0, max_value=max(0, len(text) - 1)))
    junk = data.draw(st.text(alphabet='{}[]":,\n \\0aZ\x00\ufeff', max_size=8))
    _exercise(text[:where] + junk + text[where + 1 :])


@pytest.mark.parametrize(("name", "text"), FIXTURE_TEXTS, ids=[n for n, _ in FIXTURE_TEXTS])
def test_every_fixture_is_claimed_by_exactly_one_structured_reader(name: str, text: str) -> None:
    claims = [r.name for r in READERS if r.sniff(text, name) >= 0.6]
    assert len(claims) == 1, claims


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_json_fragment_is_the_inside_of_the_json_string_literal(value: str) -> None:
    from opslens.sources.verbatim import json_fragment

    assert json_fragment(value) == json.dumps(value, ensure_ascii=False)[1:-1]


@pytest.mark.parametrize(("name", "text"), FIXTURE_TEXTS, ids=[n for n, _ in FIXTURE_TEXTS])
def test_a_byte_order_mark_changes_nothing(name: str, text: str) -> None:
    (reader,) = [r for r in READERS if r.sniff(text, name) >= 0.6]
    assert reader.sniff("\ufeff" + text, name) == reader.sniff(text, name)
    with_bom = read_text(reader, "\ufeff" + text, name, year_hint=2025)
    without = read_text(reader, text, name, year_hint=2025)
    assert [e.message for e in with_bom.events] == [e.message for e in without.events]
    assert with_bom.skips == without.skips
