"""Causes a paste states next to their symptoms.

- A NetworkPolicy the input says is on explains the name lookups that fail behind it: an egress
  policy drops DNS queries it does not allow, so the client reports a resolver error although
  the resolver is healthy. Without such a statement, or when the resolver's own log fails, the
  DNS failure stays the diagnosis.
- An object store or provider API answering with its own server-side error (S3's
  `InternalError`, GCS's `backendError`) is a dependency outage, not a fault of the caller;
  a throttling answer is not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from opslens.pipeline import TriageOptions, run_triage
from opslens.report.models import Report

LOOKUP_FAILURES = {
    "python": (
        "2025-04-02 03:00:07,114 ERROR backup-runner: pg_dump failed: could not translate host name "
        '"ledger-db.finance.svc.cluster.local" to address: Temporary failure in name resolution\n'
    ),
    "node": (
        "2025-04-02T03:00:07.114Z error: getaddrinfo EAI_AGAIN ledger-db.finance.svc.cluster.local\n"
        "    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26)\n"
    ),
    "go": (
        'time="2025-04-02T03:00:07Z" level=error msg="export failed" error="dial tcp: lookup '
        'ledger-db.finance.svc.cluster.local on 10.96.0.10:53: read udp 10.244.3.17:41872->10.96.0.10:53: i/o timeout"\n'
    ),
}

POLICY_STATEMENTS = {
    "chart values": "ledgerBackup:\n  schedule: \"0 3 * * *\"\n  networkPolicy:\n    enabled: true\n",
    "a person saying so": "The nightly export broke right after we applied the default-deny network policy in finance.\n",
    "a manifest": (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ledger-backup-egress\n"
        "  namespace: finance\nspec:\n  podSelector:\n    matchLabels:\n      app: ledger-backup\n"
        "  policyTypes:\n  - Egress\n  egress:\n  - to:\n    - podSelector:\n        matchLabels:\n"
        "          app: ledger-db\n    ports:\n    - port: 5432\n"
    ),
}

RESOLVER_FAILING = (
    "[ERROR] plugin/errors: 2 ledger-db.finance.svc.cluster.local. A: read udp 10.244.0.9:51312->172.31.0.2:53: i/o timeout\n"
    "[ERROR] plugin/errors: 2 ledger-db.finance.svc.cluster.local. AAAA: read udp 10.244.0.9:40417->172.31.0.2:53: i/o timeout\n"
)

PROVIDER_ERRORS = {
    "s3 xml": (
        "2025-05-11T14:02:33Z ERROR upload failed for invoice-2291.pdf: <?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message>"
        "<RequestId>9D3A0C55E1B2F4A7</RequestId></Error>\n"
    ),
    "boto3": (
        "Traceback (most recent call last):\n  File \"/srv/archiver/store.py\", line 41, in put\n"
        "    self.client.put_object(Bucket=self.bucket, Key=key, Body=body)\n"
        "botocore.exceptions.ClientError: An error occurred (InternalError) when calling the PutObject operation "
        "(reached max retries: 4): We encountered an internal error. Please try again.\n"
    ),
    "go sdk v2": (
        'level=error ts=2025-05-11T14:02:33Z msg="flush failed" err="operation error S3: PutObject, https response '
        'error StatusCode: 500, RequestID: 5E2F1A0B3C4D, HostID: Zm9vYmFy, api error InternalError: We encountered '
        'an internal error. Please try again."\n'
    ),
    "gcs": "E0511 14:02:33.114 uploader.go:88] write gs://ledger-archive/2025/05/11.tar: googleapi: Error 503: We encountered an internal error. Please try again., backendError\n",
}

THROTTLED = (
    "2025-05-11T14:02:33Z ERROR upload failed for invoice-2291.pdf: <Error><Code>SlowDown</Code>"
    "<Message>Please reduce your request rate.</Message><RequestId>9D3A0C55E1B2F4A7</RequestId></Error>\n"
)


def _triage(tmp_path: Path, files: dict[str, str]) -> Report:
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    report = run_triage(TriageOptions(paths=[str(tmp_path)])).report
    assert report is not None
    return report


def _categories(report: Report) -> list[str]:
    return [h.category for h in report.hypotheses]


@pytest.mark.parametrize("statement", sorted(POLICY_STATEMENTS))
@pytest.mark.parametrize("stack", sorted(LOOKUP_FAILURES))
def test_a_stated_policy_explains_the_lookups_that_fail_behind_it(tmp_path: Path, stack: str, statement: str) -> None:
    report = _triage(tmp_path, {"backup.log": LOOKUP_FAILURES[stack], "notes.txt": POLICY_STATEMENTS[statement]})
    ranked = _categories(report)
    assert ranked[0] == "network-policy", ranked
    # the symptom stays visible, below its cause
    assert "dns-failure" in ranked[1:], ranked


@pytest.mark.parametrize("stack", sorted(LOOKUP_FAILURES))
def test_without_a_policy_the_dns_failure_is_the_diagnosis(tmp_path: Path, stack: str) -> None:
    report = _triage(tmp_path, {"backup.log": LOOKUP_FAILURES[stack]})
    assert _categories(report)[0] == "dns-failure"


def test_a_failing_resolver_is_not_blamed_on_a_policy(tmp_path: Path) -> None:
    report = _triage(tmp_path, {
        "backup.log": LOOKUP_FAILURES["go"],
        "coredns.log": RESOLVER_FAILING,
        "values.yaml": POLICY_STATEMENTS["chart values"],
    })
    assert _categories(report)[0] == "dns-failure"


def test_a_disabled_policy_is_no_statement(tmp_path: Path) -> None:
    note = "With networkPolicy disabled the export works; the cluster has no default-deny.\n"
    report = _triage(tmp_path, {"backup.log": LOOKUP_FAILURES["python"], "notes.txt": note})
    assert _categories(report)[0] == "dns-failure"


@pytest.mark.parametrize("client", sorted(PROVIDER_ERRORS))
def test_a_provider_internal_error_is_a_dependency_outage(tmp_path: Path, client: str) -> None:
    report = _triage(tmp_path, {"archiver.log": PROVIDER_ERRORS[client]})
    assert _categories(report)[:1] == ["dependency-outage"]
    quoted = " ".join(e.text for e in report.evidence)
    assert "InternalError" in quoted or "backendError" in quoted


def test_a_throttling_answer_is_not_an_outage(tmp_path: Path) -> None:
    report = _triage(tmp_path, {"archiver.log": THROTTLED})
    assert "dependency-outage" not in _categories(report)[:1]
