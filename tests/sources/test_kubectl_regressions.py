"""Regressions of the kubectl-output readers found in review: sniffing that backtracked for
seconds, numbers `str.isdigit` accepts and `int` refuses, YAML that fails outside `YAMLError`,
line numbers shifted by line breaks other than `\\n`, paste times that ignored the time hint,
cluster-scoped kinds that kept a namespace, and condition rows told by their weekday."""

from __future__ import annotations

import contextlib
import io
import time

import pytest
from kubectl_helpers import check_event, read

from opslens.errors import InputError
from opslens.sources.base import SNIFF_CHARS, ReadContext, Reader, SourceFile
from opslens.sources.readers._describe_conditions import DATED_ROW
from opslens.sources.readers._documents import yaml_problem
from opslens.sources.readers._kubectl_text import ascii_int, physical_lines
from opslens.sources.readers.k8s_describe import K8sDescribeReader
from opslens.sources.readers.k8s_events import K8sEventsReader
from opslens.sources.readers.k8s_get import K8sGetReader
from opslens.sources.readers.k8s_manifest import K8sManifestReader
from opslens.sources.readers.k8s_top import K8sTopReader
from opslens.sources.readers.markdown_table import _SEPARATOR, MarkdownTableReader
from opslens.sources.readers.paste import PasteReader

READERS: list[type[Reader]] = [
    K8sDescribeReader, K8sGetReader, K8sTopReader, K8sEventsReader, K8sManifestReader,
    MarkdownTableReader,
]  # fmt: skip

# --- 1. sniffing in linear time ---------------------------------------------------------------


def _head(prefix: str, pump: str, suffix: str = "") -> str:
    return (prefix + pump * (SNIFF_CHARS // len(pump)))[: SNIFF_CHARS - len(suffix)] + suffix


PATHOLOGICAL_HEADS = {
    "markdown-separator-blanks": "| a | b |\n|---|" + " " * 2000 + "x\n| 1 | 2 |\n| 3 | 4 |\n",
    "markdown-separator-64k": _head("| a | b |\n| 1 | 2 |\n| 3 | 4 |\n|---", " ", "x"),
    "markdown-cells": _head("| a |\n| b |\n", "|---", "x"),
    "events-header-reasons": _head("LAST SEEN   x ", "REASON "),
    "prompt-blanks": _head("$ kubectl x", " ", "y"),
    "bare-flag-runs": _head("kubectl ", "-a -b ", "X"),
    "describe-replicas-digits": "Name:  x\nNamespace:  y\n" + _head("Replicas:  ", "1", "x"),
    "describe-conditions": _head("Conditions:\n  Ready  True  ", "Mon, 10 Mar 2025 10:00:00 +0000 "),
    "get-restarts-digits": _head("NAME  READY  STATUS  RESTARTS  AGE\napi  1/1  Running  ", "1", " x"),
    "tabs": _head("Type  Reason  Age  From  Message\n", "\t", "x"),
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL_HEADS))
def test_pathological_heads_are_sniffed_and_read_promptly(name: str) -> None:
    # Measured rather than left to a CI timeout: the markdown separator alone took 7 s on the
    # first head (cubic backtracking), the events header and the prompt were quadratic. Today
    # each reader takes milliseconds; the bound is generous for a slow, shared machine.
    head = PATHOLOGICAL_HEADS[name]
    for reader in READERS:
        started = time.perf_counter()
        reader.sniff(head, "paste.txt")
        with contextlib.suppress(InputError):  # the JSON path of k8s-events: "no Event found"
            list(reader().read(io.StringIO(head[:16_384]), ReadContext(SourceFile("p.txt"), now=1.7e9)))
        assert time.perf_counter() - started < 1.0, reader.name


@pytest.mark.parametrize(
    ("line", "separator"),
    [
        ("|---|---|", True),
        ("| --- | :---: | ---: |", True),
        ("---|---", True),
        ("|:---|--", True),  # the last cell may be short
        ("  | ---- |  ", True),
        ("---", False),  # a rule, or a YAML document start: no pipe
        ("|--|", False),  # cells need three dashes
        ("| a | b |", False),
        ("|---|" + " " * 2000 + "x", False),
    ],
)
def test_markdown_separator(line: str, separator: bool) -> None:
    assert bool(_SEPARATOR.match(line)) is separator


# --- 2. numbers in ASCII digits only ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("42", 42), (" 7 ", 7), ("-1", -1), ("0", 0), ("²", None), ("①", None), ("٣", None),
     ("--5", None), ("-", None), ("", None), ("1.5", None), ("9" * 19, None), ("9" * 5000, None)],
)  # fmt: skip
def test_ascii_int(text: str, value: int | None) -> None:
    assert ascii_int(text) == value


