"""A triage that saves nothing never loads the database libraries: they cost a third of a
second and tens of MB in the process and in every worker it forks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_PROBE = """
import sys
from typer.testing import CliRunner
from opslens.cli import _load_commands, app
_load_commands()  # every command, as the console script registers them
result = CliRunner().invoke(app, ["triage", "examples/cert-expiry", "--llm", "none", "--format", "json"])
assert result.exit_code == 0, result.output
loaded = sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic", "psycopg")})
print(",".join(loaded) or "none")
"""


def test_triage_without_save_loads_no_database_library() -> None:
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "none", out.stdout


def test_the_store_records_import_without_the_database_libraries() -> None:
    probe = "import sys, opslens.store.records, opslens.store; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
