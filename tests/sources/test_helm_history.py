"""helm history reader: revisions as dated changes, with tabs or pasted spaces, failed upgrades
as warnings, the chart's name as the release's workload; a paste with an upgrade before errors
blames the upgrade."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kubectl_helpers import check_event, mutated, never_raises, paste, read, sniffed

from opslens.events import Entity, EventKind, Severity
from opslens.pipeline import TriageOptions, run_triage
from opslens.sources.readers.helm_history import HelmHistoryReader

# fixture -> (revision, status severity, release, app version in the message) per row
EXPECTED = {
    "helm/history-tabs.txt": [
        ("4", "INFO", "checkout", "app version 2.7.1: Upgrade complete"),
        ("5", "WARNING", "checkout", 'app version 2.8.0: Upgrade "checkout" failed: context deadline exceeded'),
        ("6", "INFO", "checkout", "app version 2.7.1: Rollback to 4"),
    ],
    "helm/history-spaces.txt": [
        ("11", "INFO", "ingress-nginx", "app version 1.9.6: Upgrade complete"),
        ("12", "INFO", "ingress-nginx", "app version 1.10.1: Upgrade complete"),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rows_are_dated_changes(name: str) -> None:
    text = paste(name)
    body = text.split("\n", 1)[1] if text.startswith("$") else text
    assert sniffed(body)[0] == "helm-history"
    result = read(HelmHistoryReader, body)
    assert result.skips == []
    got = [(str((e.attrs or {})["revision"]), e.severity.name, e.entity.name if e.entity else None) for e in result.events]
    assert got == [(rev, sev, release) for rev, sev, release, _ in EXPECTED[name]]
    for event, (_, _, _, said) in zip(result.events, EXPECTED[name], strict=True):
        assert event.kind is EventKind.CHANGE and event.time is not None and said in event.message
        check_event(event, body)


def test_updated_is_read_in_the_users_zone() -> None:
    (first, *_) = read(HelmHistoryReader, paste("helm/history-tabs.txt")).events
    assert first.time == datetime(2026, 3, 3, 9, 12, 40, tzinfo=UTC).timestamp()
    assert first.entity == Entity("HelmRelease", "checkout", None) and first.severity is Severity.INFO


def test_lines_that_are_no_rows_are_skipped_with_their_line() -> None:
    text = paste("helm/history-tabs.txt") + "Error: release: not found\n"
    result = read(HelmHistoryReader, text)
    assert result.skips == [("not a `helm history` row", 5)] and len(result.events) == 3


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(EXPECTED)).flatmap(lambda name: mutated(paste(name))))
def test_mutated_history_never_raises(text: str) -> None:
    never_raises(HelmHistoryReader, text)


PASTE = """\
checkout started failing after this morning's upgrade

$ helm history checkout -n shop
REVISION  UPDATED                   STATUS      CHART            APP VERSION  DESCRIPTION
7         Mon Nov 30 11:02:10 2026  superseded  checkout-1.8.0   2.7.1        Upgrade complete
8         Thu Dec  3 09:41:12 2026  deployed    checkout-1.9.0   2.8.0        Upgrade complete

$ kubectl logs -n shop checkout-7c9f8d6b54-x2k9p
2026-12-03T09:44:10Z ERROR checkout NullPointerException at com.example.checkout.PriceService.total(PriceService.java:88)
2026-12-03T09:44:11Z ERROR checkout NullPointerException at com.example.checkout.PriceService.total(PriceService.java:88)
2026-12-03T09:44:19Z ERROR checkout NullPointerException at com.example.checkout.PriceService.total(PriceService.java:88)
"""


def test_an_upgrade_just_before_the_errors_is_the_bad_deploy(tmp_path: Path) -> None:
    (tmp_path / "chat.txt").write_text(PASTE, encoding="utf-8")
    report = run_triage(TriageOptions(paths=[str(tmp_path)])).report
    assert report is not None and report.hypotheses[0].category == "bad-deploy"
    cited = {e.id: e.text for e in report.evidence}
    assert any("checkout-1.9.0" in cited[i] for i in report.hypotheses[0].evidence if i in cited)
