"""Fixtures for the runbook tests: a small corpus written for these tests, and an index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from runbooks_corpus import write_corpus

from opslens.runbooks import RunbookIndex


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A fresh copy of the test corpus."""
    return write_corpus(tmp_path / "runbooks")


@pytest.fixture
def index(tmp_path: Path, corpus: Path) -> Iterator[RunbookIndex]:
    """An index over the test corpus, in a temporary database."""
    with RunbookIndex.open(tmp_path / "index.sqlite") as idx:
        idx.refresh([corpus])
        yield idx
