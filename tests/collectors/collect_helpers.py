"""Shared steps of the collector tests: collect into a bundle, triage a bundle."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from opslens.collectors import collect_bundle
from opslens.collectors.base import Window
from opslens.collectors.run import Collected
from opslens.collectors.settings import CollectSettings, with_flags
from opslens.pipeline import TriageOptions, run_triage


def collect(out: Path, sources: list[str], settings: CollectSettings | None = None, window: Window | None = None, **flags: Any) -> Collected:
    now = time.time()
    settings = with_flags(settings or CollectSettings(), **flags)
    return collect_bundle(settings, out, window or Window(now - 3600, now), sources)


def manifest(bundle: Path) -> dict[str, Any]:
    return json.loads((bundle / "manifest.json").read_text())


def triage(*paths: Path):  # noqa: ANN201
    outcome = run_triage(TriageOptions(paths=[str(p) for p in paths]))
    assert outcome.report is not None, outcome.error
    return outcome.report
