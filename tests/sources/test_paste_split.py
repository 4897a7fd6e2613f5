"""Splitting a paste into parts: line numbers as the pipeline counts them, each part streamed to
its reader exactly as the text of a file of its own, and kubectl's own output never split."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opslens.events import Event
from opslens.sources.base import ReadContext, SourceFile
from opslens.sources.readers import _paste_split
from opslens.sources.readers._paste_split import Part, split_paste
from opslens.sources.readers.paste import PasteReader


def _read(text: str) -> tuple[list[Event], ReadContext]:
    ctx = ReadContext(SourceFile("paste.txt"))
    return list(PasteReader().read(io.StringIO(text), ctx)), ctx


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\x1c", "\x1e"])
def test_only_newlines_end_lines_so_line_numbers_match_the_file(separator: str) -> None:
    text = (
        "$ kubectl logs -n shop cart-7d9f8c6b5-x2x9q\n"
        f"2025-03-14T10:00:01Z INFO cart synced{separator}carts=12\n"
        "2025-03-14T10:00:02Z ERROR cart flush failed: redis timeout\n"
    )
    events, ctx = _read(text)
    failed = next(e for e in events if "flush failed" in e.raw)
    assert failed.origin.line == 3
    assert ctx.lines == 3
    synced = next(e for e in events if "cart synced" in e.raw)
    assert separator in synced.raw  # the character stays inside its line


def test_windows_line_ends_are_still_line_ends() -> None:
    text = "$ kubectl logs -n shop cart-1\r\n2025-03-14T10:00:01Z INFO up\r\n2025-03-14T10:00:02Z ERROR down\r\n"
    events, ctx = _read(text)
    assert ctx.lines == 3
    down = next(e for e in events if "down" in e.raw)
    assert down.origin.line == 3 and down.raw.endswith("ERROR down")


def test_a_byte_order_mark_is_not_a_line() -> None:
    events, ctx = _read("\ufeff$ kubectl logs -n shop cart-1\n2025-03-14T10:00:02Z ERROR down\n")
    assert ctx.lines == 2
    assert [e.origin.line for e in events] == [1, 2]
    assert events[0].raw == "$ kubectl logs -n shop cart-1"


def test_split_returns_the_parts_only() -> None:
    parts = split_paste(["```\n", "$ df -h\n", "Filesystem Size Used Avail Use% Mounted on\n", "```\n"])
    assert [(p.start, p.command_index, p.kind) for p in parts] == [(2, 1, "command")]


def test_kubectl_output_is_not_classified_line_by_line(monkeypatch: pytest.MonkeyPatch) -> None:
    classified: list[str] = []
    original = _paste_split.block_kind

    def spy(line: str, following: list[str]) -> str | None:
        classified.append(line)
        return original(line, following)

    monkeypatch.setattr(_paste_split, "block_kind", spy)
    table = ["NAME                      READY   STATUS             RESTARTS   AGE\n"]
    table += [f"cart-7d9f8c6b5-x2x9{i}       0/1     CrashLoopBackOff   {i}          3m\n" for i in range(50)]
    parts = split_paste(["$ kubectl get pods -n shop\n", *table, "$ kubectl logs cart-7d9f8c6b5-x2x90\n", "boom\n", "more\n"])
    assert [len(p.lines) for p in parts] == [51, 2]
    # a command's output is the command's from its first line on; inside `kubectl get` no line
    # is asked what it starts, inside `kubectl logs` every later one is (a table pasted below
    # a log starts a part of its own)
    assert classified == ["more"]


LINES = st.lists(st.text(alphabet=st.sampled_from("ab \t\r\u2028x"), max_size=12).map(lambda s: s + "\n"), max_size=8).map(
    lambda lines: lines + ["tail without newline"] if lines and len(lines) % 2 else lines
)
OPERATIONS = st.lists(st.tuples(st.sampled_from(["read", "readline", "iterate"]), st.integers(-1, 9)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(lines=LINES, operations=OPERATIONS)
def test_a_part_streams_exactly_like_its_text(lines: list[str], operations: list[tuple[str, int]]) -> None:
    part = Part(0, lines=list(lines))
    streamed, expected = part.stream(), io.StringIO(part.text)
    for operation, size in operations:
        if operation == "iterate":
            assert next(iter(streamed), None) == next(iter(expected), None)
        else:
            assert getattr(streamed, operation)(size) == getattr(expected, operation)(size)
    assert streamed.read() == expected.read()
    assert streamed.read() == "" and streamed.readline() == ""


@given(lines=LINES, chars=st.integers(0, 40))
def test_a_parts_head_is_the_start_of_its_text(lines: list[str], chars: int) -> None:
    part = Part(0, lines=list(lines))
    assert part.head(chars) == part.text[:chars]


def test_a_yaml_list_stays_one_part_until_a_new_document() -> None:
    """`kubectl get pods -o yaml` ends with the List's own `kind: List`: not a new part; a new
    `apiVersion:` (another object pasted below) is."""
    text = (
        "pods as they were:\n"
        "\n"
        "apiVersion: v1\n"
        "items:\n"
        "- apiVersion: v1\n"
        "  kind: Pod\n"
        "  metadata:\n"
        "    name: api-1\n"
        "kind: List\n"
        "metadata:\n"
        '  resourceVersion: ""\n'
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: api-config\n"
    )
    parts = split_paste(text.splitlines(keepends=True))
    assert [(p.start, p.kind, len(p.lines)) for p in parts] == [(0, "text", 1), (2, "manifest", 9), (11, "manifest", 4)]


def test_dashes_inside_tool_output_are_no_yaml_document() -> None:
    """`openssl s_client` separates its sections with `---`: one part; a `---` before YAML keys
    starts a manifest."""
    s_client = [
        "$ openssl s_client -connect vault.example.test:8200\n",
        "CONNECTED(00000003)\n",
        "---\n",
        "Certificate chain\n",
        " 0 s:CN = vault.example.test\n",
        "---\n",
        "Server certificate\n",
        "---\n",
        "SSL-Session:\n",
        "    Verify return code: 10 (certificate has expired)\n",
    ]
    assert [(p.kind, len(p.lines)) for p in split_paste(s_client)] == [("command", 9)]
    manifest = ["$ helm template shop ./chart\n", "---\n", "# Source: shop/templates/cm.yaml\n", "apiVersion: v1\n", "kind: ConfigMap\n"]
    assert [p.kind for p in split_paste(manifest)] == ["command", "manifest"]
