"""Retrieval quality and abstention on the small test corpus."""

from __future__ import annotations

import pytest

from opslens.runbooks import RunbookIndex, query_from_alert, query_from_text
from opslens.runbooks.search import Field, RankingParams, reciprocal_rank_fusion


def alert(annotations: dict[str, str], **labels: str) -> dict:
    return {"status": "firing", "labels": labels, "annotations": annotations}


# Annotations only: no alert name, wording unlike the runbooks' own.
BLIND = [
    ({"summary": "Pod is crash looping.",
      "description": 'Pod shop/cart-7d9 (cart) is in waiting state (reason: "CrashLoopBackOff").'},
     "kubernetes/pod-crash-looping.md"),
    ({"summary": "Container was OOM killed",
      "description": "Container api in pod shop/api-1 was terminated: out of memory."},
     "kubernetes/container-oom-killed.md"),
    ({"description": "Filesystem / on node worker-3 has only 2% free space left."},
     "node/node-disk-full.md"),
    ({"summary": "Certificate expires soon",
      "description": "The TLS certificate for shop.example.com expires in 3 days."},
     "security/tls-certificate-expiry.rst"),
    ({"summary": "DNS lookups failing", "description": "CoreDNS returns SERVFAIL for 12% of queries."},
     "network/dns-resolution-failures.md"),
    ({"summary": "Consumer group lag is growing",
      "description": "Kafka consumer group billing is 120000 messages behind."},
     "streaming/kafka-consumer-lag.txt"),
    ({"summary": "PVC almost full", "description": "PVC data-pg-0 has 3% free."},
     "kubernetes/persistent-volume-filling-up.md"),
    ({"summary": "Standby is lagging", "description": "Postgres replica pg-2 replication lag is 340s."},
     "databases/postgres-replication-lag.md"),
    ({"summary": "Processes experience elevated CPU throttling."},
     "kubernetes/cpu-throttling-high.md"),
]


@pytest.mark.parametrize(("annotations", "expected"), BLIND)
def test_blind_alerts_find_their_runbook_first(index, annotations, expected):
    hits = index.search(query_from_alert(alert(annotations, namespace="shop", pod="x-1")), k=3)
    assert hits and hits[0].path == expected, [h.path for h in hits]


def test_named_alert_finds_the_runbook_named_after_it(index):
    hits = index.search(query_from_alert(alert({}, alertname="KubeNodeNotReady")), k=3)
    assert hits[0].path == "kubernetes/node-not-ready.md"
    assert hits[0].score == 1.0  # an exact name match


def test_front_matter_alias_is_a_name(index):
    hits = index.search(query_from_alert(alert({"summary": "x"}, alertname="KubePodCrashLooping")))
    assert hits[0].path == "kubernetes/pod-crash-looping.md"


@pytest.mark.parametrize(
    "text",
    ["quarterly marketing budget review meeting",
     "Bonding interface bond0 is degraded after a slave failure",
     "Systemd unit chronyd.service entered failed state"],
)
def test_unrelated_text_abstains_and_reports_why(index, text):
    result = index.search_detailed(query_from_text(text), k=3)
    assert result.abstained and result.hits == ()
    assert result.best_score < result.threshold == index.threshold


def test_named_alert_without_a_runbook_needs_strong_evidence(index):
    renamed = alert({"summary": "Node network bond is degraded."}, alertname="NodeBondingDegraded")
    result = index.search_detailed(query_from_alert(renamed))
    assert result.abstained
    assert result.threshold == index.name_mismatch_threshold


def test_hit_points_at_the_matching_section(index):
    hit = index.search("delete old logs and unused images to free disk", k=1)[0]
    assert (hit.path, hit.section) == ("node/node-disk-full.md", "Mitigation")
    assert hit.heading_path == ("Node Disk Almost Full", "Mitigation")
    assert hit.excerpt.startswith("Delete old logs")
    assert hit.line == 16


def test_k_limits_results_and_results_are_distinct_runbooks(index):
    hits = index.search("pod node container memory cpu disk", k=4)
    assert len(hits) == 4
    assert len({h.path for h in hits}) == 4


def test_stats_count_queries_abstentions_and_latency(index):
    index.search("pod crash looping")
    index.search("quarterly marketing budget review meeting")
    stats = index.stats
    assert (stats.queries, stats.no_result_count) == (2, 1)
    assert len(stats.latency_seconds) == 2 and all(s > 0 for s in stats.latency_seconds)


def test_threshold_is_adjustable(tmp_path, corpus):
    with RunbookIndex.open(tmp_path / "i.sqlite", threshold=0.0) as idx:
        idx.refresh([corpus])
        assert idx.search("quarterly marketing budget review")  # nothing is too weak now
    with RunbookIndex.open(tmp_path / "i.sqlite", threshold=1.0) as idx:
        assert idx.search("pod crash looping") == []


def test_title_field_outweighs_body_mentions(tmp_path):
    root = tmp_path / "rb"
    root.mkdir()
    (root / "a.md").write_text("# Queue backlog\n\nMessages wait too long.\n")
    (root / "b.md").write_text("# Disk usage\n\nA queue backlog fills the disk. Queue backlog "
                               "growth? Drain the queue backlog first.\n")
    flat = RankingParams(weights=((Field.NAME, 1.0), (Field.HEADINGS, 1.0), (Field.BODY, 1.0)),
                         title_mix=0.0)
    with RunbookIndex.open(tmp_path / "i.sqlite") as idx:
        idx.refresh([root])
        assert idx.search("queue backlog", k=1)[0].path == "a.md"
        idx.params = flat
        assert idx.search("queue backlog", k=1)[0].path == "b.md"


def test_reciprocal_rank_fusion_rewards_agreement():
    assert reciprocal_rank_fusion([[1, 2, 3], [3, 2, 1], [2]]) == [2, 1, 3]
    assert reciprocal_rank_fusion([]) == []


def test_hypothesis_with_entities_and_log_lines(index):
    query = query_from_text(
        "Container killed by the OOM killer",
        context=["checkout-api-5d8f: Memory cgroup out of memory: Killed process 4242 (java)",
                 "Back-off restarting failed container checkout-api in pod checkout-api-5d8f"],
        entities=["checkout-api", "checkout-api-5d8f", "worker-7"],
    )
    hits = index.search(query, k=2)
    assert hits[0].path == "kubernetes/container-oom-killed.md"
    assert hits[0].score > index.threshold
