"""A small runbook corpus written for these tests (one topic per file, three formats)."""

from __future__ import annotations

from pathlib import Path

#: A dozen short runbooks in the three supported formats, one topic each.
CORPUS: dict[str, str] = {
    "kubernetes/pod-crash-looping.md": """\
---
title: Pod Crash Looping
aliases: [KubePodCrashLooping]
---
# KubePodCrashLooping

## Meaning
A container keeps exiting and the kubelet restarts it with growing back-off
(CrashLoopBackOff).

## Diagnosis
Read the previous container logs: `kubectl logs --previous $POD -c $CONTAINER`.
Check the exit code and recent config or image changes.

## Mitigation
Roll back the last deployment if it introduced the crash.
""",
    "kubernetes/container-oom-killed.md": """\
# ContainerOOMKilled

## Meaning
The kernel OOM killer terminated a container that exceeded its memory limit
(exit code 137, reason OOMKilled).

## Diagnosis
Compare container memory usage with `resources.limits.memory`; look for leaks
after the latest release.

## Mitigation
Raise the memory limit or fix the leak.
""",
    "node/node-disk-full.md": """\
Node Disk Almost Full
=====================

The root filesystem of a node is running out of free space; kubelet image
garbage collection and pod eviction follow.

Diagnosis
---------
Find the biggest directories with `du -xh / | sort -h | tail`.

```bash
# clean unused images
crictl rmi --prune
```

Mitigation
----------
Delete old logs and unused container images, or grow the volume.
""",
    "security/tls-certificate-expiry.rst": """\
==========================
TLS Certificate Expiry
==========================

An x509 certificate served by an ingress or used by a client is about to expire
or has already expired; TLS handshakes will fail.

Diagnosis
=========

Inspect the certificate dates::

    openssl s_client -connect host:443 | openssl x509 -noout -dates

Renewal with cert-manager
-------------------------

Check the Certificate resource and the issuer status.
""",
    "network/dns-resolution-failures.md": """\
# CoreDNS resolution failures

## Meaning
Pods cannot resolve service names: lookups return SERVFAIL or time out.

## Diagnosis
Check CoreDNS pod logs and the kube-dns service endpoints.
""",
    "apps/api-latency-high.md": """\
# APILatencyHigh

## Meaning
The 99th percentile latency of HTTP requests to the API is above its objective.

## Diagnosis
Look for slow database queries, saturated thread pools and recent deploys.
""",
    "databases/postgres-replication-lag.md": """\
# PostgresReplicationLag

## Meaning
A PostgreSQL standby replays WAL far behind the primary; reads from it are stale.

## Diagnosis
Compare `pg_last_wal_replay_lsn()` with the primary; check network and disk IO.
""",
    "streaming/kafka-consumer-lag.txt": """\
Kafka consumer group lag

MEANING
A consumer group is falling behind the partitions it reads; messages wait
longer and longer before processing.

DIAGNOSIS
Describe the group with kafka-consumer-groups --describe and look for stuck
partitions or rebalancing loops.
""",
    "kubernetes/persistent-volume-filling-up.md": """\
# KubePersistentVolumeFillingUp

## Meaning
A PersistentVolume claimed by a PersistentVolumeClaim is almost full.

## Mitigation
Expand the PVC if its storage class allows volume expansion.
""",
    "kubernetes/node-not-ready.md": """\
# KubeNodeNotReady

## Meaning
A node has reported NotReady for more than 15 minutes; its pods are evicted
after the toleration period.

## Diagnosis
`kubectl describe node $NODE` and check the kubelet service on the host.
""",
    "slo/error-budget-burn.md": """\
# ErrorBudgetBurn

## Meaning
The service is burning its monthly error budget too fast: too many requests
fail with 5xx errors.
""",
    "kubernetes/cpu-throttling-high.md": """\
# CPUThrottlingHigh

## Meaning
Containers are being CFS throttled because they hit their CPU limit.

## Mitigation
Raise or remove the CPU limit.
""",
}


def write_corpus(root: Path, files: dict[str, str] = CORPUS) -> Path:
    """Write `files` under `root` and return it."""
    for relpath, text in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
