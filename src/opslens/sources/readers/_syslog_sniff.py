"""How sure the syslog reader is that a head of text is syslog (its `sniff`).

Counted over the first non-blank lines, journalctl's own `-- ... --` lines left out: timed
headers, bare `ident[pid]: msg` headers, and lines a header explains (a cut-off first line or a
`systemctl status` block before the first header, a hard-wrapped or indented continuation). Scores: 0.6 + 0.25 x the explained
share when most lines are headers, or when a wrapped paste has at least two timed headers and
nearly every line is explained; a bare-only paste is less certain (0.55 + 0.2 x share); journalctl
`short-monotonic` output gets 0.08 more, as the dmesg reader also takes its `[ 1234.5]` stamps
but cannot see the host and tag after them. A head of nothing but journalctl's lines (`-- No
entries --`) is 0.6: the reader knows to yield no events from it.

Not a reader: the leading underscore keeps the package's auto-import from treating it as one.
"""

from __future__ import annotations

from opslens.sources.base import SNIFF_CHARS
from opslens.sources.readers._syslog_journal import MARKER, STATUS_HEAD
from opslens.sources.readers._syslog_parse import BARE, OTHER, TIMED, classify
from opslens.sources.readers._syslog_records import MAX_CUT_LINES, MAX_STATUS_LINES, MIN_WRAP_WIDTH

_SNIFF_LINES = 50
_MONO_BONUS = 0.08


def score(head: str) -> float:
    """The syslog reader's confidence for `head` (0 when it is not syslog)."""
    lines = head.lstrip("\ufeff").splitlines()
    if len(head) >= SNIFF_CHARS and not head.endswith("\n"):
        lines = lines[:-1]  # cut mid-line
    texts: list[str] = []
    kinds: list[int] = []
    markers = 0
    for line in lines:
        if not line.strip():
            continue
        if line[:3] == "-- " and MARKER.match(line):
            markers += 1
            continue
        texts.append(line)
        kinds.append(classify(line))
        if len(kinds) >= _SNIFF_LINES:
            break
    n = len(kinds)
    if n == 0:
        return 0.6 if markers else 0.0
    timed, bare = kinds.count(TIMED), kinds.count(BARE)
    explained = (timed + bare + _continuations(texts, kinds)) / n
    if timed == 0:
        return round(0.55 + 0.2 * explained, 3) if bare / n >= 0.6 else 0.0
    if (timed + bare) / n < 0.6 and (timed < 2 or explained < 0.9):
        return 0.0
    mono = sum(
        1 for text, kind in zip(texts, kinds, strict=True) if kind == TIMED and text[:1] == "["
    )
    return round(0.6 + 0.25 * explained + (_MONO_BONUS if 2 * mono >= timed else 0.0), 3)


def _continuations(texts: list[str], kinds: list[int]) -> int:
    """Lines that are no header but that a header explains: the cut-off start of the paste or
    a `systemctl status` block (before the first timed header), and indented or hard-wrapped
    lines after a record."""
    width = max(len(t) for t in texts)
    count = 0
    first = kinds.index(TIMED) if TIMED in kinds else len(kinds)
    limit = MAX_STATUS_LINES if STATUS_HEAD.match(texts[0]) else MAX_CUT_LINES
    if first <= limit:
        count += kinds[:first].count(OTHER)
    for i in range(max(first, 1), len(kinds)):
        if kinds[i] != OTHER:
            continue
        text, before = texts[i], texts[i - 1]
        if text[:1] in (" ", "\t") or (
            width >= MIN_WRAP_WIDTH and len(before) + 1 + len(text.split(" ", 1)[0]) > width
        ):
            count += 1
    return count
