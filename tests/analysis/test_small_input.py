"""A short paste is quoted whole (routine lines aside): the value a query printed, the
version that was running and a condition's reason are evidence beside the line that names the
cause, and never push out what the analysis relied on."""

from __future__ import annotations

from pathlib import Path

from opslens.analysis.report_items import SMALL_INPUT_RECORDS
from opslens.pipeline import TriageOptions, run_triage
from opslens.report.models import Report

ERROR = "sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) (1040, 'Too many connections')\n"
QUERY = ("MariaDB [shop]> SHOW VARIABLES LIKE 'max_connections';\n+-----------------+-------+\n"
         "| Variable_name   | Value |\n+-----------------+-------+\n| max_connections | 151   |\n"
         "+-----------------+-------+\n")
STARTUP = ("2025/03/02 09:10:00 [INFO] Ledger version v4.2.7 is starting\n"
           "2025/03/02 09:10:00 [INFO] listening on :8443\n"
           "2025/03/02 09:10:05 [ERROR] Waiting on etcd: x509: certificate has expired or is not yet valid\n")


def _triage(tmp_path: Path, files: dict[str, str]) -> Report:
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    report = run_triage(TriageOptions(paths=[str(tmp_path)])).report
    assert report is not None
    return report


def _texts(report: Report) -> list[str]:
    return [e.text for e in report.evidence]


def test_a_query_result_pasted_with_the_error_is_evidence(tmp_path: Path) -> None:
    report = _triage(tmp_path, {"app.txt": ERROR, "query.txt": QUERY})
    assert report.hypotheses[0].category == "db-connectivity"
    assert any("| max_connections | 151   |" in t for t in _texts(report))
    top = report.hypotheses[0].evidence
    assert report.evidence[int(top[0][1:]) - 1].text.startswith("sqlalchemy.exc.OperationalError")


def test_the_running_version_is_quoted_but_other_routine_lines_are_not(tmp_path: Path) -> None:
    texts = _texts(_triage(tmp_path, {"ledger.log": STARTUP}))
    assert any("Ledger version v4.2.7 is starting" in t for t in texts)
    assert not any("listening on :8443" in t for t in texts)


def test_a_long_input_is_not_quoted_whole(tmp_path: Path) -> None:
    noise = "".join(f"2025/03/02 09:{i // 60:02d}:{i % 60:02d} [WARN] cache miss for key user-{i * 7919 % 1000}\n"
                    for i in range(SMALL_INPUT_RECORDS + 5))
    texts = _texts(_triage(tmp_path, {"ledger.log": STARTUP + noise}))
    assert not any("Ledger version v4.2.7 is starting" in t for t in texts)


def test_quotes_are_capped_and_warnings_come_first(tmp_path: Path) -> None:
    from opslens.analysis.report_items import SMALL_INPUT_QUOTES

    facts = "".join(f"setting_{i}: value-{i * 37}\n" for i in range(SMALL_INPUT_QUOTES + 8))
    warning = "2025/03/02 09:10:05 [WARN] replica lag 41s on ledger-db-1, reads may be stale\n"
    report = _triage(tmp_path, {"facts.txt": facts, "ledger.log": warning})
    quoted = [e for e in report.evidence if e.detail == "part of a short input"]
    assert len(quoted) <= SMALL_INPUT_QUOTES
    assert any("replica lag 41s" in e.text for e in report.evidence)


def test_the_normal_rows_of_a_short_events_table_are_its_timeline(tmp_path: Path) -> None:
    rows = (
        "Events:\n"
        "  Type    Reason   Age   From     Message\n"
        "  ----    ------   ----  ----     -------\n"
        "  Normal  Pulled   40s   kubelet  Container image \"registry.example.net/tally/ledger:5.2.0\" already present on machine\n"
        "  Normal  Started  38s   kubelet  Started container ledger\n"
        "  Normal  Killing  35s   kubelet  Stopping container ledger\n"
    )
    texts = _texts(_triage(tmp_path, {"describe.txt": rows}))
    # the kill and the start three seconds before it are quoted, the image pull too
    assert any("Stopping container ledger" in t for t in texts)
    assert any("Started container ledger" in t for t in texts)
    assert any("ledger:5.2.0" in t for t in texts)