_STATE = "Name:  api-1\nNamespace:  shop\nContainers:\n  app:\n    State:  Terminated\n      Reason:  Error\n"
# text -> (reader, attrs key, expected value of the first event that has it)
ODD_NUMBERS = {
    "exit-code-superscript": (K8sDescribeReader, _STATE + "      Exit Code:  ²\n", "exit_code", None),
    "exit-code-double-sign": (K8sDescribeReader, _STATE + "      Exit Code:  --5\n", "exit_code", None),
    "exit-code-negative": (K8sDescribeReader, _STATE + "      Exit Code:  -1\n", "exit_code", -1),
    "signal-superscript": (K8sDescribeReader, _STATE + "      Exit Code:  137\n      Signal:  ²\n", "signal", "absent"),
    "signal": (K8sDescribeReader, _STATE + "      Exit Code:  137\n      Signal:  9\n", "signal", 9),
    "restart-count": (
        K8sDescribeReader, _STATE + "      Exit Code:  1\n    Ready:  False\n    Restart Count:  ①\n",
        "restarts", None,
    ),
    "events-count": (
        K8sEventsReader,
        "LAST SEEN   TYPE      REASON   OBJECT      MESSAGE   COUNT\n3m          Warning   Failed   pod/api-1   boom      ²\n",
        "count", 1,
    ),
    "old-describe-count": (
        K8sDescribeReader,
        "Events:\n  FirstSeen\tLastSeen\tCount\tFrom\t\tSubObjectPath\tType\tReason\tMessage\n"
        "  1m\t\t1m\t\t²\t{kubelet n1}\t\t\tNormal\tPulled\tok\n",
        "count", "no event",
    ),
    "deployment-available": (
        K8sGetReader,
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\napi    1/1     ²            1           3d\n",
        "available", "no event",
    ),
    "deployment-huge": (
        K8sGetReader,
        f"NAME   READY   UP-TO-DATE   AVAILABLE   AGE\napi    1/1     1            {'9' * 5000}   3d\n",
        "available", "no event",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(ODD_NUMBERS))
def test_numbers_that_only_look_like_numbers(name: str) -> None:
    reader, text, key, expected = ODD_NUMBERS[name]
    events = read(reader, text).events  # raised ValueError from int() before
    for event in events:
        check_event(event, text)
    having = [e for e in events if key in (e.attrs or {})]
    if expected == "no event":
        assert having == []
    elif expected == "absent":
        assert events and not having
    else:
        assert having and (having[0].attrs or {})[key] == expected


# --- 3. YAML that fails outside yaml.YAMLError ------------------------------------------------

_MANIFEST = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api-1\n"


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (_MANIFEST + "  creationTimestamp: 2024-02-30\n", "day is out of range for month"),
        (_MANIFEST + "  labels: " + "[" * 5000 + "\n", ""),
        (_MANIFEST + "  labels: {a: [b\n", ""),
    ],
    ids=["impossible-date", "deep-nesting", "syntax"],
)
def test_manifest_documents_that_do_not_load_are_reported(document: str, problem: str) -> None:
    text = document + "---\n" + _MANIFEST.replace("api-1", "api-2")
    result = read(K8sManifestReader, text)
    assert [e.entity.name for e in result.events if e.entity] == ["api-2"]
    assert len(result.unrecognized) == 1 and result.unrecognized[0][1] == 1
    assert problem in result.unrecognized[0][0]


@pytest.mark.parametrize(
    ("error", "words"),
    [(ValueError(""), "ValueError"), (RecursionError("deep\nmore"), "deep"), (ValueError("  "), "ValueError")],
)
def test_yaml_problem_is_never_empty(error: BaseException, words: str) -> None:
    assert yaml_problem(error) == words


