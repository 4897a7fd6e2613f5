"""The shared sample corpora: structured files are claimed by the right reader and fully read.

Expected counts are computed independently of the readers (JSON item counts, line counts).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from structured_helpers import chosen, read_text

from opslens.sources.base import get_reader

NOT_INPUTS = ("ollama-chat-stream.ndjson", "openai-chat-stream.sse")
STRUCTURED = {
    "k8s-events",
    "journald",
    "syslog",
    "dmesg",
    "alertmanager",
    "prometheus",
    "argocd",
    "rollout-history",
    "git-log",
}


def _json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


def _lines(path: Path, pattern: str) -> int:
    return sum(
        1 for line in path.read_text(encoding="utf-8").splitlines() if re.match(pattern, line)
    )


#: file name -> (reader, expected number of events)
EXPECTED: dict[str, tuple[str, Callable[[Path], int]]] = {
    "alertmanager-webhook.json": ("alertmanager", lambda p: len(_json(p)["alerts"])),  # type: ignore[index]
    "alerts.json": ("alertmanager", lambda p: len(_json(p)["alerts"])),  # type: ignore[index]
    "journal.jsonl": ("journald", lambda p: _lines(p, r"\{")),
    "k8s-events-corev1.json": ("k8s-events", lambda p: len(_json(p)["items"])),  # type: ignore[index]
    "k8s-events-eventsv1.json": ("k8s-events", lambda p: len(_json(p)["items"])),  # type: ignore[index]
    "k8s-events.json": ("k8s-events", lambda p: len(_json(p)["items"])),  # type: ignore[index]
    "prometheus-query-range.json": ("prometheus", lambda p: len(_json(p)["data"]["result"])),  # type: ignore[index]
    "metrics.json": ("prometheus", lambda p: len(_json(p)["data"]["result"])),  # type: ignore[index]
    "argocd-app.json": ("argocd", lambda p: len(_json(p)["status"]["history"])),  # type: ignore[index]
    "git-log.txt": ("git-log", lambda p: _lines(p, r"commit [0-9a-f]{40}")),
    "rollout-history.txt": ("rollout-history", lambda p: _lines(p, r"\d+\s")),
    "syslog": ("syslog", lambda p: _lines(p, r"[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d ")),
}


def _check(path: Path) -> None:
    reader_name, count = EXPECTED[path.name]
    text = path.read_text(encoding="utf-8")
    assert chosen(text, str(path)) == reader_name, path
    result = read_text(get_reader(reader_name), text, str(path), year_hint=2025)
    assert len(result.events) == count(path), path
    assert result.skips == [], path
    assert all(e.source == reader_name for e in result.events)


def test_format_samples(shared_data: Path) -> None:
    checked = 0
    for path in sorted((shared_data / "formats").iterdir()):
        if path.name in NOT_INPUTS:
            continue
        if path.name in EXPECTED:
            _check(path)
            checked += 1
        else:  # e.g. Loki responses belong to the log readers
            assert chosen(path.read_text(encoding="utf-8"), str(path)) not in STRUCTURED, path
    assert checked >= 5


SCENARIO_FILES = ["alerts.json", "argocd-app.json", "git-log.txt", "journal.jsonl", "k8s-events.json", "metrics.json",
                  "rollout-history.txt", "syslog"]  # fmt: skip


@pytest.mark.parametrize("name", SCENARIO_FILES)
def test_scenario_samples(shared_data: Path, name: str) -> None:
    paths = sorted((shared_data / "scenarios-dev").glob(f"*/{name}"))
    if not paths:
        pytest.skip(f"no scenario has {name}")
    for path in paths:
        _check(path)
