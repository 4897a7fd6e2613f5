"""Masking: what is a variable and what is not, rule by rule (table-driven)."""

from __future__ import annotations

import pytest

from opslens.analysis.mining.masking import MASKS, mask, mask_names

# (text, masked text, rule that must have fired or None)
MASKED = [
    # numbers, signed numbers, decimals, versions
    ("took 30 ms", "took <*> ms", "number"),
    ("offset -17 bytes", "offset <*> bytes", "number"),
    ("progress 0.023958297 done", "progress <*> done", "number"),
    ("jetty-6.1.26 started", "jetty-<*> started", "number"),
    ("generating core.2275", "generating core.<*>", "number"),
    ("node node-129 up", "node node-<*> up", "number"),
    ("threshold=30000ms)", "threshold=<*>)", "number"),
    ("listening on port 8080.", "listening on port <*>.", "number"),  # the full stop stays text
    # hex
    ("flags=0x7fed806eb5d set", "flags=<*> set", "number"),
    ("iar 003a90fc dear 00b360e8", "iar <*> dear <*>", "number"),
    ("Event@7317849d written", "Event@<*> written", "number"),
    ("token ad364e35 seen", "token <*> seen", "hex"),
    ("mask=ffffffff", "mask=<*>", "hex-word"),
    # addresses
    ("from 10.251.42.84 port 22", "from <*> port <*>", "ipv4"),
    ("src: /10.250.14.38:37362", "src: <*>:<*>", "path"),
    ("peer 10.0.0.1:50010 closed", "peer <*>:<*> closed", "ipv4"),
    ("addr 2607:f140:6000:8:c6b3:1ff:fecd:467f up", "addr <*> up", "ipv6"),
    ("addr fe80::1 up", "addr <*> up", "ipv6"),
    ("bssid 5c:50:15:36:bc:03 seen", "bssid <*> seen", "mac"),
    ("connect to msra-sa-41:8030. Retry", "connect to <*>:<*>. Retry", "host-port"),
    ("Old: msra-sa-41/10.190.173.170:9000", "Old: <*>/<*>:<*>", "host-port"),
    ("resolve proxy.cse.example.edu.hk failed", "resolve <*> failed", "hostname"),
    ("mail to ops.team@example.com now", "mail to <*> now", "email"),
    # ids
    ("id 123e4567-e89b-12d3-a456-426614174000 x", "id <*> x", "uuid"),
    ("Received block blk_-1608999687919862906 of", "Received block <*> of", "id-word"),
    ("Found block rdd_2_0 locally", "Found block <*> locally", "id-word"),
    ("task attempt_1445144423722_0020_m_000000_0 done", "task <*> done", "id-word"),
    ("mount on bglio559 failed", "mount on <*> failed", "id-word"),
    ("pod payments-api-7d9f8c6b5-x2x9q restarted", "pod <*> restarted", "k8s-name"),
    ("pod fluentd-x2x9q restarted", "pod <*> restarted", "k8s-name"),
    # times and sizes
    ("at 2024-01-01T10:00:00.123Z ok", "at <*> ok", "iso-time"),
    ("at 11 Jun 2025 23:38:16.058 ok", "at <*> ok", "day-month-time"),
    # a date-time in words keeps its clock's colons (the Loghub convention)
    ("since Jun 11 23:38:16 ok", "since <*>:<*>:<*> ok", "date-time"),
    ("status=M Fri Jul 01 08:16:53 PDT 2005", "status=M <*>:<*>:<*>", "date-time"),
    ("login at Mon Mar 3 4:05:06 2014 from x", "login at <*>:<*>:<*> from x", "date-time"),
    ("[10/Oct/2000:13:55:36 -0700] GET", "[<*>] GET", "clf-time"),
    ("at 2016/9/27:20:30:31.455 begin", "at <*>/<*>/<*>:<*>:<*>:<*> begin", "number"),
    ("(estimated size 5.2 KB, free 384.0 B)", "(estimated size <*>, free <*>)", "size"),
    # paths and URLs
    ("opened /var/log/app.log for reading", "opened <*> for reading", "path"),
    ('10.0.0.1 "GET /v2/servers/detail?x=1 HTTP/1.1" status: 200', '<*> "GET <*>" status: <*>', "http-target"),
    ("loading ./runtime_malloc: no", "loading <*>: no", "path"),
    ("image C:\\Windows\\System32\\x.dll missing", "image <*> missing", "winpath"),
    ("split: hdfs://10.10.34.11:9000/pjhe/logs/x.log", "split: hdfs://<*>", "url"),
    ('acquire tag="View Lock", name=x', 'acquire tag="<*>", name=x', "quoted-value"),
    # a source location is a file and a line, not a host and a port
    ("assert failed at sched_core.c:1831 in x", "assert failed at sched_core.c:<*> in x", "number"),
    ("(Worker.java:212) at (main.py:7)", "(Worker.java:<*>) at (main.py:<*>)", "number"),
    ("[pool.cpp:88] and util.rs:4 done", "[pool.cpp:<*>] and util.rs:<*> done", "number"),
    ("db-2.corp.lan:5432 and cache.c1:6379 up", "<*>:<*> and <*>:<*> up", "host-port"),
    # versions and random mixed-case ids
    ("agent v1.4.2 started", "agent <*> started", "version"),
    ("upgrade to V2.0rc1.", "upgrade to <*>.", "version"),
    ("image release-v1.2.3 built", "image release-<*> built", "version"),
    ("qK7rT2mX904412: queued", "<*>: queued", "mixed-id"),
    ("session Zx81Ko3pQa9w closed", "session <*> closed", "mixed-id"),
    # values any log treats as variables
    ("setLightsOn(true)", "setLightsOn(<*>)", "literal"),
    ("ws=null, uid=1000", "ws=<*>, uid=<*>", "literal"),
    ("Failed password for root from x", "Failed password for <*> from x", "literal"),
]

