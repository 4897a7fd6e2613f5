"""Prometheus reader: query_range / query responses, lists, JSON lines and query wrappers."""

from __future__ import annotations

import json
import math

import pytest
from structured_helpers import chosen, fixture_text, read_fixture, read_text

from opslens.errors import InputError
from opslens.events import Entity, EventKind
from opslens.sources.readers.prometheus import PrometheusReader, selector


@pytest.mark.parametrize(
    ("name", "count", "skips"),
    [
        ("prometheus-matrix.json", 2, 0),
        ("prometheus-vector.json", 2, 0),
        ("prometheus-responses.jsonl", 4, 0),
        ("prometheus-wrapped.json", 2, 3),  # scalar, native histogram, error response
    ],
)
def test_fixture_is_sniffed_and_read(name: str, count: int, skips: int) -> None:
    assert chosen(fixture_text(name), name) == "prometheus"
    result = read_fixture(PrometheusReader, name)
    assert len(result.events) == count
    assert len(result.skips) == skips
    text = fixture_text(name)
    for event in result.events:
        assert event.kind is EventKind.METRIC and event.source == "prometheus"
        assert event.raw in text


def test_matrix_series() -> None:
    memory, ratio = read_fixture(PrometheusReader, "prometheus-matrix.json").events
    attrs = memory.attrs or {}
    assert attrs["name"] == "container_memory_working_set_bytes"
    assert attrs["labels"] == {
        "container": "cart",
        "namespace": "shop",
        "pod": "cart-5d8f7b9c4-x2lqp",
    }
    assert attrs["result_type"] == "matrix"
    assert memory.time == 1741920600.0
    assert (
        memory.message
        == 'container_memory_working_set_bytes{container="cart",namespace="shop",pod="cart-5d8f7b9c4-x2lqp"}'
    )
    assert memory.raw == "container_memory_working_set_bytes"
    assert memory.entity == Entity("Pod", "cart-5d8f7b9c4-x2lqp", "shop")
    assert memory.namespace == "shop"
    assert memory.origin.line == 6
    samples = attrs["samples"]
    assert samples[:2] == [[1741920600.0, 398458880.0], [1741920630.0, 512000000.0]]
    assert math.isnan(samples[2][1]) and samples[3] == [1741920690.5, math.inf]
    assert ratio.message == '{deployment="cart",namespace="shop"}'
    assert ratio.raw == "shop"  # no name: the first label value, as written
    assert (ratio.attrs or {})["samples"][1][1] == -math.inf
    assert ratio.entity == Entity("Deployment", "cart", "shop")


def test_vector_series() -> None:
    up, total = read_fixture(PrometheusReader, "prometheus-vector.json").events
    assert (up.attrs or {})["samples"] == [[1741920669.123, 0.0]]
    assert (up.attrs or {})["result_type"] == "vector"
    assert up.entity == Entity("Service", "cart", "shop")
    assert total.message == "{}" and total.raw == "{}"


def test_wrappers_keep_the_query() -> None:
    result = read_fixture(PrometheusReader, "prometheus-wrapped.json")
    errors, unavailable = result.events
    assert (errors.attrs or {})[
        "query"
    ] == 'sum by (namespace) (rate(http_requests_total{code=~"5..."}[5m]))'.replace('..."', '.."')
    assert (unavailable.attrs or {})["query"] == "kube_deployment_status_replicas_unavailable > 0"
    reasons = [reason for reason, _ in result.skips]
    assert [line for _, line in result.skips] == [47, 62, 87]  # the scalar response, the histogram series, the error
    assert any(r.startswith("scalar result skipped") for r in reasons)
    assert any("native histogram" in r for r in reasons)
    assert any(r.startswith("Prometheus error response: invalid parameter") for r in reasons)


def test_map_of_named_responses() -> None:
    doc = {
        "cpu": {
            "status": "success",
            "data": {
                "resultType": "vector",
                "result": [{"metric": {"pod": "p"}, "value": [1, "2"]}],
            },
        }
    }
    (event,) = read_text(PrometheusReader, json.dumps(doc)).events
    assert (event.attrs or {})["query_name"] == "cpu"


def test_malformed_samples_are_dropped_and_reported() -> None:
    doc = {
        "resultType": "matrix",
        "result": [{"metric": {"__name__": "m"}, "values": [[1, "1"], ["x", "2"], [3], None]}],
    }
    result = read_text(PrometheusReader, json.dumps(doc))
    (event,) = result.events
    assert (event.attrs or {})["samples"] == [[1.0, 1.0]]
    assert result.skips == [("3 malformed sample(s) dropped from a series", 1)]


def test_selector_escapes_label_values() -> None:
    assert selector("m", {"b": 'say "hi"\n', "a": "x\\y"}) == 'm{a="x\\\\y",b="say \\"hi\\"\\n"}'


@pytest.mark.parametrize("text", ['{"status": "success", "data": {"alerts": []}}', "[]", "garbage"])
def test_input_without_responses_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError):
        read_text(PrometheusReader, text)


@pytest.mark.parametrize(
    "head",
    [
        '{"status":"success","data":{"resultType":"streams","result":[{"stream":{"app":"x"},"values":[["1","line"]]}]}}',
        '{"status":"success","data":{"alerts":[{"labels":{},"state":"firing","activeAt":"2025-03-14T00:00:00Z"}]}}',
        '{"metric_name":"x","value":1}\n',
    ],
)
def test_sniff_rejects_loki_streams_and_other_json(head: str) -> None:
    assert PrometheusReader.sniff(head, "x.json") == 0.0
