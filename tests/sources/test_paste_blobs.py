"""Mixed pastes: terminal sessions and chat blobs split into parts, each read by its reader.

Fixtures in tests/fixtures/pastes/mixed/ are our own text in the shapes real pastes take: a
two-line zsh prompt over `k logs --previous`, a chat message with fenced describe / events /
log excerpts, a `df`/`du` session, a busybox `nslookup` that hung, a bare `kubectl get pvc`
line over its table, a markdown table and a multi-document manifest.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opslens.events import Entity, Event, EventKind, Severity
from opslens.sources.base import ReadContext, SourceFile, choose_reader
from opslens.sources.readers.k8s_manifest import K8sManifestReader
from opslens.sources.readers.markdown_table import MarkdownTableReader
from opslens.sources.readers.paste import PasteReader

MIXED = Path(__file__).resolve().parents[1] / "fixtures" / "pastes" / "mixed"
NOW = 1758020000.0  # 2025-09-16T10:53:20Z


def _text(name: str) -> str:
    return (MIXED / name).read_text(encoding="utf-8")


def _read(reader, text: str, now: float | None = None) -> tuple[list[Event], list[tuple[str, int | None]], ReadContext]:
    unrecognized: list[tuple[str, int | None]] = []
    ctx = ReadContext(SourceFile("paste.txt"), now=now, on_unrecognized=lambda r, line: unrecognized.append((r, line)))
    return list(reader().read(io.StringIO(text), ctx)), unrecognized, ctx


@pytest.mark.parametrize(("name", "reader"), [
    ("session-logs.txt", "paste"),
    ("chat-describe-events-logs.txt", "paste"),
    ("df-du.txt", "paste"),
    ("nslookup-busybox.txt", "paste"),
    ("bare-command.txt", "paste"),
    ("usage-without-commands.txt", "paste"),
    ("throttling.md", "markdown-table"),
    ("policy-and-deploy.yaml", "k8s-manifest"),
])
def test_content_sniffing_picks_the_reader(name: str, reader: str) -> None:
    best, score = choose_reader(_text(name), name)
    assert best is not None and best.name == reader, (best, score)


def test_a_command_names_the_pod_its_output_comes_from() -> None:
    events, _, _ = _read(PasteReader, _text("session-logs.txt"))
    command = next(e for e in events if e.source == "shell")
    assert command.raw == "➜ k logs -n payments ledger-api-6c9f7d8b5-q2w7z --previous"
    assert command.origin.line == 2  # the decoration line above it is not an event
    logs = [e for e in events if e.source != "shell"]
    assert logs and all(e.entity == Entity("Pod", "ledger-api-6c9f7d8b5-q2w7z", "payments") for e in logs)
    assert all((e.attrs or {}).get("via") is command for e in logs)
    panic = next(e for e in logs if e.raw.startswith("panic:"))
    assert panic.origin.line == 5 and "poster.go:211" in panic.raw  # paste line numbers, one record


def test_chat_blob_parts_go_to_their_readers_with_one_shared_now() -> None:
    events, unrecognized, _ = _read(PasteReader, _text("chat-describe-events-logs.txt"))
    by_source: dict[str, list[Event]] = {}
    for e in events:
        by_source.setdefault(e.source, []).append(e)
    assert {"shell", "k8s-describe", "k8s-events", "textlog"} <= set(by_source) or {"shell", "k8s-describe", "k8s-events"} <= set(by_source)
    oom = next(e for e in by_source["k8s-describe"] if "OOMKilled" in e.raw)
    assert "Exit Code:    137" in oom.raw and oom.entity is not None and oom.entity.name == "checkout-7b8c9d6f5-h4k2p"
    # relative ages of both tables count back from the newest absolute time of the paste
    backoffs = [e for e in events if (e.attrs or {}).get("reason") == "BackOff"]
    assert len(backoffs) == 2 and all(e.time_inferred for e in backoffs)
    assert len({round(float(e.attrs["last_time"])) for e in backoffs}) == 1
    assert unrecognized, "the human sentences are reported as not understood"
    assert all(line is not None and line <= 40 for _, line in unrecognized)


def test_with_now_relative_ages_are_exact() -> None:
    events, _, _ = _read(PasteReader, _text("chat-describe-events-logs.txt"), now=NOW)
    backoff = next(e for e in events if (e.attrs or {}).get("reason") == "BackOff" and e.source == "k8s-events")
    assert not backoff.time_inferred and backoff.attrs["last_time"] == NOW - 40


def test_a_diagnostic_command_and_its_output_are_one_record_with_facts() -> None:
    events, _, _ = _read(PasteReader, _text("df-du.txt"))
    assert [e.source for e in events] == ["shell", "shell"]
    df, du = events
    assert df.raw.startswith("ops@worker-3:~$ df -h") and "97% /" in df.raw
    assert "filesystem /dev/nvme0n1p1 mounted on / is 97% full" in df.message
    assert "directory /var/lib/kubelet/pods/9f8e/volumes/kubernetes.io~empty-dir/scratch uses 41G" in du.message


def test_a_tools_output_without_its_command_is_known_by_its_header() -> None:
    events, unrecognized, _ = _read(PasteReader, _text("usage-without-commands.txt"))
    ceph, df = (e for e in events if e.source == "shell")
    assert ceph.origin.line == 3 and ceph.raw.splitlines()[-1] == "MIN/MAX VAR: 0.51/1.02  STDDEV: 22.40"
    assert ceph.attrs["facts"] == ["storage device osd.0 (ssd) is 98% full", "storage device osd.1 (ssd) is 91% full",
                                   "storage device osd.2 (hdd) is 49% full"]
    assert df.origin.line == 11 and df.raw.endswith("0% /dev/shm")
    assert "filesystem /dev/nvme0n1p2 mounted on /var/lib/containerd is 97% full" in df.message
    assert ceph.severity == df.severity == Severity.WARNING
    assert [line for _, line in unrecognized] == [1, 10]  # only the two lines of prose are mere text


def test_a_hung_dns_query_keeps_its_prompt_output_and_interrupt() -> None:
    events, _, _ = _read(PasteReader, _text("nslookup-busybox.txt"))
    query = next(e for e in events if "nslookup" in e.raw)
    assert query.raw == "/ # nslookup orders.shop.svc.cluster.local\nServer:    10.96.0.10\n^C"


def test_a_bare_kubectl_line_introduces_its_table() -> None:
    events, _, _ = _read(PasteReader, _text("bare-command.txt"))
    rows = [e for e in events if e.source == "k8s-get"]
    assert [e.attrs.get("status") for e in rows] == ["Pending", "Bound"]
    assert rows[0].origin.line == 4


def test_a_markdown_table_is_one_record() -> None:
    events, unrecognized, _ = _read(MarkdownTableReader, _text("throttling.md"))
    table = next(e for e in events if e.source == "markdown-table")
    assert table.raw.count("\n") == 3 and "| search-api-5d8f-a1 | 7200 | 5112 | 71% |" in table.raw
    assert unrecognized and unrecognized[0][1] == 1


def test_manifests_state_their_facts() -> None:
    events, _, _ = _read(K8sManifestReader, _text("policy-and-deploy.yaml"))
    policy, deploy = events
    assert policy.entity == Entity("NetworkPolicy", "default-deny-ingress", "billing")
    assert "selects all pods" in policy.message and "policyTypes Ingress" in policy.message
    assert deploy.origin.line == 11
    assert "container invoices limits memory 256Mi" in deploy.message
    assert "livenessProbe initialDelaySeconds 3, timeoutSeconds 1" in deploy.message


FIXTURES = sorted(p.name for p in MIXED.iterdir())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIXTURES), st.data())
def test_mutated_pastes_never_raise(name: str, data: st.DataObject) -> None:
    lines = _text(name).splitlines(keepends=True)
    kept = data.draw(st.lists(st.sampled_from(range(len(lines))), max_size=len(lines), unique=True))
    if data.draw(st.booleans()):
        kept = sorted(kept)
    text = "".join(lines[i] for i in kept)
    cut = data.draw(st.integers(min_value=0, max_value=len(text)))
    text = text[:cut]
    for reader in (PasteReader, MarkdownTableReader, K8sManifestReader):
        reader.sniff(text, name)
        _read(reader, text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("$#>➜❯ |-:`/\nabcKkNAMEVENTSapiVersion{}[]0123456789."))))
def test_arbitrary_text_never_raises(text: str) -> None:
    for reader in (PasteReader, MarkdownTableReader, K8sManifestReader):
        reader.sniff(text, "x.txt")
        events, _, _ = _read(reader, text)
        assert all(isinstance(e, Event) and e.kind in EventKind for e in events)


def test_a_database_clients_result_table_stays_with_its_statement() -> None:
    """`SHOW ...` and its `+---+` table are one record quoted with the statement, so the value
    (`max_connections | 100`) is evidence next to the query that printed it."""
    text = ("MariaDB [shop]> SHOW VARIABLES LIKE 'max_connections';\n+-----------------+-------+\n"
            "| Variable_name   | Value |\n+-----------------+-------+\n| max_connections | 151   |\n"
            "+-----------------+-------+\n1 row in set (0.001 sec)\n\n"
            "MariaDB [shop]> SHOW STATUS LIKE 'Threads_connected';\n+-------------------+-------+\n"
            "| Variable_name     | Value |\n+-------------------+-------+\n| Threads_connected | 152   |\n"
            "+-------------------+-------+\n")
    assert choose_reader(text, "paste.txt")[0] is PasteReader
    events = _read(PasteReader, text)[0]
    assert len(events) == 2
    assert "| max_connections | 151   |" in events[0].raw and events[0].raw.startswith("MariaDB [shop]> SHOW VARIABLES")
    assert "| Threads_connected | 152   |" in events[1].raw and "max_connections" not in events[1].raw