# Text that must come back unchanged: names and words, even with digits in them.
CONSTANT = [
    "Accepted publickey for alice ssh2",
    "eth0 link up on wl0 and en0",
    "L3 EDRAM error on C1",
    "Slf4jLogger started with log4j and HttpServer2",
    "protocol HTTP/1.1 negotiated, not HTTP/2",
    "TLSv1.2 handshake",
    "AppleCamIn::systemWakeCall done",
    "org.apache.hadoop.mapreduce.v2.app.MRAppMaster started",
    "mapred.task.id is deprecated",
    "see dns_config_service_posix.cc for details",
    "read/write and hi/lo and I/O",
    "Transitioned from NEW to UNASSIGNED",
    "x86 amd64 utf8 md5 ipv6",
    "IPv4Address and utf8mb4 and Win32Kernel and TLSv1.3",
    "see config.py and main.c and cache.cc for notes",
    "truthy falsehood nullable rooted",
]


@pytest.mark.parametrize(("text", "expected", "rule"), MASKED, ids=[m[0] for m in MASKED])
def test_variables_are_masked(text: str, expected: str, rule: str | None) -> None:
    assert mask(text) == expected
    if rule is not None and rule != "email":
        assert rule in {name for name, _ in mask_names(text)}


@pytest.mark.parametrize("text", CONSTANT)
def test_constants_are_kept(text: str) -> None:
    assert mask(text) == text


def test_every_rule_has_a_table_case() -> None:
    covered = {rule for _, _, rule in MASKED}
    assert {m.name for m in MASKS} - covered <= {"unc-path"}


def test_unc_path() -> None:
    assert mask(r"from path '\\?\GLOBALROOT\Device\x' ok") == "from path '<*>' ok"


def test_mask_is_idempotent() -> None:
    for text, expected, _ in MASKED:
        assert mask(expected) == expected, text


def test_masker_caches_by_digit_skeleton_and_stays_bounded() -> None:
    from opslens.analysis.mining.masking import Masker

    masker = Masker(limit=3)
    assert masker("took 12 ms on node-7") == "took <*> ms on node-<*>"
    assert masker("took 99 ms on node-3") == "took <*> ms on node-<*>"  # same skeleton: a hit
    # a masked text that keeps a digit is not reused for another text of the same skeleton
    assert masker("link up on eth0") == "link up on eth0"
    assert masker("link up on eth1") == "link up on eth1"
    for i in range(10):
        masker("x" * i + " 1")
    assert len(masker._cache) <= 3
