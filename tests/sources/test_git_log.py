"""git log reader: default/fuller/raw blocks with file lists, --graph, --oneline, custom formats."""

from __future__ import annotations

import pytest
from structured_helpers import at, chosen, fixture_text, read_fixture, read_text

from opslens.errors import InputError
from opslens.events import EventKind
from opslens.sources.readers._git_commits import git_date
from opslens.sources.readers.git_log import GitLogReader


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("git-log-medium.txt", 3),
        ("git-log-fuller-stat.txt", 2),
        ("git-log-oneline.txt", 4),
        ("git-log-custom.txt", 3),
    ],
)
def test_fixture_is_sniffed_and_read_completely(name: str, count: int) -> None:
    assert chosen(fixture_text(name), name) == "git-log"
    result = read_fixture(GitLogReader, name)
    assert len(result.events) == count
    assert result.skips == []
    for event in result.events:
        assert event.kind is EventKind.CHANGE and (event.attrs or {})["change_kind"] == "git-commit"


def test_default_format_fields() -> None:
    limit, merge, bump = read_fixture(GitLogReader, "git-log-medium.txt").events
    attrs = limit.attrs or {}
    assert limit.time == at("2025-03-14T02:35:10Z")
    assert limit.message == "cart: lower memory limit to 512Mi"
    assert attrs["revision"] == "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"
    assert attrs["author"] == "Ana Pereira" and attrs["author_email"] == "ana.pereira@example.test"
    assert attrs["body"] == "Requests were over-provisioned according to last week's VPA report."
    assert attrs["files"] == [
        "apps/cart/overlays/prod/deployment-patch.yaml",
        "apps/cart/overlays/prod/kustomization.yaml",
    ]
    assert attrs["refs"] == "HEAD -> main, origin/main"
    assert limit.origin.line == 1
    assert limit.raw.startswith("commit 9f8e7d6c") and limit.raw.endswith("kustomization.yaml")
    assert (merge.attrs or {})["parents"] == ["1a2b3c4", "7d8e9f0"]
    assert merge.time == at("2025-03-13T16:02:44Z")
    assert merge.origin.line == 12
    assert (bump.attrs or {})["files"] == ["apps/web/values-prod.yaml", "apps/web/pdb.yaml"]


def test_fuller_uses_the_commit_date_and_reads_stat_files() -> None:
    cpu, _ = read_fixture(GitLogReader, "git-log-fuller-stat.txt").events
    attrs = cpu.attrs or {}
    assert cpu.time == at("2025-03-14T02:57:30Z")
    assert attrs["author_date"] == at("2025-03-14T01:10:00Z")
    assert attrs["committer"] == "GitHub"
    assert attrs["files"] == ["apps/cart/overlays/prod/deployment-patch.yaml"]


def test_oneline_is_untimed() -> None:
    first, *_ = read_fixture(GitLogReader, "git-log-oneline.txt").events
    assert first.time is None
    assert first.message == "cart: request 4 CPUs"
    assert (first.attrs or {})["revision"] == "0123456"
    assert (first.attrs or {})["refs"] == "HEAD -> main"


def test_custom_format_fields_and_name_only_files() -> None:
    hotfix, limit, bump = read_fixture(GitLogReader, "git-log-custom.txt").events
    assert hotfix.message == "cart: request 4 CPUs | hotfix"  # the separator inside the subject
    assert (hotfix.attrs or {})["author"] == "Ana Pereira"
    assert (hotfix.attrs or {})["author_email"] == "ana.pereira@example.test"
    assert hotfix.time == at("2025-03-14T02:57:30Z")
    assert (limit.attrs or {})["files"] == ["apps/cart/overlays/prod/deployment-patch.yaml"]
    assert bump.origin.line == 5


def test_raw_format() -> None:
    text = (
        "commit 9f8e7d6c5b4a39281706f5e4d3c2b1a098765432\n"
        "tree 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567\n"
        "parent 1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d\n"
        "author Ana Pereira <ana.pereira@example.test> 1741919400 +0000\n"
        "committer Ana Pereira <ana.pereira@example.test> 1741919710 +0000\n"
        "\n"
        "    cart: lower memory limit to 512Mi\n"
    )
    (commit,) = read_text(GitLogReader, text).events
    assert commit.time == 1741919710.0
    assert (commit.attrs or {})["parents"] == ["1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"]
    assert (commit.attrs or {})["author"] == "Ana Pereira"