# --- 4. line numbers counted at newlines only -------------------------------------------------


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x0c", "\x0b", "\x85", "\x1c", "\x1d", "\x1e"])
@pytest.mark.parametrize(
    ("reader", "text", "line"),
    [
        (K8sDescribeReader, "Name:  api-1\nNamespace:  shop\nAnnotations:  note: a{c}b\nContainers:\n"
         "  app:\n    State:  Waiting\n      Reason:  CrashLoopBackOff\n", 6),
        (K8sGetReader, "$ kubectl get pods # a{c}b\nNAME    READY   STATUS    RESTARTS   AGE\n"
         "api-1   0/1     Error     3          1h\n", 3),
        (K8sTopReader, "$ kubectl top pod # a{c}b\nNAME    CPU(cores)   MEMORY(bytes)\napi-1   250m         512Mi\n", 3),
        (K8sEventsReader, "LAST SEEN   TYPE      REASON   OBJECT      MESSAGE\n3m          Warning   Failed   "
         "pod/api-1   pull a{c}b\n2m          Warning   BackOff  pod/api-1   back-off\n", 3),
        (K8sManifestReader, "# a{c}b\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api-1\n", 3),
    ],
    ids=["describe", "get", "top", "events", "manifest"],
)  # fmt: skip
def test_other_line_breaks_do_not_shift_line_numbers(
    reader: type[Reader], text: str, line: int, char: str
) -> None:
    text = text.format(c=char)
    events = read(reader, text).events
    assert events and events[-1].origin.line == line
    for event in events:
        check_event(event, text)


def test_physical_lines() -> None:
    assert physical_lines("a\u2028b\r\nc\x0cd\n\ne\r") == ["a\u2028b", "c\x0cd", "", "e"]
    assert physical_lines("") == [] and physical_lines("\n") == [""]


# --- 5. a paste's "now" is the anchor, the time hint included ---------------------------------

_CERT = "$ openssl x509 -enddate -noout -in tls.crt\nnotAfter=Jul 11 09:36:23 2021 GMT\n"


@pytest.mark.parametrize(
    ("now", "time_hint", "fact"),
    [
        (None, 1577836800.0, "certificate valid until Jul 11 09:36:23 2021 GMT"),  # hint: 2020
        (1577836800.0, None, "certificate valid until Jul 11 09:36:23 2021 GMT"),
        (None, None, "certificate notAfter Jul 11 09:36:23 2021 GMT has passed: the certificate has expired"),
    ],
)
def test_certificate_dates_count_from_the_anchor(
    now: float | None, time_hint: float | None, fact: str
) -> None:
    ctx = ReadContext(SourceFile("paste.txt"), now=now, time_hint=time_hint)
    events = list(PasteReader().read(io.StringIO(_CERT), ctx))
    assert [(e.attrs or {}).get("facts") for e in events if e.source == "shell"] == [[fact]]


# --- 13. one list of cluster-scoped kinds -----------------------------------------------------


@pytest.mark.parametrize("obj", ["storageclass/fast", "node/n1", "clusterrole/admin", "persistentvolume/pv-1"])
def test_cluster_scoped_objects_of_an_events_table_have_no_namespace(obj: str) -> None:
    text = f"NAMESPACE   LAST SEEN   TYPE      REASON   OBJECT   MESSAGE\ndefault     3m          Warning   Failed   {obj}   boom\n"
    (event,) = read(K8sEventsReader, text).events
    assert event.entity is not None and event.entity.namespace is None and event.namespace is None


# --- 17. node/pvc condition rows carry the weekday --------------------------------------------


@pytest.mark.parametrize(
    ("row", "dated"),
    [
        ("  Ready  True  Mon, 10 Mar 2025 10:00:00 +0000  Mon, 10 Mar 2025 09:00:00 +0000  KubeletReady  ok", True),
        ("  Ready  False  Mon, 10 Mar 2025 10:00:00 CET  Mon,  10 Mar 2025 9:00:00 GMT", True),
        ("  Ready  True  10 Mar 2025 10:00:00 +0000  10 Mar 2025 09:00:00 +0000  KubeletReady  ok", False),
        ("  Ready  True  Mon, 10 Mar 2025 10:00:00 +0000", False),
    ],
)
def test_dated_condition_rows_need_their_weekday(row: str, dated: bool) -> None:
    assert bool(DATED_ROW.match(row)) is dated
