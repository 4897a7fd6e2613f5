"""MLflow registry and KServe InferenceService readers: model changes as dated CHANGE records.

MLflow REST answers (registered-models/get, model-versions/search, model-versions/get) give one
`model-version` change per version at its last update, quoted by its stage; InferenceServices
give one `inferenceservice` change at their last spec write (managedFields), naming the
storageUri, runtime and canary split, and their failing conditions as warnings. Damaged input
never raises anything but a one-line InputError naming the file.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kubectl_helpers import check_event, mutated, never_raises, read, sniffed

from opslens.errors import InputError
from opslens.events import Entity, EventKind, Severity
from opslens.sources.base import ReadContext, SourceFile
from opslens.sources.readers.kserve import KServeReader
from opslens.sources.readers.mlflow_registry import MLflowRegistryReader

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "mlops"


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).timestamp()


# fixture -> (version, stage, aliases, last update in epoch seconds)
MLFLOW = {
    "mlflow-registered-model-get.json": [("11", "Archived", [], 1772710800.0), ("12", "Production", ["champion"], 1772710790.0)],
    "mlflow-model-versions-search.json": [("3", "None", [], 1772000600.0), ("4", "None", ["production"], 1772711000.0)],
    "mlflow-model-version-get.json": [("12", "Production", ["champion"], 1772710790.0)],
}


@pytest.mark.parametrize("name", sorted(MLFLOW))
def test_mlflow_versions_are_dated_changes(name: str) -> None:
    text = _text(name)
    assert sniffed(text)[0] == "mlflow-registry"
    result = read(MLflowRegistryReader, text)
    assert result.skips == []
    got = [(e.attrs["model_version"], e.attrs["stage"], e.attrs.get("aliases", []), e.time) for e in result.events]
    assert got == MLFLOW[name]
    for event in result.events:
        assert event.kind is EventKind.CHANGE and event.attrs["change_kind"] == "model-version"
        assert event.entity is not None and event.entity.kind == "RegisteredModel"
        check_event(event, text)


def test_a_live_version_is_quoted_by_its_stage_and_names_its_artifact() -> None:
    text = _text("mlflow-registered-model-get.json")
    live = read(MLflowRegistryReader, text).events[1]
    assert live.attrs["subject"] == '"current_stage": "Production"' and live.attrs["subject"] in live.raw
    assert live.attrs["images"] == ["s3://ml-artifacts/3/9a8b7c6d5e4f40312a1b2c3d4e5f6a7b/artifacts/model"]
    assert live.severity is Severity.NOTICE and "aliases champion" in live.message
    assert live.raw in text  # verbatim: the version's object as the file has it


def test_inferenceservice_change_is_dated_by_its_last_spec_write() -> None:
    text = _text("kserve-isvc-list.json")
    assert sniffed(text)[0] == "kserve"
    events = read(KServeReader, text).events
    changes = [e for e in events if e.kind is EventKind.CHANGE]
    assert [e.entity for e in changes] == [Entity("InferenceService", "card-fraud", "payments"),
                                          Entity("InferenceService", "receipt-ocr", "payments")]
    canary, fresh = changes
    assert canary.time == _epoch("2026-03-05T11:39:20Z")  # the kubectl-edit of the spec, not the status write
    assert "canaryTrafficPercent 10" in canary.message and "runtimeVersion 1.6.0" in canary.message
    assert "previous rolled out card-fraud-predictor-00005" in canary.message
    assert canary.attrs["revision"] == "card-fraud-predictor-00007"
    assert canary.attrs["subject"] == "s3://ml-artifacts/3/9a8b7c6d5e4f40312a1b2c3d4e5f6a7b/artifacts/model"
    assert fresh.time == _epoch("2026-03-05T12:02:00Z") and "storageUri gs://ocr-models/receipt/v3" in fresh.message
    assert fresh.attrs["runtime"] == "pytorch"
    for event in events:
        check_event(event, text)


def test_failing_conditions_and_model_load_failures_are_warnings() -> None:
    events = read(KServeReader, _text("kserve-isvc-list.json")).events
    warnings = [e for e in events if e.kind is EventKind.EVENT]
    assert [(e.attrs["reason"], e.severity) for e in warnings] == [("ModelLoadFailed", Severity.WARNING),
                                                                   ("ModelLoadFailed", Severity.ERROR)]
    assert all("403 Forbidden" in e.message and e.entity.name == "receipt-ocr" for e in warnings)


def test_one_inferenceservice_object_is_read_whole() -> None:
    doc = json.loads(_text("kserve-isvc-list.json"))["items"][0]
    text = json.dumps(doc, indent=2) + "\n"
    (change,) = read(KServeReader, text).events
    assert change.origin.line == 1 and change.raw == text.rstrip("\n")
    check_event(change, text)


@pytest.mark.parametrize(("reader", "text", "problem"), [
    (MLflowRegistryReader, '{"registered_models": []}\n', "no MLflow model version found"),
    (KServeReader, '{"kind": "List", "items": []}\n', "no InferenceService found"),
])
def test_nothing_to_read_is_a_one_line_error_naming_the_file(reader, text: str, problem: str) -> None:  # noqa: ANN001
    ctx = ReadContext(SourceFile("models.json"))
    with pytest.raises(InputError) as err:
        list(reader().read(io.StringIO(text), ctx))
    assert "models.json" in str(err.value) and problem in str(err.value) and "\n" not in str(err.value)


def test_a_version_without_timestamps_is_skipped_and_the_rest_read() -> None:
    text = '{"model_versions": [{"name": "m", "version": "1"}, {"name": "m", "version": "2", "last_updated_timestamp": 1772711000000}]}'
    result = read(MLflowRegistryReader, text)
    assert [e.attrs["model_version"] for e in result.events] == ["2"]
    assert len(result.skips) == 1 and "without name, version or timestamps" in result.skips[0][0]


@pytest.mark.parametrize(("reader", "name"), [(MLflowRegistryReader, n) for n in sorted(MLFLOW)]
                         + [(KServeReader, "kserve-isvc-list.json")])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_input_never_raises_but_input_error(reader, name: str, data: st.DataObject) -> None:  # noqa: ANN001
    text = data.draw(mutated(_text(name)))
    try:
        never_raises(reader, text)
    except InputError as err:
        assert "\n" not in str(err)
