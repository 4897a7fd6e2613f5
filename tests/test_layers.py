"""Data flows one way: the import-linter layers contract in pyproject.toml holds
(sources -> analysis -> report -> llm -> pipeline -> cli; lower layers never import higher)."""

from __future__ import annotations

import os
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_import_layers_hold() -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)  # the contract names the package; src/ is where it lives
    try:
        assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0
    finally:
        os.chdir(cwd)