def test_graph_and_patch() -> None:
    text = (
        "* commit 9f8e7d6c5b4a39281706f5e4d3c2b1a098765432\n"
        "| Author: Ana Pereira <ana.pereira@example.test>\n"
        "| Date:   2025-03-14 02:35:10 +0000\n"
        "| \n"
        "|     cart: lower memory limit to 512Mi\n"
        "| \n"
        "| diff --git a/apps/cart/patch.yaml b/apps/cart/patch.yaml\n"
        "| --- a/apps/cart/patch.yaml\n"
        "| +++ b/apps/cart/patch.yaml\n"
        "| -            memory: 1Gi\n"
        "| +            memory: 512Mi\n"
        "* commit 1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d\n"
        "  Author: Li Wei <li.wei@example.test>\n"
        "  Date:   2025-03-13 08:59:30 +0000\n"
        "  \n"
        "      web: bump image to 4.2.0\n"
    )
    limit, bump = read_text(GitLogReader, text).events
    assert limit.message == "cart: lower memory limit to 512Mi"
    assert (limit.attrs or {})["files"] == ["apps/cart/patch.yaml"]
    assert "memory: 512Mi" not in limit.raw  # patch bodies are not quoted
    assert bump.time == at("2025-03-13T08:59:30Z") and bump.message == "web: bump image to 4.2.0"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fri Mar 14 02:35:10 2025 +0100", "2025-03-14T01:35:10Z"),
        ("Fri Mar 4 02:35:10 2025 -0030", "2025-03-04T03:05:10Z"),
        ("2025-03-14 02:35:10 +0000", "2025-03-14T02:35:10Z"),
        ("2025-03-14T02:35:10+02:00", "2025-03-14T00:35:10Z"),
        ("Fri, 14 Mar 2025 02:35:10 +0000", "2025-03-14T02:35:10Z"),
        ("1741919710 +0000", "2025-03-14T02:35:10Z"),
        ("2025-03-14", "2025-03-14T00:00:00Z"),
        ("3 days ago", None),
        ("cart: 2025-03-14 release", None),
    ],
)
def test_git_date_styles(text: str, expected: str | None) -> None:
    assert git_date(text) == (at(expected) if expected else None)


def test_oneline_with_a_short_date() -> None:
    (event,) = read_text(GitLogReader, "9f8e7d6 2025-03-14 cart: lower memory limit\n").events
    assert event.time == at("2025-03-14T00:00:00Z") and event.message == "cart: lower memory limit"


def test_text_that_is_not_a_git_log_is_an_input_error() -> None:
    with pytest.raises(InputError):
        read_text(GitLogReader, "hello world\n")


@pytest.mark.parametrize(
    "head",
    [
        "0000000 457f 464c 0102 0001 0000 0000 0000 0000\n0000010 0003 003e 0001 0000 1040 0000 0000 0000\n",
        "deadbeef\n",
        "2025-03-14T02:51:09Z INFO started\n2025-03-14T02:51:10Z INFO ready\n",
    ],
)
def test_sniff_rejects_look_alikes(head: str) -> None:
    assert GitLogReader.sniff(head, "x.txt") == 0.0


def test_raw_diff_lines_give_file_paths() -> None:
    text = (
        "commit 9f8e7d6c5b4a39281706f5e4d3c2b1a098765432\n"
        "Author: Ana Pereira <ana.pereira@example.test>\n"
        "Date:   Fri Mar 14 02:35:10 2025 +0000\n"
        "\n"
        "    cart: lower memory limit\n"
        "\n"
        ":100644 100644 0a1b2c3 4d5e6f7 M\tapps/cart/patch.yaml\n"
    )
    (event,) = read_text(GitLogReader, text).events
    assert (event.attrs or {})["files"] == ["apps/cart/patch.yaml"]
