"""`git log` output of a (GitOps) repository, as `git-commit` CHANGE events.

Block formats start each commit with `commit <sha> [(refs)]`: the default (`medium`), `full`,
`fuller` (AuthorDate/CommitDate), `raw` (`author Name <email> <epoch> <tz>`), with any `--date`
style, `Merge:` lines, `--graph` prefixes, and file lists from `--stat`, `--numstat`,
`--name-status`, `--name-only` or `-p` (only the `diff --git` headers are kept).
Line formats: `--oneline` (untimed unless a date follows the sha) and custom
`--pretty=format:` lines whose fields are split by `|`, tab, `;`, `,` or `\\x1f`
(`%H|%an|%ae|%aI|%s`), recognised by the shape of each field.

`time` is the commit date when shown (when the change landed), else the author date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TextIO

from opslens.errors import InputError
from opslens.events import Event, EventKind
from opslens.sources.base import ReadContext, Reader, register
from opslens.sources.readers._git_commits import Commit, CommitBlocks, git_date

_COMMIT = re.compile(r"(?:[*|/\\ ]+ )?commit [0-9a-f]{7,64}\b")
_ONELINE = re.compile(r"(?:[*|/\\ ]+ )?([0-9a-f]{7,64})(?: \(([^)]*)\))? (.*)$")
_CUSTOM = re.compile(r"([0-9a-f]{7,64})([|\t;,\x1f])")
_WORDS = re.compile(r"[A-Za-z]{3,}")
_EMAIL = re.compile(r"<?[^@\s<>]+@[^@\s<>]+>?$")
_HEX = re.compile(r"[0-9a-f]{7,64}$")
_LEADING_DATE = re.compile(
    r"(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?: ?(?:Z|[+-]\d{2}:?\d{2}))?)?) "
)
_GRAPH_ONLY = re.compile(r"[*|/\\ _.-]+$")


@register
class GitLogReader(Reader):
    """`git log` in block formats (medium/fuller/raw, --stat, --name-status) or one-line formats."""

    name = "git-log"
    description = (
        "git log: default/fuller/raw formats, --stat/--name-status, --oneline, custom formats"
    )

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        lines = [line for line in head.lstrip("\ufeff").splitlines()[:60] if line.strip()]
        if not lines:
            return 0.0
        bonus = 0.04 if "git" in name.lower() else 0.0
        if _COMMIT.match(lines[0]) and any(
            line.lstrip("*|/\\ ").startswith(("Author:", "author ", "Merge:", "Date:"))
            for line in lines[1:8]
        ):
            return 0.95
        custom = sum(1 for line in lines if _custom_fields(line) is not None)
        if _custom_fields(lines[0]) is not None and custom >= 0.5 * len(lines):
            return 0.85 + bonus
        oneline = sum(
            1 for line in lines if (m := _ONELINE.match(line)) and _WORDS.search(m.group(3))
        )
        if len(lines) >= 2 and oneline >= 0.8 * len(lines):
            return 0.6 + bonus
        return 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        lines = stream.read().lstrip("\ufeff").splitlines()
        base = ctx.lines
        ctx.lines += len(lines)
        first = next((line for line in lines if line.strip()), None)
        if first is None:
            return
        if _COMMIT.match(first):
            commits = CommitBlocks(lines, base, ctx).commits()
        elif _custom_fields(first) is not None or _ONELINE.match(first):
            commits = _line_commits(lines, base, ctx)
        else:
            raise InputError(
                str(ctx.source),
                "not git log output (expected `commit <sha>` blocks or one commit per line)",
            )
        for commit in commits:
            yield _to_event(commit, ctx)


def _custom_fields(line: str) -> list[str] | None:
    """Fields of a custom `--pretty=format:` line (`sha<sep>...`), or None."""
    m = _CUSTOM.match(line)
    if not m:
        return None
    fields = line.split(m.group(2))
    return fields if len(fields) >= 3 else None


def _line_commits(lines: list[str], base: int, ctx: ReadContext) -> Iterator[Commit]:
    """One commit per line; other non-blank lines (e.g. --name-only) are the previous one's files."""
    current: Commit | None = None
    for offset, line in enumerate(lines, start=1):
        if not line.strip() or _GRAPH_ONLY.match(line):
            continue
        parsed = _custom_commit(line, ctx) or _oneline_commit(line, ctx)
        if parsed is not None:
            if current is not None:
                yield current
            current = parsed
            current.line = base + offset
        elif current is not None:
            current.files.append(line.strip())
            current.raw_lines.append(line)
        else:
            ctx.skip("not a git log line", base + offset)
    if current is not None:
        yield current


def _custom_commit(line: str, ctx: ReadContext) -> Commit | None:
    fields = _custom_fields(line)
    if fields is None:
        return None
    sep = _CUSTOM.match(line).group(2)  # type: ignore[union-attr]
    commit = Commit(sha=fields[0], raw_lines=[line])
    for index, field in enumerate(fields[1:], start=1):
        value = field.strip()
        stamp = git_date(value, ctx.tz) if value else None
        if stamp is not None:
            commit.author_date = commit.author_date if commit.author_date is not None else stamp
        elif _EMAIL.match(value):
            commit.email = value.strip("<>")
        elif _HEX.match(value):
            commit.parents.append(value)
        elif value and commit.author is None and _later_date_or_email(fields[index + 1 :], ctx):
            commit.author = value
        elif value:
            commit.message = [sep.join(fields[index:]).strip()]
            break
    return commit


def _later_date_or_email(fields: list[str], ctx: ReadContext) -> bool:
    return any(
        _EMAIL.match(f.strip()) or git_date(f.strip(), ctx.tz) is not None
        for f in fields
        if f.strip()
    )


def _oneline_commit(line: str, ctx: ReadContext) -> Commit | None:
    m = _ONELINE.match(line)
    if not m:
        return None
    sha, refs, subject = m.groups()
    commit = Commit(sha=sha, raw_lines=[line], refs=refs)
    if date := _LEADING_DATE.match(subject):  # e.g. --format='%h %ad %s' --date=short
        stamp = git_date(date.group(1), ctx.tz)
        if stamp is not None:
            commit.author_date, subject = stamp, subject[date.end() :]
    commit.message = [subject]
    return commit


def _to_event(commit: Commit, ctx: ReadContext) -> Event:
    subject = commit.message[0].strip() if commit.message else ""
    body = "\n".join(commit.message[1:]).strip("\n") or None
    attrs = {
        "change_kind": "git-commit",
        "revision": commit.sha,
        "author": commit.author,
        "author_email": commit.email,
        "subject": subject,
        "body": body,
        "files": commit.files,
        "parents": commit.parents or None,
        "refs": commit.refs,
        "author_date": commit.author_date,
        "commit_date": commit.commit_date,
        "committer": commit.committer,
    }
    time = commit.commit_date if commit.commit_date is not None else commit.author_date
    return Event(
        time=time,
        kind=EventKind.CHANGE,
        source=GitLogReader.name,
        origin=ctx.source.origin(commit.line),
        message=subject or f"commit {commit.sha}",
        raw="\n".join(commit.raw_lines).rstrip("\n"),
        attrs={k: v for k, v in attrs.items() if v is not None},
    )
