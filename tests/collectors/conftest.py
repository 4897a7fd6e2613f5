"""Fixtures for the collector tests: the Kubernetes API test server, and real Prometheus and
Alertmanager processes, one pair per test module so none outlives its tests (skipped with a reason when the binaries are absent, unless CI
requires them)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import prom_stack  # noqa: E402
from cluster import shop_incident  # noqa: E402
from kube_api import KubeApiServer  # noqa: E402


@pytest.fixture
def shop_api() -> Iterator[KubeApiServer]:
    with KubeApiServer(shop_incident(time.time())) as server:
        yield server


@pytest.fixture
def kubeconfig(shop_api: KubeApiServer, tmp_path: Path) -> Path:
    return shop_api.kubeconfig(tmp_path / "kubeconfig", namespace="shop")


@pytest.fixture(scope="module")
def prom(tmp_path_factory: pytest.TempPathFactory) -> Iterator[prom_stack.PromStack]:
    missing = prom_stack.missing_binaries()
    if missing:
        if os.environ.get("OPSLENS_REQUIRE_COLLECTOR_BINARIES") == "1":
            pytest.fail(f"OPSLENS_REQUIRE_COLLECTOR_BINARIES=1 but not installed: {', '.join(missing)}")
        pytest.skip(f"not installed: {', '.join(missing)} (Debian packages prometheus, prometheus-alertmanager)")
    stack = prom_stack.start(tmp_path_factory.mktemp("prom"))
    try:
        yield stack
    finally:
        stack.stop()
