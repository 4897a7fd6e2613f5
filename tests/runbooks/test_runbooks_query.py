"""Building queries from alerts, webhook payloads and free text."""

from __future__ import annotations

from opslens.runbooks import query_from_alert, query_from_text
from opslens.runbooks.query import TermSource, queries_from_payload

ALERT = {
    "status": "firing",
    "labels": {
        "alertname": "KubePersistentVolumeFillingUp",
        "namespace": "payments",
        "persistentvolumeclaim": "data-ledger-0",
        "instance": "10.0.0.7:8080",
        "pod": "ledger-7c9f8b6d4-h2k8d",
        "prometheus": "monitoring/k8s",
        "endpoint": "https-metrics",
        "job": "kubelet",
        "severity": "critical",
    },
    "annotations": {
        "summary": "PersistentVolume is filling up.",
        "description": "The PersistentVolume claimed by data-ledger-0 in Namespace payments "
        "is only 2.1% free.",
        "runbook_url": "https://runbooks.example.org/runbooks/kubernetes/kubepersistentvolumefillingup",
    },
}


def terms_of(query) -> dict[str, TermSource]:
    return {t.term: t.source for t in query.terms}


def test_alert_name_summary_and_description_are_evidence():
    terms = terms_of(query_from_alert(ALERT))
    assert terms["fill"] is TermSource.NAME
    assert terms["kubepersistentvolumefillingup"] is TermSource.NAME
    assert terms["free"] is TermSource.DESCRIPTION
    assert all(t.evidential for t in query_from_alert(ALERT).terms if t.source is not TermSource.LABEL)


def test_where_labels_and_entity_names_are_dropped():
    terms = terms_of(query_from_alert(ALERT))
    for noise in ("payment", "ledger", "h2k8d", "https", "metric", "critical", "monitor"):
        assert noise not in terms, noise
    assert terms["kubelet"] is TermSource.LABEL  # component labels are weak context
    assert "pvc" in terms  # the resource-kind label key names the problem area


def test_runbook_url_names_the_runbook():
    query = query_from_alert(ALERT)
    assert "kubepersistentvolumefillingup" in query.identities


def test_blind_alert_without_name_still_has_evidence():
    blind = {"labels": {"namespace": "x"}, "annotations": {"description": "Pod x/y is crash looping."}}
    query = query_from_alert(blind)
    assert {"pod", "crashloop"} <= set(terms_of(query))
    assert query.identities == ()


def test_webhook_payload_merges_its_alerts():
    payload = {
        "version": "4",
        "status": "firing",
        "commonLabels": {"alertname": "KubePodCrashLooping"},
        "commonAnnotations": {},
        "alerts": [
            {"labels": {"alertname": "KubePodCrashLooping", "pod": "a-1"},
             "annotations": {"description": "Pod shop/a-1 is restarting."}},
            {"labels": {"alertname": "KubePodCrashLooping", "pod": "b-2"},
             "annotations": {"summary": "Pod is crash looping."}},
        ],
    }
    terms = terms_of(query_from_alert(payload))
    assert {"restart", "crashloop", "kubepodcrashloop"} <= set(terms)
    assert len(queries_from_payload(payload)) == 2


def test_message_annotation_counts_like_a_summary():
    query = query_from_alert({"labels": {}, "annotations": {"message": "etcd has no leader"}})
    assert terms_of(query)["leader"] is TermSource.SUMMARY


def test_free_text_with_context_and_entities():
    query = query_from_text(
        "Container killed by the OOM killer",
        context=["checkout-api exited with code 137"],
        entities=["checkout-api"],
    )
    terms = terms_of(query)
    assert terms["oom"] is TermSource.TEXT
    assert terms["exit"] is TermSource.CONTEXT
    assert "checkout" not in terms
    assert not query_from_text("   ")
