"""Relative ages (`5m (x3 over 20m)`) count back from the newest time the other inputs show,
not from the machine's clock: a paste from an incident two years ago stays two years ago, and
its dated log lines stay part of the incident instead of turning into old background."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from opslens.fanout import digest_inputs
from opslens.pipeline import TriageOptions, run_triage

LOGS = """\
$ kubectl logs -n edge resolver-5b7c9d8f6-x2x7q
2023/05/11 14:20:01 [ERROR] 2 mail.partner.example. A: unreachable backend: read udp 10.244.3.12:51234->10.96.0.10:53: i/o timeout
2023/05/11 14:20:03 [ERROR] 2 mail.partner.example. AAAA: unreachable backend: read udp 10.244.3.12:40123->10.96.0.10:53: i/o timeout
2023/05/11 14:20:07 [ERROR] 2 api.partner.example. A: unreachable backend: read udp 10.244.3.12:39121->10.96.0.10:53: i/o timeout
"""
EVENTS = """\
$ kubectl describe pod -n edge resolver-5b7c9d8f6-x2x7q
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  55m   default-scheduler  Successfully assigned edge/resolver-5b7c9d8f6-x2x7q to node-2
  Normal  Pulled     54m   kubelet            Container image "registry.example.com/resolver:1.1.3" already present on machine
"""
LAST_LOG = datetime(2023, 5, 11, 14, 20, 7, tzinfo=UTC).timestamp()


@pytest.mark.parametrize("names", [("1-logs.txt", "2-events.txt"), ("2-logs.txt", "1-events.txt")])
def test_ages_count_back_from_the_newest_dated_input(tmp_path: Path, names: tuple[str, str]) -> None:
    (tmp_path / names[0]).write_text(LOGS, encoding="utf-8")
    (tmp_path / names[1]).write_text(EVENTS, encoding="utf-8")
    report = run_triage(TriageOptions(paths=[str(tmp_path)])).report
    assert report is not None
    assert report.hypotheses and report.hypotheses[0].category == "dns-failure"  # the logs are this incident
    digest, _ = digest_inputs([str(tmp_path)], UTC, None, None)
    (scheduled,) = (e for e in digest.k8s_events if (e.attrs or {}).get("reason") == "Scheduled")
    assert scheduled.time_inferred and abs(scheduled.time - (LAST_LOG - 55 * 60)) < 61


ONE_PASTE = """\
$ kubectl get events -n edge
LAST SEEN   TYPE      REASON      OBJECT                             MESSAGE
20m         Normal    Scheduled   pod/resolver-5b7c9d8f6-x2x7q       Successfully assigned edge/resolver-5b7c9d8f6-x2x7q to node-2
2m          Warning   Unhealthy   pod/resolver-5b7c9d8f6-x2x7q       Readiness probe failed: HTTP probe failed with statuscode: 503
$ kubectl logs -n edge resolver-5b7c9d8f6-x2x7q
2023/05/11 14:20:01 [ERROR] 2 mail.partner.example. A: unreachable backend: read udp 10.244.3.12:51234->10.96.0.10:53: i/o timeout
2023/05/11 14:20:07 [ERROR] 2 api.partner.example. A: unreachable backend: read udp 10.244.3.12:39121->10.96.0.10:53: i/o timeout
"""


def test_ages_in_a_paste_count_back_from_its_own_dated_lines(tmp_path: Path) -> None:
    """The dated part of a paste is read first, whatever its stamp format, and dates the ages of
    the parts above it."""
    (tmp_path / "chat.txt").write_text(ONE_PASTE, encoding="utf-8")
    digest, _ = digest_inputs([str(tmp_path)], UTC, None, None)
    by_reason = {(e.attrs or {}).get("reason"): e for e in digest.k8s_events}
    assert by_reason.keys() >= {"Scheduled", "Unhealthy"}
    for reason, minutes in (("Scheduled", 20), ("Unhealthy", 2)):
        event = by_reason[reason]
        assert event.time_inferred and abs(event.time - (LAST_LOG - minutes * 60)) < 61, reason
