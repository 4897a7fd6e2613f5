"""A GitOps `git log` pasted after a prompt is read as changes, not swallowed by the part above.

People paste the commit that went out next to the errors that followed it; the commit dates
the change, and the change is cited with the hypothesis it supports.
"""

from __future__ import annotations

from pathlib import Path

from opslens.pipeline import TriageOptions, run_triage

PASTE = """\
this started right after our last gitops merge:

$ kubectl get pods -n shop
NAME                            READY   STATUS    RESTARTS   AGE
checkout-api-7c9f8d6b54-x2k9p   1/1     Running   0          4m

$ git log -1 --format=fuller
commit 9f1c2ab5d1e0c4b7a8f9e6d5c4b3a2f1e0d9c8b7
Author:     Dana Ops <dana@example.com>
AuthorDate: Thu Dec 3 09:41:12 2026 +0000
Commit:     Dana Ops <dana@example.com>
CommitDate: Thu Dec 3 09:41:12 2026 +0000

    bump checkout-api image to 2.8.0

$ kubectl logs -n shop checkout-api-7c9f8d6b54-x2k9p
2026-12-03T09:44:10Z ERROR checkout-api NullPointerException at com.example.checkout.PriceService.total(PriceService.java:88)
2026-12-03T09:44:11Z ERROR checkout-api NullPointerException at com.example.checkout.PriceService.total(PriceService.java:88)
2026-12-03T09:44:19Z ERROR checkout-api NullPointerException at com.example.checkout.PriceService.total(PriceService.java:88)
"""


def test_a_pasted_git_log_is_the_change_before_the_errors(tmp_path: Path) -> None:
    (tmp_path / "chat.txt").write_text(PASTE, encoding="utf-8")
    result = run_triage(TriageOptions(paths=[str(tmp_path)]))
    report = result.report
    assert report is not None
    assert not any("argocd" in s.reason or "row" in s.reason for s in report.stats.skipped)
    top = report.hypotheses[0]
    assert top.category == "bad-deploy"
    cited = {e.id: e for e in report.evidence}
    assert any(cited[i].kind == "change" and "commit 9f1c2ab" in cited[i].text for i in top.evidence if i in cited)
