"""Container-runtime wrappers: CRI lines, `kubectl logs --timestamps`, docker json-file."""

from __future__ import annotations

import pytest

from opslens.sources.lines.cri import (
    split_cri,
    split_docker_json,
    split_kubectl_prefix,
    split_runtime_prefix,
    split_stream_labels,
    split_timestamp_prefix,
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2025-01-01T00:00:00.123456789Z stdout F hello world", ("2025-01-01T00:00:00.123456789Z", "stdout", False, "hello world")),
        ("2025-01-01T00:00:00.123456789Z stderr P part", ("2025-01-01T00:00:00.123456789Z", "stderr", True, "part")),
        ("2025-01-01T01:00:00.5+01:00 stdout F x", ("2025-01-01T01:00:00.5+01:00", "stdout", False, "x")),  # containerd, local
        ("2025-01-01T00:00:00.1Z stdout F ", ("2025-01-01T00:00:00.1Z", "stdout", False, "")),
        ("2025-01-01T00:00:00.1Z stdout F", ("2025-01-01T00:00:00.1Z", "stdout", False, "")),
        ("2025-01-01T00:00:00.1Z stdout F:tag  two spaces", ("2025-01-01T00:00:00.1Z", "stdout", False, " two spaces")),
    ],
)  # fmt: skip
def test_cri_lines(line: str, expected: tuple[str, str, bool, str]) -> None:
    assert split_cri(line) == expected
    assert split_timestamp_prefix(line) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2025-01-01T00:00:00.123456789Z hello", ("2025-01-01T00:00:00.123456789Z", "hello")),
        ("2025-01-01T00:00:00.5+02:00 x y", ("2025-01-01T00:00:00.5+02:00", "x y")),
        ("2025-01-01T00:00:00.5Z ERROR 1 --- [main] x : y", ("2025-01-01T00:00:00.5Z", "ERROR 1 --- [main] x : y")),
    ],
)  # fmt: skip
def test_timestamp_prefixes(line: str, expected: tuple[str, str]) -> None:
    assert split_timestamp_prefix(line) == expected
    assert split_cri(line) is None


@pytest.mark.parametrize(
    "line",
    ["2025-01-01T00:00:00.589Z  INFO 1 --- [main] x : y",  # Spring Boot's padding: its own timestamp
     "2025-01-01T00:00:00Z hello",  # no fraction: an application's own RFC 3339 stamp
     "2025-01-01 00:00:00.1Z stdout F x", "2025-01-01T00:00:00.1Z stdout X x",
     "2025-01-01T00:00:00.1", "hello", "", "2025-01-01T00:00:00.1Zstdout F x"],
)  # fmt: skip
def test_not_wrapped(line: str) -> None:
    assert split_runtime_prefix(line) is None


def test_docker_json_file() -> None:
    assert split_docker_json('{"log":"hi\\n","stream":"stderr","time":"2025-01-01T00:00:00.1Z"}') == (
        "2025-01-01T00:00:00.1Z", "stderr", False, "hi")  # fmt: skip
    assert split_docker_json('{"log":"half","stream":"stdout","time":"2025-01-01T00:00:00.1Z"}')[2] is True  # type: ignore[index]
    assert split_docker_json('{"log":"x\\r\\n","time":"t"}') == ("t", "", False, "x")
    for bad in ['{"log":1,"time":"t"}', '{"log":"x"}', '{"log":"x\\n","time":"t"', "[]", "{"]:
        assert split_docker_json(bad) is None


def test_kubectl_prefix() -> None:
    assert split_kubectl_prefix("[pod/cart-1/cart] hello") == ("cart-1", "cart", "hello")
    for bad in ["[pod/cart-1] hello", "[pod/a b/c] x", "[node/x/y] z", "[pod/x/y]no-space", "hello"]:
        assert split_kubectl_prefix(bad) is None


def test_stream_labels() -> None:
    assert split_stream_labels('{namespace="shop", pod="a-1", container="c"} hi') == (("a-1", "c", "shop"), "hi")
    assert split_stream_labels('{app="x"} hi') == ((None, None, None), "hi")
    for bad in ['{"level":"info"} x', "{app=x} y", '{app="x"}', "plain"]:
        assert split_stream_labels(bad) is None
