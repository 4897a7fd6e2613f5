"""Facts of configuration and state that make a cause believable are cited with it.

A probe that fails against the pod IP while the application says where it serves its health
checks, a volume's size next to `no space left on device`, the image a failing pull names: the
responder needs these beside the symptom. They are true whenever they were printed, so an
older line still counts (it is not "chronic background"), and they are cited only with the
hypothesis they support.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from opslens.pipeline import TriageOptions, run_triage
from opslens.report.models import Report

PROBE_EVENTS = """\
Events:
  Type     Reason     Age                 From               Message
  ----     ------     ----                ----               -------
  Normal   Started    12m (x3 over 14m)   kubelet            Started container gatekeeper
  Warning  Unhealthy  11m (x9 over 14m)   kubelet            Liveness probe failed: Get "http://10.44.1.23:9090/healthz": dial tcp 10.44.1.23:9090: connect: connection refused
  Normal   Killing    11m (x3 over 13m)   kubelet            Container gatekeeper failed liveness probe, will be restarted
  Warning  BackOff    2m (x31 over 10m)   kubelet            Back-off restarting failed container
"""
# The app's own log, from well before the events: where it serves its health checks.
PROBE_LOG = """\
2025-03-02T07:58:01.204Z INFO  gatekeeper starting version=2.4.1
2025-03-02T07:58:01.377Z INFO  health check server listening on 127.0.0.1:9090
2025-03-02T07:58:01.380Z INFO  ready to accept connections on :8443
"""
NOW = datetime(2025, 3, 2, 9, 30, tzinfo=UTC).timestamp()


def _triage(tmp_path: Path, files: dict[str, str], now: float | None = NOW) -> Report:
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    report = run_triage(TriageOptions(paths=[str(tmp_path)], now=now)).report
    assert report is not None
    return report


def _cited(report: Report, rank: int = 0) -> list[str]:
    by_id = {e.id: e.text for e in report.evidence}
    return [by_id[i] for i in report.hypotheses[rank].evidence if i in by_id]


def test_where_the_app_serves_health_checks_is_cited_with_the_probe(tmp_path: Path) -> None:
    report = _triage(tmp_path, {"describe.txt": PROBE_EVENTS, "gatekeeper.log": PROBE_LOG})
    assert report.hypotheses[0].category == "probe-misconfig"
    cited = _cited(report)
    assert any("health check server listening on 127.0.0.1:9090" in t for t in cited), cited
    assert not any("ready to accept connections" in t for t in cited)  # not a probe fact


def test_a_volume_size_is_cited_with_a_full_disk_but_not_elsewhere(tmp_path: Path) -> None:
    pvc = "Name:          data-search-0\nNamespace:     logs\nStorageClass:  gp3\nStatus:        Bound\nCapacity:      50Gi\nAccess Modes:  RWO\n"
    full = "2025-03-02T09:12:44Z ERROR indexer: flush failed: write /data/segments/0042.seg: no space left on device\n"
    report = _triage(tmp_path, {"pvc.txt": pvc, "indexer.log": full})
    assert report.hypotheses[0].category == "disk-pressure"
    assert any("Capacity:      50Gi" in t for t in _cited(report)), _cited(report)

    other = tmp_path / "other"
    other.mkdir()
    report = _triage(other, {"pvc.txt": pvc, "describe.txt": PROBE_EVENTS})
    assert report.hypotheses[0].category == "probe-misconfig"
    assert not any("Capacity:" in t for t in _cited(report))


READINESS_404 = """\
Events:
  Type     Reason     Age                  From               Message
  ----     ------     ----                 ----               -------
  Normal   Started    20m                  kubelet            Started container exporter
  Warning  Unhealthy  4m (x120 over 20m)   kubelet            Readiness probe failed: HTTP probe failed with statuscode: 404
"""
CURL_404 = """\
$ curl -sv http://10.44.1.23:9793/healthz
*   Trying 10.44.1.23:9793...
* Connected to 10.44.1.23 (10.44.1.23) port 9793 (#0)
> GET /healthz HTTP/1.1
> Host: 10.44.1.23:9793
> Accept: */*
>
< HTTP/1.1 404 Not Found
< Content-Type: text/plain; charset=utf-8
<
404 page not found
* Connection #0 to host 10.44.1.23 left intact
"""


def test_a_probe_answered_404_is_the_probes_fault_without_any_change(tmp_path: Path) -> None:
    """The application answers, only not on the probe's path: no rollout is needed to blame
    the probe (a readiness failure alone would be a symptom)."""
    report = _triage(tmp_path, {"describe.txt": READINESS_404})
    assert report.hypotheses[0].category == "probe-misconfig"
    assert report.hypotheses[0].confidence >= 0.5


def test_curl_of_the_health_path_answering_404_is_cited_at_its_status_line(tmp_path: Path) -> None:
    report = _triage(tmp_path, {"curl.txt": CURL_404})
    assert report.hypotheses and report.hypotheses[0].category == "probe-misconfig"
    assert any("< HTTP/1.1 404 Not Found" in t for t in _cited(report)), _cited(report)


READINESS_REFUSED = """\
Events:
  Type     Reason     Age                 From     Message
  ----     ------     ----                ----     -------
  Warning  Unhealthy  2m (x60 over 12m)   kubelet  Readiness probe failed: Get "http://10.44.2.9:9090/ready": dial tcp 10.44.2.9:9090: connect: connection refused
"""


def _app_log(port: int) -> str:
    return f'2025-03-02T09:18:00.004Z level=info msg="server listening" addr=:{port}\n'


def test_a_probe_dialling_another_port_than_the_app_listens_on_is_the_probes_fault(tmp_path: Path) -> None:
    wrong = _triage(tmp_path / "wrong", {"describe.txt": READINESS_REFUSED, "app.log": _app_log(8080)})
    same = _triage(tmp_path / "same", {"describe.txt": READINESS_REFUSED, "app.log": _app_log(9090)})
    assert wrong.hypotheses[0].category == "probe-misconfig" and wrong.hypotheses[0].confidence >= 0.5
    # the app listens where the probe dials: refused means the app was not up, a symptom
    same_probe = [h.confidence for h in same.hypotheses if h.category == "probe-misconfig"]
    assert not same_probe or same_probe[0] < wrong.hypotheses[0].confidence


READINESS_SLOW = """\
Events:
  Type     Reason     Age                 From     Message
  ----     ------     ----                ----     -------
  Warning  Unhealthy  5m12s (x3 over 5m30s)  kubelet  Readiness probe failed: HTTP probe failed with statuscode: 503
  Warning  Unhealthy  {last}                    kubelet  Readiness probe failed: {second}
"""


def test_a_readiness_probe_that_gives_up_waiting_on_a_later_line_is_still_a_timeout(tmp_path: Path) -> None:
    """The probe's timeout shows on any of its lines, not only the first of the pattern."""
    timeout = "Get http://10.8.1.4:8080/login: net/http: request canceled (Client.Timeout exceeded while awaiting headers)"
    timed_out = _triage(tmp_path / "t", {"describe.txt": READINESS_SLOW.format(last="71s", second=timeout)})
    refused = _triage(tmp_path / "r", {"describe.txt": READINESS_SLOW.format(
        last="71s", second='Get "http://10.8.1.4:8080/login": dial tcp 10.8.1.4:8080: connect: connection refused')})
    assert timed_out.hypotheses and timed_out.hypotheses[0].category == "probe-misconfig"
    slow = timed_out.hypotheses[0].confidence
    assert all(h.confidence < slow for h in refused.hypotheses if h.category == "probe-misconfig")
