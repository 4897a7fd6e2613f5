"""Two readings of a dead process, from what the paste itself shows. Pastes are our own.

- A SIGKILL (`signal: killed`, exit 137) with nothing else claiming the kill is most often the
  OOM killer at the memory limit; a liveness kill beside it is the probe's.
- A Go panic in the main goroutine happened while the program started: no input triggered it,
  the version that runs is at fault (bad deploy) before a latent, data-triggered bug.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from opslens.pipeline import TriageOptions, run_triage
from opslens.report.models import Report

SIGKILL = ('{"level":"error","time":"2025-06-01T08:00:03Z","msg":"manifest generation failed",'
           '"error":"helm template ledger-chart failed signal: killed"}\n')
LIVENESS = ("Warning  Unhealthy  3m (x9 over 9m)  kubelet  Liveness probe failed: Get \"http://10.2.0.7:8080/live\": "
            "context deadline exceeded\nNormal   Killing    3m (x3 over 9m)  kubelet  Container ledger failed liveness "
            "probe, will be restarted\n")
PANIC = """\
$ ./ledger-export-v3.1.0-linux-amd64 --config /etc/ledger/export.yml
panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x20 pc=0x6f1a2b]

goroutine {n} [running]:
example.com/ledger/export/sink.(*Writer).Open(0x0)
\t/src/sink/writer.go:57 +0x2b
{caller}
\t/src/{file}.go:88 +0x1c4
"""
STARTUP = PANIC.format(n=1, caller="main.main()", file="main")
#: the main goroutine, but in the loop that applies input (no main.main frame in the trace)
IN_THE_MAIN_LOOP = PANIC.format(n=1, caller="main.(*Exporter).apply(0xc0001a2000, 0x0)", file="main")
IN_A_HANDLER = PANIC.format(n=4711, caller="example.com/ledger/export/api.(*Server).handleExport(0xc0001a2000, {0x9ac1e0, 0xc000412000})", file="api/export")


def _triage(tmp_path: Path, text: str) -> Report:
    (tmp_path / "paste.txt").write_text(text, encoding="utf-8")
    report = run_triage(TriageOptions(paths=[str(tmp_path)])).report
    assert report is not None and report.hypotheses
    return report


def test_a_lone_sigkill_reads_as_the_oom_killer(tmp_path: Path) -> None:
    assert _triage(tmp_path, SIGKILL).hypotheses[0].category == "oom"


def test_a_liveness_kill_beside_the_sigkill_is_the_probe(tmp_path: Path) -> None:
    report = _triage(tmp_path, SIGKILL + LIVENESS)
    assert report.hypotheses[0].category == "probe-misconfig"


@pytest.mark.parametrize(("text", "top", "second"), [
    (STARTUP, "bad-deploy", "crash-bug"),
    (IN_A_HANDLER, "crash-bug", None),
    (IN_THE_MAIN_LOOP, "crash-bug", None),
])
def test_where_the_panic_happened_decides_the_reading(tmp_path: Path, text: str, top: str, second: str | None) -> None:
    ranked = [h.category for h in _triage(tmp_path, text).hypotheses]
    assert ranked[0] == top
    if second is not None:
        assert second in ranked[1:3], "the latent-bug reading stays visible"
    else:
        assert "bad-deploy" not in ranked
