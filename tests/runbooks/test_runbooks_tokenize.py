"""Identifier-aware tokenisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opslens.runbooks.tokenize import STOP_WORDS, analyze, identity_key, split_identifier, stem


@pytest.mark.parametrize(
    ("run", "parts"),
    [
        ("KubePodCrashLooping", ["Kube", "Pod", "Crash", "Looping"]),
        ("etcdGRPCRequestsSlow", ["etcd", "GRPC", "Requests", "Slow"]),
        ("CPUThrottlingHigh", ["CPU", "Throttling", "High"]),
        ("NodeRAIDDegraded", ["Node", "RAID", "Degraded"]),
        ("k8s", ["k8s"]),
        ("HTTP2Errors", ["HTTP2", "Errors"]),
        ("lowercase", ["lowercase"]),
    ],
)
def test_split_identifier(run, parts):
    assert split_identifier(run) == parts


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [
        ("failing", "fail"), ("failed", "fail"), ("fails", "fail"),
        ("running", "run"), ("dropped", "drop"), ("filling", "fill"),
        ("replicas", "replica"), ("entries", "entry"), ("processes", "process"),
        ("configuration", "configur"), ("configured", "configur"),
        ("completion", "complet"), ("completed", "complet"),
        ("expires", "expir"), ("expiration", "expir"),
        ("status", "status"), ("pod", "pod"), ("there", "there"),
    ],
)
def test_stem_conflates_inflections(word, stemmed):
    assert stem(word) == stemmed


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("KubePodCrashLooping", "pod crash looping"),
        ("CrashLoopBackOff", "crashlooping"),
        ("OOMKilled", "out of memory"),
        ("PVC is full", "PersistentVolumeClaim is full"),
        ("persistentvolumeclaim", "persistent volume claim"),
        ("kube_pod_container_status_restarts_total", "pod container restarts"),
        ("node-disk-full", "Node Disk Full"),
        ("k8s API server", "kubernetes apiserver"),
        ("certs expired", "certificate expiring"),
        ("CPU throttled", "cpu throttling"),
        ("config reload failed", "configuration reload failures"),
    ],
)
def test_spellings_of_one_thing_share_terms(a, b):
    assert set(analyze(a)) & set(analyze(b)), (analyze(a), analyze(b))


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("KubePodCrashLooping", ["kubernetes", "pod", "crash", "crashloop", "loop",
                                 "kubepodcrashloop"]),
        ("The pod is OOMKilled", ["pod", "oom", "kill", "oom"]),
        ("disk at 10.2.3.4:9100 is 99.5% full for 4d 8h", ["disk", "full"]),
        ("PVC almost full", ["pvc", "pv", "almost", "full"]),
        ("", []),
    ],
)
def test_analyze_table(text, terms):
    assert analyze(text) == terms


def test_compounds_can_be_left_out():
    assert "kubepodcrashloop" not in analyze("KubePodCrashLooping", compounds=False)


@pytest.mark.parametrize(
    "spelling",
    ["KubePodCrashLooping", "Kube Pod Crash Looping", "kube-pod-crash-looping",
     "kubepodcrashlooping", "kube_pod_crash_looping"],
)
def test_identity_key_ignores_spelling(spelling):
    assert identity_key(spelling) == "kubepodcrashloop"


@given(st.text(max_size=200))
def test_analyze_emits_only_clean_terms(text):
    for term in analyze(text):
        assert term and term == term.lower()
        assert term not in STOP_WORDS
        assert not term[0].isdigit()
