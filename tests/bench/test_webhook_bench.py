"""bench/webhook.py --quick, so the webhook benchmark does not rot: it starts `opslens serve`
as a separate process, posts deliveries, SIGKILLs and restarts the server mid-load, and then
finds every acknowledged alert stored exactly once."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "webhook.py"


def test_the_quick_run_loses_nothing_and_stores_nothing_twice() -> None:
    run = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True,
                         text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    checks = re.findall(r"acknowledged (\d+), found (\d+), lost (\d+), duplicate rows (\d+)",
                        run.stdout)
    assert len(checks) == 2, run.stdout  # after the steady phase, and after the crash
    for acknowledged, found, lost, duplicates in checks:
        assert int(acknowledged) > 0 and acknowledged == found
        assert (lost, duplicates) == ("0", "0")
    # Deliveries were refused or cut while the server was down, and some succeeded after.
    assert "SIGKILL at 1.0 s" in run.stdout and "RESULT: ok" in run.stdout
    assert int(checks[1][0]) > int(checks[0][0])
