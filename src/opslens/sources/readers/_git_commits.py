"""Parsing of `git log` block formats (`commit <sha>` headers) and of git's date styles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, tzinfo

from opslens.sources.base import ReadContext
from opslens.sources.readers._textdates import parse_ctime, parse_rfc2822
from opslens.timeparse import parse_rfc3339

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?: ?(?:Z|[+-]\d{2}:?\d{2}))?")
_SHORT = re.compile(r"\d{4}-\d{2}-\d{2}")
_CTIME = re.compile(
    r"[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{1,2}:\d{2}:\d{2} \d{4}(?: [+-]\d{4})?"
)
_RFC2822 = re.compile(
    r"(?:[A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{4} \d{1,2}:\d{2}:\d{2} [+-]\d{4}"
)
_EPOCH = re.compile(r"(\d{9,11})(?: [+-]\d{4})?")

_COMMIT_LINE = re.compile(
    r"([*|/\\ ]*?)commit ([0-9a-f]{7,64})(?: \((.*)\))?(?: \(from [0-9a-f]+\))?\s*$"
)
_HEADER = re.compile(r"(Merge|Author|AuthorDate|Commit|CommitDate|Date):\s*(.*)$")
_RAW_HEADER = re.compile(r"(tree|parent|author|committer|encoding|gpgsig) ?(.*)$")
_PERSON = re.compile(r"(.*?)\s*<([^>]*)>\s*(.*)$")
_STAT = re.compile(r" (.+?)\s+\|\s+(?:\d+|Bin\b)")
_STAT_SUMMARY = re.compile(r" \d+ files? changed")
_NUMSTAT = re.compile(r"(?:\d+|-)\t(?:\d+|-)\t(.+)$")
_NAME_STATUS = re.compile(r"[ACDMRTUXB]\d*\t(.+)$")
_DIFF = re.compile(r"diff --git a/(.+) b/(.+)$")
_GRAPH_PREFIX = re.compile(r"[*|/\\ _.-]*")


def git_date(text: str, tz: tzinfo = UTC) -> float | None:
    """Epoch of a whole date in any `git log --date=` style except `relative`; else None."""
    if _ISO.fullmatch(text):
        return parse_rfc3339(text, tz)
    if _SHORT.fullmatch(text):
        return parse_rfc3339(f"{text}T00:00:00", tz)
    if _CTIME.fullmatch(text):
        return parse_ctime(text, tz)
    if _RFC2822.fullmatch(text):
        return parse_rfc2822(text)
    if m := _EPOCH.fullmatch(text):
        return float(m.group(1))
    return None


@dataclass
class Commit:
    """One commit as read, before it becomes an Event."""

    sha: str
    line: int | None = None
    refs: str | None = None
    parents: list[str] = field(default_factory=list)
    author: str | None = None
    email: str | None = None
    committer: str | None = None
    author_date: float | None = None
    commit_date: float | None = None
    message: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    raw_lines: list[str] = field(default_factory=list)


class CommitBlocks:
    """Commits of block formats: header lines, a blank line, the 4-space indented message,
    then file lines (stat, numstat, name-status, name-only) or a patch."""

    def __init__(self, lines: list[str], base: int, ctx: ReadContext) -> None:
        self.lines, self.base, self.ctx = lines, base, ctx
        self.graph_width = 0

    def commits(self) -> Iterator[Commit]:
        current: Commit | None = None
        in_header = in_patch = False
        for offset, original in enumerate(self.lines, start=1):
            m = _COMMIT_LINE.match(original)
            if m:
                if current is not None:
                    yield current
                self.graph_width = len(m.group(1))
                current = Commit(
                    sha=m.group(2), line=self.base + offset, refs=m.group(3), raw_lines=[original]
                )
                in_header, in_patch = True, False
                continue
            if current is None:
                if original.strip():
                    self.ctx.skip("text before the first `commit` line", self.base + offset)
                continue
            line = self._ungraph(original)
            if in_header and line.strip():
                self._header(current, line)
            elif in_patch or line.startswith("diff --git "):
                in_patch = True
                if d := _DIFF.match(line):
                    current.files.append(d.group(2))
                    current.raw_lines.append(original)
                continue
            elif line.startswith("    "):
                current.message.append(line[4:])
            elif line.strip():
                self._file(current, line)
            else:
                in_header = False
            current.raw_lines.append(original)
        if current is not None:
            yield current

    def _ungraph(self, line: str) -> str:
        """Drop the `--graph` columns seen on the last commit line."""
        if not self.graph_width:
            return line
        prefix = line[: self.graph_width]
        return line[self.graph_width :] if _GRAPH_PREFIX.fullmatch(prefix) else line

    def _header(self, commit: Commit, line: str) -> None:
        tz = self.ctx.tz
        if m := _HEADER.match(line):
            key, value = m.groups()
            if key == "Merge":
                commit.parents = value.split()
            elif key == "Author":
                commit.author, commit.email = _person(value)
            elif key == "Commit":
                commit.committer = _person(value)[0]
            elif key in ("Date", "AuthorDate"):
                commit.author_date = git_date(value.strip(), tz)
            else:
                commit.commit_date = git_date(value.strip(), tz)
        elif m := _RAW_HEADER.match(line):
            key, value = m.groups()
            if key == "parent":
                commit.parents.append(value.strip())
            elif key in ("author", "committer") and (p := _PERSON.match(value)):
                stamp = git_date(p.group(3).strip(), tz)
                if key == "author":
                    commit.author, commit.email, commit.author_date = p.group(1), p.group(2), stamp
                else:
                    commit.committer, commit.commit_date = p.group(1), stamp

    @staticmethod
    def _file(commit: Commit, line: str) -> None:
        if _STAT_SUMMARY.match(line):
            return
        if (
            line.startswith(":") and "\t" in line
        ):  # --raw / whatchanged: `:100644 100644 a b M\tpath`
            commit.files.append(line.rsplit("\t", 1)[-1])
            return
        for pattern in (_NUMSTAT, _NAME_STATUS):
            if m := pattern.match(line):
                commit.files.append(m.group(1).split("\t")[-1])
                return
        if m := _STAT.match(line):
            commit.files.append(m.group(1).strip())
        elif not line.startswith(" "):
            commit.files.append(line.strip())  # --name-only


def _person(value: str) -> tuple[str | None, str | None]:
    m = _PERSON.match(value)
    if m:
        return m.group(1) or None, m.group(2) or None
    return value.strip() or None, None
