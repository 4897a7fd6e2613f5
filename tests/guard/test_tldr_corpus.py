"""Structural checks for the held-out tldr-derived guard corpora.

These tests check only the shape of the gold data (fields, label vocabulary, no
duplicates, coverage per tool). Guard accuracy on these files is scored in
bench/guard.py, not here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CORPUS_DIR = Path(__file__).parent / "corpus"
LABELS = {"read_only", "sensitive_read", "unknown", "mutating", "destructive"}
REQUIRED = ("cmd", "label", "why", "source")
# `{{[-n|--namespace]}}`, `{{path/to/file}}`, `{{pod_name}}`: unfilled tldr syntax.
TLDR_PLACEHOLDER = re.compile(r"\{\{(?:\[|path/to/|[a-z0-9]+_[a-z0-9_]+\}\})")

# Tools each corpus file must cover: a tool is covered when some row's tldr page is
# named after it (`<tool>.md` or `<tool>-*.md`). Add an entry for each new file.
EXPECTED_TOOLS: dict[str, tuple[str, ...]] = {
    "tldr-infra.jsonl": (
        "kubectl",
        "helm",
        "docker",
        "podman",
        "crictl",
        "systemctl",
        "journalctl",
        "ip",
        "ss",
        "iptables",
        "nft",
        "terraform",
        "argocd",
        "flux",
        "vault",
        "consul",
        "etcdctl",
        "psql",
        "mysql",
        "redis-cli",
        "mongosh",
        "kcat",
    ),
    "tldr-general.jsonl": (
        *("git", "aws", "gcloud", "az", "openssl", "ssh", "scp", "rsync", "sudo", "curl", "wget"),
        *("ls", "cat", "head", "tail", "cp", "mv", "rm", "dd", "df", "du", "find", "grep"),
        *("sed", "awk", "sort", "uniq", "wc", "tee", "chmod", "chown", "ln", "mkdir", "touch"),
        *("tar", "gzip", "ps", "kill", "pkill", "top", "free", "lsof", "netstat", "dig"),
        *("nslookup", "env", "printenv", "history", "xargs", "watch", "stat", "date"),
        *("uptime", "dmesg", "mount", "umount", "crontab", "shred", "truncate"),
    ),
}

CORPUS_FILES = sorted(CORPUS_DIR.glob("tldr-*.jsonl"))


def _rows(path: Path) -> list[dict[str, object]]:
    """Parse one JSONL corpus file; blank lines are not allowed."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _page_name(source: str) -> str:
    """Return the tldr page name (without `.md`) from a `source` field."""
    return source.rsplit("/", 1)[-1].removesuffix(".md")


def test_corpus_files_exist() -> None:
    assert CORPUS_FILES, f"no tldr-*.jsonl corpus in {CORPUS_DIR}"


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_rows_have_required_fields_and_known_labels(path: Path) -> None:
    for number, row in enumerate(_rows(path), start=1):
        for field in REQUIRED:
            value = row.get(field)
            assert isinstance(value, str) and value.strip(), f"{path.name}:{number} lacks {field}"
        assert row["label"] in LABELS, f"{path.name}:{number} bad label {row['label']!r}"
        assert str(row["source"]).startswith("tldr-pages/tldr pages/"), f"{path.name}:{number}"
        # Go templates ({{.ID}}) are legitimate; tldr placeholders must have been filled.
        leftover = TLDR_PLACEHOLDER.search(str(row["cmd"]))
        assert leftover is None, f"{path.name}:{number} keeps a tldr placeholder: {row['cmd']!r}"


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_no_duplicate_commands(path: Path) -> None:
    seen: dict[str, int] = {}
    for number, row in enumerate(_rows(path), start=1):
        cmd = str(row["cmd"])
        assert cmd not in seen, f"{path.name}:{number} repeats line {seen[cmd]}: {cmd!r}"
        seen[cmd] = number


@pytest.mark.parametrize("name", sorted(EXPECTED_TOOLS))
def test_every_expected_tool_has_rows(name: str) -> None:
    path = CORPUS_DIR / name
    assert path.exists(), f"missing corpus {name}"
    pages = {_page_name(str(row["source"])) for row in _rows(path)}
    for tool in EXPECTED_TOOLS[name]:
        covered = any(page == tool or page.startswith(tool + "-") for page in pages)
        assert covered, f"{name} has no row for {tool}"


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_every_label_class_is_present(path: Path) -> None:
    # A corpus without unsafe rows could not show the guard calling one read_only.
    labels = {row["label"] for row in _rows(path)}
    assert {"read_only", "mutating", "destructive"} <= labels, f"{path.name}: {labels}"
