"""Accuracy on the Loghub 2k samples with the reference scorer (skipped without ../shared/data).

The acceptance bar of the miner: one configuration, mean GA >= 0.95, mean PA >= 0.65, and no
system below GA 0.80. `bench/loghub.py` prints the full table, side by side with Drain3.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "loghub.py"


@pytest.fixture(scope="module")
def loghub_bench():  # noqa: ANN201 - the bench module
    spec = importlib.util.spec_from_file_location("bench_loghub", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_loghub_2k_accuracy(shared_data: Path, loghub_bench) -> None:  # noqa: ANN001
    data = shared_data / "loghub-2k"
    if not (data / "formats.json").is_file() or not loghub_bench.SCORER.is_file():
        pytest.skip("loghub-2k or the reference scorer is not present")
    systems = sorted(json.loads((data / "formats.json").read_text()))
    results = loghub_bench.run(data, systems, with_drain=False)
    ga = {s: r["ours"]["GA"] for s, r in results.items()}
    pa = {s: r["ours"]["PA"] for s, r in results.items()}
    assert sum(ga.values()) / len(ga) >= 0.95, ga
    assert sum(pa.values()) / len(pa) >= 0.65, pa
    assert min(ga.values()) >= 0.80, ga
